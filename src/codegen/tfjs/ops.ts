// The tfjs emitter table: one entry per op, each a tfjs call (the convolutions live in conv.ts). Where tfjs lacks
// the exact op — softmax off the last axis, elu with alpha ≠ 1, gelu, nearest upsampling by whole factors — the
// entry spells it with exact tfjs ops rather than an approximation.

import type { OpAttrs, OpKind } from "../../ir/node.js";
import type { Emitted, Emitter, EmitterTable } from "../emitter.js";
import { float32Expr, jsNumber } from "../literals.js";
import type { PlannedValue } from "../lower.js";
import { type TfjsContext, allLoadTime, define, derived, padArg, ref, shape } from "./context.js";
import { conv2d, conv2dTranspose, fusedConv2d, maskedConv2d } from "./conv.js";

/** `const v3 = tf.<fn>(x, ...args)` for a one-operand op; `args` spells its attributes. */
function call<K extends OpKind>(fn: string, args: (attrs: OpAttrs[K]) => string[] = () => []): Emitter<K, TfjsContext> {
  return (node, value, ctx) => define(value, `tf.${fn}(${[ref(ctx, node.operands[0]!), ...args(node.attrs)].join(", ")})`);
}

/** `const v3 = tf.<fn>(a, b);` */
function binary<K extends "add" | "sub" | "mul" | "div" | "bias_add">(fn: string): Emitter<K, TfjsContext> {
  return (node, value, ctx) => define(value, `tf.${fn}(${ref(ctx, node.operands[0]!)}, ${ref(ctx, node.operands[1]!)})`);
}

function pool(fn: "maxPool" | "avgPool"): Emitter<"max_pool" | "avg_pool", TfjsContext> {
  return (node, value, ctx) => {
    const p = value.pool!;
    return define(value, `tf.${fn}(${ref(ctx, node.operands[0]!)}, [${p.window.join(", ")}], [${p.strides.join(", ")}], ${padArg(p.pads)})`);
  };
}

/**
 * softmax or log_softmax: tfjs's own on the last axis; elsewhere the shifted form the reference uses. With a
 * symbolic size, an empty tensor (a batch of 0) passes through: tfjs-wasm divides by zero reducing one off its
 * last axis.
 */
function softmaxLike(log: boolean): Emitter<"softmax" | "log_softmax", TfjsContext> {
  return (node, value, ctx) => {
    const x = ref(ctx, node.operands[0]!);
    const axis = node.attrs.axis;
    if (axis === value.shape.length - 1) return define(value, `tf.${log ? "logSoftmax" : "softmax"}(${x})`);
    const note = `// tfjs's ${log ? "logSoftmax" : "softmax"} takes the last axis only: shift by the maximum along axis ${axis}, then normalize`;
    const normalized = log
      ? [`const shifted = tf.sub(${x}, tf.max(${x}, ${axis}, true));`, `return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), ${axis}, true)));`]
      : [`const exp = tf.exp(tf.sub(${x}, tf.max(${x}, ${axis}, true)));`, `return tf.div(exp, tf.sum(exp, ${axis}, true));`];
    const empty = value.shape.some((d) => typeof d === "string");
    return {
      code: [
        empty ? `${note} (an empty batch passes through: tfjs-wasm cannot reduce it off the last axis)` : note,
        `const ${value.id} = ${empty ? `${x}.size === 0 ? tf.clone(${x}) : ` : ""}tf.tidy(() => {`,
        ...normalized.map((l) => `  ${l}`),
        "});",
      ],
    };
  };
}

/** x · kernel: tf.matMul on the 2-D view [rows, in] of x, reshaped back. */
const dense: Emitter<"dense", TfjsContext> = (node, value, ctx) => {
  const [x, k] = node.operands.map((o) => ref(ctx, o)) as [string, string];
  const xValue = ctx.plan.value(node.operands[0]!);
  if (xValue.shape.length === 2) return define(value, `tf.matMul(${x}, ${k})`);
  const kin = ctx.plan.value(node.operands[1]!).shape[0]!;
  return define(value, `tf.reshape(tf.matMul(tf.reshape(${x}, ${shape(ctx, [-1, kin])}), ${k}), ${shape(ctx, value.shape)})`);
};

/** Load-time statistics fold into a kept scale and shift; fed ones go through tf.batchNorm on every call. */
const batchNorm: Emitter<"batch_norm", TfjsContext> = (node, value, ctx) => {
  const [x, gamma, beta, mean, variance] = node.operands.map((o) => ref(ctx, o)) as [string, string, string, string, string];
  const epsilon = jsNumber(node.attrs.epsilon);
  if (!allLoadTime(ctx, node.operands.slice(1))) {
    return define(value, `tf.batchNorm(${x}, ${mean}, ${variance}, ${beta}, ${gamma}, ${epsilon})`);
  }
  const scale = derived(value, "scale");
  const shift = derived(value, "shift");
  return {
    setup: [
      `// y = x * scale + shift per channel: scale = gamma / sqrt(variance + ${epsilon}), shift = beta - mean * scale`,
      `const ${scale} = tf.div(${gamma}, tf.sqrt(tf.add(${variance}, ${epsilon})));`,
      `const ${shift} = tf.sub(${beta}, tf.mul(${mean}, ${scale}));`,
    ],
    keep: value.stage === "run" ? [scale, shift] : [],
    code: [`const ${value.id} = tf.add(tf.mul(${x}, ${scale}), ${shift});`],
    reads: node.operands.slice(0, 1),
  };
};

