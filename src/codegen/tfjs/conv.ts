// The tfjs convolutions. conv2d and masked_conv2d get their padding resolved to pixels; strides > 1 with
// dilations > 1 (which tfjs refuses) become a stride-1 dilated conv and an exact strided slice. tfjs has no grouped
// conv: groups equal to the input channels become tf.depthwiseConv2d (the kernel [kh, kw, 1, C·M] is tfjs's depthwise
// filter [kh, kw, C, M] in the same row-major order, out channel c·M + m), other groups split, convolve and concat.
// Kernel work that depends only on load-time values (mask product, reshape, split) is done once in load().
// fused_conv2d is one tf.fused.conv2d (bias and activation applied by the kernel), or conv2d's steps then add and
// activation where tf.fused.conv2d cannot (groups, strides with dilations).
// A load-time kernel masked by a mask fed with each call (an input, perhaps through slice and reshape) is multiplied
// in JS: load() reads the kernel's values once, each call multiplies them at the live taps by the fed Float32Array
// into a buffer kept between calls and uploads the product as one tensor — cheaper than uploading the mask and
// running slice, reshape and mul as tf ops, with the same float32 products.

import type { Emitted, Emitter } from "../emitter.js";
import { jsNumber } from "../literals.js";
import type { ConvPlan, Plan, PlannedValue } from "../lower.js";
import { type TfjsContext, allLoadTime, define, derived, padArg, ref, shape } from "./context.js";

type ConvFunction = "conv2d" | "depthwiseConv2d";

/** One conv call over the input `x` and kernel `k` (expressions), with a note when it needs the decomposition. */
function convCall(fn: ConvFunction, c: ConvPlan, x: string, k: string): { expr: string; note?: string } {
  const pad = padArg(c.pads);
  const [sh, sw] = c.strides;
  const [dh, dw] = c.dilations;
  if (!((sh > 1 || sw > 1) && (dh > 1 || dw > 1))) {
    return { expr: `tf.${fn}(${x}, ${k}, [${sh}, ${sw}], ${pad}, "NHWC", [${dh}, ${dw}])` };
  }
  return {
    expr: `tf.stridedSlice(tf.${fn}(${x}, ${k}, [1, 1], ${pad}, "NHWC", [${dh}, ${dw}]), [0, 0, 0, 0], [0, 0, 0, 0], [1, ${sh}, ${sw}, 1], 15, 15)`,
    note: `// tfjs refuses strides > 1 with dilations > 1: a stride-1 conv, then a slice with steps ${sh} (rows) and ${sw} (columns)`,
  };
}

/** The lines of a conv: `prepare` makes the kernel tensor(s) named `kernel` from the operands, `code` convolves. */
function convSteps(c: ConvPlan, value: PlannedValue, ctx: TfjsContext, x: string, kernel: string): { prepare: string[]; ready: string; code: string[] } {
  const [kh, kw] = c.kernelSize;
  const y = value.id;
  if (c.groups === 1) {
    const { expr, note } = convCall("conv2d", c, x, kernel);
    return { prepare: [], ready: kernel, code: [...(note ? [note] : []), `const ${y} = ${expr};`] };
  }
  if (c.inChannels === c.groups) {
    const m = c.outChannels / c.groups;
    const filter = derived(value, "depthwise");
    const { expr, note } = convCall("depthwiseConv2d", c, x, filter);
    return {
      prepare: [
        `// depthwise: the kernel [${kh}, ${kw}, 1, ${c.outChannels}] is tfjs's filter [${kh}, ${kw}, ${c.inChannels}, ${m}] (out channel c * ${m} + m)`,
        `const ${filter} = tf.reshape(${kernel}, [${kh}, ${kw}, ${c.inChannels}, ${m}]);`,
      ],
      ready: filter,
      code: [...(note ? [note] : []), `const ${y} = ${expr};`],
    };
  }
  const kernels = derived(value, "kernels");
  const inputs = derived(value, "inputs");
  const { expr, note } = convCall("conv2d", c, "xg", `${kernels}[g]`);
  const joined = `tf.concat(${inputs}.map((xg, g) => ${expr}), 3)`;
  // An empty batch gives tf.zeros: tfjs-cpu's concat of empty tensors holds a plain Array, not float32.
  const empty = typeof c.batch === "string";
  return {
    prepare: [`// ${c.groups} groups: the kernel split along its out channels`, `const ${kernels} = tf.split(${kernel}, ${c.groups}, 3);`],
    ready: kernels,
    code: [
      `// ${c.groups} groups: the input split along its channels, one conv per group, the results joined${empty ? " (tf.zeros for an empty batch, whose concat tfjs-cpu leaves a plain Array)" : ""}`,
      ...(note ? [note] : []),
      `const ${inputs} = tf.split(${x}, ${c.groups}, 3);`,
      empty ? `const ${y} = ${x}.size === 0 ? tf.zeros(${shape(ctx, value.shape)}) : ${joined};` : `const ${y} = ${joined};`,
    ],
  };
}

