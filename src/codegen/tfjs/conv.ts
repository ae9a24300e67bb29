// The tfjs convolutions. conv2d and masked_conv2d get their padding resolved to pixels; strides > 1 with
// dilations > 1 (which tfjs refuses) become a stride-1 dilated conv and an exact strided slice. tfjs has no grouped
// conv: groups equal to the input channels become tf.depthwiseConv2d (the kernel [kh, kw, 1, C·M] is tfjs's depthwise
// filter [kh, kw, C, M] in the same row-major order, out channel c·M + m), other groups split, convolve and concat.
// Kernel work that depends only on load-time values (mask product, reshape, split) is done once in load().
// fused_conv2d is one tf.fused.conv2d (bias and activation applied by the kernel), or conv2d's steps then add and
// activation where tf.fused.conv2d cannot (groups, strides with dilations).

import type { Emitted, Emitter } from "../emitter.js";
import { jsNumber } from "../literals.js";
import type { ConvPlan, PlannedValue } from "../lower.js";
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
  if (m !== undefined) {
    kernel = derived(value, "kernel");
    const maskValue = ctx.plan.value(node.operands[3]!);
    const asKernel = maskValue.shape.length === 4 ? m : `tf.reshape(${m}, [${c.maskShape!.join(", ")}])`;
    prepare.push(`const ${kernel} = tf.mul(${k}, ${asKernel});`);
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
  if (prepare.length === 0) return { code };
  if (!allLoadTime(ctx, kernelOperands)) return { code: [...prepare, ...code] };
  return { setup: prepare, keep: value.stage === "run" ? [ready] : [], code, reads: [node.operands[0]!, node.operands[2]!] };
};