/** Nearest upsampling by whole factors, exactly: each pixel repeated by tile over two new axes. */
const upsample: Emitter<"upsample", TfjsContext> = (node, value, ctx) => {
  const x = ctx.plan.value(node.operands[0]!);
  const [n, h, w, c] = x.shape;
  const [fh, fw] = node.attrs.factors;
  const spread = `tf.reshape(${x.id}, ${shape(ctx, [n!, h!, 1, w!, 1, c!])})`;
  return define(value, `tf.reshape(tf.tile(${spread}, [1, 1, ${fh}, 1, ${fw}, 1]), ${shape(ctx, value.shape)})`);
};

const elu: Emitter<"elu", TfjsContext> = (node, value, ctx) => {
  const x = ref(ctx, node.operands[0]!);
  if (node.attrs.alpha === 1) return define(value, `tf.elu(${x})`);
  // tf.elu has alpha 1: scale its negative side.
  return define(value, `tf.where(tf.greater(${x}, 0), ${x}, tf.mul(tf.elu(${x}), ${jsNumber(node.attrs.alpha)}))`);
};

/**
 * tf.concat, except for an empty result (a batch of 0: then every operand is empty, the concat axis being known and
 * ≥ 1), which is tf.zeros: tfjs-cpu concatenates empty tensors into one whose data is a plain Array, not float32.
 */
const concat: Emitter<"concat", TfjsContext> = (node, value, ctx) => {
  const parts = node.operands.map((o) => ref(ctx, o));
  const joined = `tf.concat([${parts.join(", ")}], ${node.attrs.axis})`;
  if (!value.shape.some((d) => typeof d === "string")) return define(value, joined);
  return {
    code: [
      "// an empty batch gives tf.zeros: tfjs-cpu's concat of empty tensors holds a plain Array",
      `const ${value.id} = ${parts[0]}.size === 0 ? tf.zeros(${shape(ctx, value.shape)}) : ${joined};`,
    ],
  };
};

/** value.shape with `size` on `axis` and -1 (the rest) elsewhere, or the begin vector: for tf.slice. */
function sliceArgs(value: PlannedValue, axis: number, begin: number, size: number): string {
  const rank = value.shape.length;
  const at = (v: number, other: number) => `[${Array.from({ length: rank }, (_, i) => (i === axis ? v : other)).join(", ")}]`;
  return `${at(begin, 0)}, ${at(size, -1)}`;
}

const pad: Emitter<"pad", TfjsContext> = (node, value, ctx): Emitted => {
  const x = ref(ctx, node.operands[0]!);
  const pads = node.attrs.pads;
  if (pads.every((p) => p === 0)) return define(value, `tf.clone(${x})`);
  const pairs = Array.from({ length: pads.length / 2 }, (_, i) => `[${pads[2 * i]}, ${pads[2 * i + 1]}]`);
  return define(value, `tf.pad(${x}, [${pairs.join(", ")}], ${jsNumber(node.attrs.value)})`);
};

export const tfjsEmitters: EmitterTable<TfjsContext> = {
  input: (_node, value, ctx) => define(value, `tf.tensor(${ctx.fedId(value)}, ${shape(ctx, value.shape)}, "float32")`),
  param: (_node, value, ctx) => define(value, `tf.tensor(${ctx.fedId(value)}, ${shape(ctx, value.shape)}, "float32")`),
  constant: (node, value, ctx) => {
    const { expr, usesDecoder } = float32Expr(node.attrs.data);
    if (usesDecoder) ctx.helpers.add("decodeF32");
    return define(value, `tf.tensor(${expr}, ${shape(ctx, value.shape)}, "float32")`);
  },
  conv2d,
  masked_conv2d: maskedConv2d,
  fused_conv2d: fusedConv2d,
  conv2d_transpose: conv2dTranspose,
  dense,
  add: binary("add"),
  sub: binary("sub"),
  mul: binary("mul"),
  div: binary("div"),
  reshape: (node, value, ctx) => define(value, `tf.reshape(${ref(ctx, node.operands[0]!)}, ${shape(ctx, value.shape)})`),
  concat,
  slice: (node, value, ctx) => define(value, `tf.slice(${ref(ctx, node.operands[0]!)}, ${sliceArgs(value, node.attrs.axis, node.attrs.begin, node.attrs.size)})`),
  pad,
  upsample,
  max_pool: pool("maxPool"),
  avg_pool: pool("avgPool"),
  batch_norm: batchNorm,
  bias_add: binary("add"),
  relu: call<"relu">("relu"),
  tanh: call<"tanh">("tanh"),
  sigmoid: call<"sigmoid">("sigmoid"),
  leaky_relu: call<"leaky_relu">("leakyRelu", (a) => [jsNumber(a.alpha)]),
  elu,
  gelu: (node, value, ctx) => {
    const x = ref(ctx, node.operands[0]!);
    return define(value, `tf.mul(tf.mul(${x}, 0.5), tf.add(tf.erf(tf.mul(${x}, Math.SQRT1_2)), 1))`);
  },
  clamp: call<"clamp">("clipByValue", (a) => [jsNumber(a.min), jsNumber(a.max)]),
  softmax: softmaxLike(false),
  log_softmax: softmaxLike(true),
};