/** Where a mask's values lie in the Float32Array fed for an input: flat index base + Σ index[d] · strides[d]. */
export interface FedMask {
  readonly input: PlannedValue;
  readonly base: number;
  readonly strides: readonly number[];
}

const rowMajor = (shape: readonly number[]) => shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));

/**
 * The fed input whose data a run-time value is, read through slices and reshapes (a reshape only of values still
 * contiguous in it); undefined for anything else (computed by other ops, symbolic sizes).
 */
export function fedMask(plan: Plan, name: string): FedMask | undefined {
  const v = plan.value(name);
  if (!v.shape.every((d): d is number => typeof d === "number")) return undefined;
  const dims = v.shape as readonly number[];
  const node = v.node;
  if (node.op === "input") return { input: v, base: 0, strides: rowMajor(dims) };
  if (node.op !== "slice" && node.op !== "reshape") return undefined;
  const from = fedMask(plan, node.operands[0]!);
  if (from === undefined) return undefined;
  if (node.op === "slice") {
    const rank = dims.length;
    const axis = node.attrs.axis < 0 ? node.attrs.axis + rank : node.attrs.axis;
    return { ...from, base: from.base + node.attrs.begin * from.strides[axis]! };
  }
  const fromDims = plan.value(node.operands[0]!).shape as readonly number[];
  const dense = rowMajor(fromDims);
  if (!fromDims.every((d, i) => d === 1 || from.strides[i] === dense[i])) return undefined;
  return { ...from, strides: rowMajor(dims) };
}

/**
 * The kernel ⊙ mask of a masked or fused conv, made per call in JS when the kernel is load-time and the mask is fed
 * (see fedMask): load() keeps the kernel's values and a product buffer (zero at the dead taps, which the calls never
 * write; the fed mask is checked to be 0 there when that is what makes them dead), each call fills the live taps and
 * uploads it. Undefined when the conv does not qualify: the caller then multiplies with tf ops.
 * Reusing the buffer is safe: the tensor made of it (which tfjs-cpu may hold without copying) lives only inside the
 * call's tidy, which runs synchronously to its end before any other call can start; each worker has its own.
 */
function jsMaskedKernel(ctx: TfjsContext, value: PlannedValue, kName: string, mName: string, kernel: string): string | undefined {
  const c = value.conv!;
  const k = ctx.plan.value(kName);
  const m = ctx.plan.value(mName);
  if (k.stage !== "load" || m.stage !== "run") return undefined;
  const fed = fedMask(ctx.plan, mName);
  if (fed === undefined) return undefined;
  const [kh, kw, ci, co] = k.shape as [number, number, number, number];
  const ms = c.maskShape!;
  const own = m.shape as readonly number[];
  // The mask broadcast left-aligned onto [kh, kw, ci, co]: axes of size 1 (given or added) step 0.
  const step = (d: number) => (d < own.length && own[d] !== 1 ? fed.strides[d]! : 0);
  const [si, sj, sc, so] = [0, 1, 2, 3].map((d) => (ms[d] === 1 ? 0 : step(d)));
  const data = derived(value, "kernelData");
  const product = derived(value, "product");
  const taps = derived(value, "taps");
  ctx.helpers.add("maskKernel");
  ctx.afterLoad.push(
    `// ${value.id}: the kernel's values, multiplied by the mask fed with each call in JS at the ${c.liveTaps.length} live taps of ${kh * kw}`,
    `const ${data} = await ${k.id}.data();`,
    `const ${product} = new Float32Array(${kh * kw * ci * co});`,
    `const ${taps} = [${c.liveTaps.map(([i, j]) => `${i}, ${j}`).join(", ")}];`,
  );
  ctx.keepAfterLoad.add(kName);
  return `const ${kernel} = tf.tensor(maskKernel(${product}, ${data}, ${ctx.fedId(fed.input)}, ${taps}, ${kw}, ${ci}, ${co}, ${fed.base}, ${si}, ${sj}, ${sc}, ${so}), [${kh}, ${kw}, ${ci}, ${co}], "float32");`;
}

/** Puts the kernel preparation in load() when the kernel (and mask) are load-time, keeping what the calls read. */
function placed(kernelOperands: readonly string[], value: PlannedValue, ctx: TfjsContext, prepare: string[], ready: string, code: string[]): Emitted {
  if (prepare.length === 0) return { code };
  if (!allLoadTime(ctx, kernelOperands)) return { code: [...prepare, ...code] };
  return { setup: prepare, keep: value.stage === "run" ? [ready] : [], code, reads: value.node.operands.slice(0, 1) };
}

export const conv2d: Emitter<"conv2d", TfjsContext> = (node, value, ctx) => {
  const [x, k] = node.operands.map((o) => ref(ctx, o)) as [string, string];
  const { prepare, ready, code } = convSteps(value.conv!, value, ctx, x, k);
  return placed(node.operands.slice(1), value, ctx, prepare, ready, code);
};

export const maskedConv2d: Emitter<"masked_conv2d", TfjsContext> = (node, value, ctx) => {
  const c = value.conv!;
  const [x, k, m] = node.operands.map((o) => ref(ctx, o)) as [string, string, string];
  const maskValue = ctx.plan.value(node.operands[2]!);
  const asKernel = maskValue.shape.length === 4 ? m : `tf.reshape(${m}, [${c.maskShape!.join(", ")}])`;
  const kernel = derived(value, "kernel");
  const steps = convSteps(c, value, ctx, x, kernel);
  const inJs = jsMaskedKernel(ctx, value, node.operands[1]!, node.operands[2]!, kernel);
  if (inJs !== undefined) return { code: [inJs, ...steps.prepare, ...steps.code], reads: node.operands.slice(0, 1) };
  const prepare = [`const ${kernel} = tf.mul(${k}, ${asKernel});`, ...steps.prepare];
  return placed(node.operands.slice(1), value, ctx, prepare, steps.ready, steps.code);
};

/** tf.conv2dTranspose with the output shape the IR gives and the forward conv's padding in pixels. */
export const conv2dTranspose: Emitter<"conv2d_transpose", TfjsContext> = (node, value, ctx) => {
  const t = value.transpose!;
  const [x, k] = node.operands.map((o) => ref(ctx, o)) as [string, string];
  return define(value, `tf.conv2dTranspose(${x}, ${k}, ${shape(ctx, value.shape)}, [${t.strides.join(", ")}], ${padArg(t.pads)})`);
};

/** A fused conv's activation as a tfjs expression over `y`, for the path that cannot use tf.fused.conv2d. */
function activationExpr(node: Parameters<Emitter<"fused_conv2d", TfjsContext>>[0], y: string): string {
  const a = node.attrs;
  switch (a.activation) {
    case "linear":
      return y;
    case "relu":
      return `tf.relu(${y})`;
    case "relu6":
      return `tf.relu6(${y})`;
    case "elu":
      return `tf.elu(${y})`;
    case "leakyrelu":
      return `tf.leakyRelu(${y}, ${jsNumber(a.alpha)})`;
    case "sigmoid":
      return `tf.sigmoid(${y})`;
  }
}

/**
 * activation(conv(x, kernel [⊙ mask]) + bias) as one tf.fused.conv2d; the mask product, when there is one, is made
 * once in load() if the mask is known then, else per call. Grouped convs and strides with dilations (which
 * tf.fused.conv2d does not take) convolve as conv2d does, then add the bias and apply the activation.
 */
export const fusedConv2d: Emitter<"fused_conv2d", TfjsContext> = (node, value, ctx) => {
  const c = value.conv!;
  const [x, k, bias, m] = node.operands.map((o) => ref(ctx, o)) as [string, string, string, string | undefined];
  const prepare: string[] = [];
  let kernel = k;
  let inJs: string | undefined;
  if (m !== undefined) {
    kernel = derived(value, "kernel");
    inJs = jsMaskedKernel(ctx, value, node.operands[1]!, node.operands[3]!, kernel);
    const maskValue = ctx.plan.value(node.operands[3]!);
    const asKernel = maskValue.shape.length === 4 ? m : `tf.reshape(${m}, [${c.maskShape!.join(", ")}])`;
    prepare.push(inJs ?? `const ${kernel} = tf.mul(${k}, ${asKernel});`);
  }
  const [sh, sw] = c.strides;
  const [dh, dw] = c.dilations;
  let ready = kernel;
  let code: string[];
  if (c.groups === 1 && !((sh > 1 || sw > 1) && (dh > 1 || dw > 1))) {
    const a = node.attrs;
    const alpha = a.activation === "leakyrelu" ? `, leakyreluAlpha: ${jsNumber(a.alpha)}` : "";
    code = [
      `const ${value.id} = tf.fused.conv2d({ x: ${x}, filter: ${kernel}, strides: [${sh}, ${sw}], pad: ${padArg(c.pads)}, dataFormat: "NHWC", dilations: [${dh}, ${dw}], bias: ${bias}, activation: "${a.activation}"${alpha} });`,
    ];
  } else {
    const conv = { ...value, id: derived(value, "conv") };
    const steps = convSteps(c, conv, ctx, x, kernel);
    prepare.push(...steps.prepare);
    ready = steps.ready;
    code = [...steps.code, `const ${value.id} = ${activationExpr(node, `tf.add(${conv.id}, ${bias})`)};`];
  }
  const kernelOperands = [node.operands[1]!, ...node.operands.slice(3)];
  if (inJs !== undefined) return { code: [...prepare, ...code], reads: [node.operands[0]!, node.operands[2]!] };
  if (prepare.length === 0) return { code };
  if (!allLoadTime(ctx, kernelOperands)) return { code: [...prepare, ...code] };
  return { setup: prepare, keep: value.stage === "run" ? [ready] : [], code, reads: [node.operands[0]!, node.operands[2]!] };
};
