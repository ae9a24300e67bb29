// The GraphModel emitter table: one entry per IR op, each a few GraphDef nodes of ops tfjs-converter maps
// (names and attributes as in its op_list). Where TensorFlow lacks the exact op — elu with alpha ≠ 1, gelu, softmax
// off the last axis, nearest upsampling — the entry spells it with exact ops; conv2d_transpose with a symbolic batch
// cannot be written (its output shape is a constant) and is refused by name.

import { InternalError } from "../../diagnostics.js";
import type { OpAttrs, OpKind } from "../../ir/node.js";
import { type GraphContext, type GraphEmitter, type GraphEmitterTable, cannotExpress, reshapeDims, tensor } from "./context.js";
import { conv2d, fusedConv2d, maskedConv2d } from "./conv.js";
import { type AttrValue, attr } from "./graphdef.js";

const T = { T: attr.float32 };

/** A one-operand op with attributes spelled from the node's. */
function unary<K extends OpKind>(op: string, attrs: (a: OpAttrs[K]) => Record<string, AttrValue> = () => ({})): GraphEmitter<K> {
  return (node, value, ctx) => ctx.b.node(value.id, op, [tensor(ctx, node.operands[0]!)], { ...T, ...attrs(node.attrs) });
}

function binary<K extends "add" | "sub" | "mul" | "div" | "bias_add">(op: string): GraphEmitter<K> {
  return (node, value, ctx) => ctx.b.node(value.id, op, [tensor(ctx, node.operands[0]!), tensor(ctx, node.operands[1]!)], T);
}

/** A scalar float Const. */
function scalar(ctx: GraphContext, name: string, v: number): string {
  return ctx.b.constFloat(name, [], Float32Array.of(v));
}

function reshape(ctx: GraphContext, name: string, x: string, dims: readonly number[]): string {
  return ctx.b.node(name, "Reshape", [x, ctx.b.constInt(`${name}/shape`, [dims.length], dims)], { ...T, Tshape: attr.int32 });
}

function softmaxLike(log: boolean): GraphEmitter<"softmax" | "log_softmax"> {
  return (node, value, ctx) => {
    const x = tensor(ctx, node.operands[0]!);
    if (node.attrs.axis === value.shape.length - 1) return ctx.b.node(value.id, log ? "LogSoftmax" : "Softmax", [x], T);
    // TensorFlow's Softmax takes the last axis: shift by the maximum along the axis, then normalize.
    const axis = ctx.b.constInt(`${value.id}/axis`, [], [node.attrs.axis]);
    const keep = { ...T, Tidx: attr.int32, keep_dims: attr.bool(true) };
    const shifted = ctx.b.node(`${value.id}/shifted`, "Sub", [x, ctx.b.node(`${value.id}/max`, "Max", [x, axis], keep)], T);
    const exp = ctx.b.node(`${value.id}/exp`, "Exp", [shifted], T);
    const sum = ctx.b.node(`${value.id}/sum`, "Sum", [exp, axis], keep);
    if (log) return ctx.b.node(value.id, "Sub", [shifted, ctx.b.node(`${value.id}/log_sum`, "Log", [sum], T)], T);
    return ctx.b.node(value.id, "RealDiv", [exp, sum], T);
  };
}

export const graphEmitters: GraphEmitterTable = {
  input: () => {
    throw new InternalError("tfjs-graph: inputs become Placeholders before the table runs");
  },
  param: () => {
    throw new InternalError("tfjs-graph: params are load-time values, stored as Const");
  },
  constant: () => {
    throw new InternalError("tfjs-graph: constants are load-time values, stored as Const");
  },
  conv2d,
  masked_conv2d: maskedConv2d,
  fused_conv2d: fusedConv2d,
  conv2d_transpose: (node, value, ctx) => {
    const t = value.transpose!;
    if (typeof t.batch !== "number") {
      return cannotExpress(node, "a tfjs GraphModel", `Conv2DBackpropInput needs its whole output shape as a constant, and the batch size ${t.batch} is symbolic`);
    }
    const [top, bottom, left, right] = t.pads;
    const shape = ctx.b.constInt(`${value.id}/output_shape`, [4], value.shape as number[]);
    return ctx.b.node(value.id, "Conv2DBackpropInput", [shape, tensor(ctx, node.operands[1]!), tensor(ctx, node.operands[0]!)], {
      ...T,
      strides: attr.ints([1, t.strides[0], t.strides[1], 1]),
      padding: attr.string("EXPLICIT"),
      explicit_paddings: attr.ints([0, 0, top, bottom, left, right, 0, 0]),
      data_format: attr.string("NHWC"),
      dilations: attr.ints([1, 1, 1, 1]),
    });
  },
  dense: (node, value, ctx) => {
    const x = tensor(ctx, node.operands[0]!);
    const k = tensor(ctx, node.operands[1]!);
    const mm = { ...T, transpose_a: attr.bool(false), transpose_b: attr.bool(false) };
    const xShape = ctx.frozen.plan.value(node.operands[0]!).shape;
    if (xShape.length === 2) return ctx.b.node(value.id, "MatMul", [x, k], mm);
    const kin = xShape[xShape.length - 1] as number;
    const out = reshapeDims(node, value.shape);
    if (!Array.isArray(out)) return out;
    const rows = reshape(ctx, `${value.id}/rows`, x, [-1, kin]);
    return reshape(ctx, value.id, ctx.b.node(`${value.id}/matmul`, "MatMul", [rows, k], mm), out);
  },
  add: binary("AddV2"),
  sub: binary("Sub"),
  mul: binary("Mul"),
  div: binary("RealDiv"),
  reshape: (node, value, ctx) => {
    const dims = reshapeDims(node, value.shape);
    return Array.isArray(dims) ? reshape(ctx, value.id, tensor(ctx, node.operands[0]!), dims) : dims;
  },
  concat: (node, value, ctx) => {
    const axis = ctx.b.constInt(`${value.id}/axis`, [], [node.attrs.axis]);
    return ctx.b.node(value.id, "ConcatV2", [...node.operands.map((o) => tensor(ctx, o)), axis], { ...T, N: attr.int(node.operands.length), Tidx: attr.int32 });
  },
  slice: (node, value, ctx) => {
    const rank = value.shape.length;
    const a = node.attrs;
    const begin = ctx.b.constInt(`${value.id}/begin`, [rank], Array.from({ length: rank }, (_, i) => (i === a.axis ? a.begin : 0)));
    const size = ctx.b.constInt(`${value.id}/size`, [rank], Array.from({ length: rank }, (_, i) => (i === a.axis ? a.size : -1)));
    return ctx.b.node(value.id, "Slice", [tensor(ctx, node.operands[0]!), begin, size], { ...T, Index: attr.int32 });
  },
  pad: (node, value, ctx) => {
    const pads = node.attrs.pads;
    const paddings = ctx.b.constInt(`${value.id}/paddings`, [pads.length / 2, 2], pads);
    return ctx.b.node(value.id, "PadV2", [tensor(ctx, node.operands[0]!), paddings, scalar(ctx, `${value.id}/value`, node.attrs.value)], { ...T, Tpaddings: attr.int32 });
  },
  upsample: (node, value, ctx) => {
    // Exact nearest upsampling by whole factors: [N, H, 1, W, 1, C] tiled by the factors, then merged.
    const [n, h, w, c] = ctx.frozen.plan.value(node.operands[0]!).shape;
    const spread = reshapeDims(node, [n!, h!, 1, w!, 1, c!]);
    const out = reshapeDims(node, value.shape);
    if (!Array.isArray(spread)) return spread;
    if (!Array.isArray(out)) return out;
    const [fh, fw] = node.attrs.factors;
    const x = reshape(ctx, `${value.id}/spread`, tensor(ctx, node.operands[0]!), spread);
    const tiled = ctx.b.node(`${value.id}/tiled`, "Tile", [x, ctx.b.constInt(`${value.id}/multiples`, [6], [1, 1, fh, 1, fw, 1])], { ...T, Tmultiples: attr.int32 });
    return reshape(ctx, value.id, tiled, out);
  },
  max_pool: poolEmitter("MaxPool"),
  avg_pool: poolEmitter("AvgPool"),
  batch_norm: (node, value, ctx) => {
    // (x − mean) / sqrt(variance + epsilon) · gamma + beta, channels last (broadcast on the last axis).
    const [x, gamma, beta, mean, variance] = node.operands.map((o) => tensor(ctx, o)) as [string, string, string, string, string];
    const std = ctx.b.node(`${value.id}/std`, "Sqrt", [ctx.b.node(`${value.id}/var_eps`, "AddV2", [variance, scalar(ctx, `${value.id}/epsilon`, node.attrs.epsilon)], T)], T);
    const scale = ctx.b.node(`${value.id}/scale`, "RealDiv", [gamma, std], T);
    const centred = ctx.b.node(`${value.id}/centred`, "Sub", [x, mean], T);
    return ctx.b.node(value.id, "AddV2", [ctx.b.node(`${value.id}/scaled`, "Mul", [centred, scale], T), beta], T);
  },
  bias_add: (node, value, ctx) => ctx.absorbed.get(node.name) ?? ctx.b.node(value.id, "BiasAdd", [tensor(ctx, node.operands[0]!), tensor(ctx, node.operands[1]!)], { ...T, data_format: attr.string("NHWC") }),
  relu: absorbable(unary("Relu")),
  tanh: unary("Tanh"),
  sigmoid: absorbable(unary("Sigmoid")),
  leaky_relu: absorbable(unary<"leaky_relu">("LeakyRelu", (a) => ({ alpha: attr.float(a.alpha) }))),
  elu: absorbable((node, value, ctx) => {
    const x = tensor(ctx, node.operands[0]!);
    if (node.attrs.alpha === 1) return ctx.b.node(value.id, "Elu", [x], T);
    // Elu has alpha 1: scale its negative side.
    const positive = ctx.b.node(`${value.id}/positive`, "Greater", [x, scalar(ctx, `${value.id}/zero`, 0)], T);
    const negative = ctx.b.node(`${value.id}/negative`, "Mul", [ctx.b.node(`${value.id}/elu`, "Elu", [x], T), scalar(ctx, `${value.id}/alpha`, node.attrs.alpha)], T);
    return ctx.b.node(value.id, "SelectV2", [positive, x, negative], T);
  }),
  gelu: (node, value, ctx) => {
    // x · Φ(x) = 0.5 · x · (1 + erf(x / √2)).
    const x = tensor(ctx, node.operands[0]!);
    const erf = ctx.b.node(`${value.id}/erf`, "Erf", [ctx.b.node(`${value.id}/scaled`, "Mul", [x, scalar(ctx, `${value.id}/rsqrt2`, Math.SQRT1_2)], T)], T);
    const onePlus = ctx.b.node(`${value.id}/one_plus`, "AddV2", [erf, scalar(ctx, `${value.id}/one`, 1)], T);
    return ctx.b.node(value.id, "Mul", [ctx.b.node(`${value.id}/half_x`, "Mul", [x, scalar(ctx, `${value.id}/half`, 0.5)], T), onePlus], T);
  },
  clamp: (node, value, ctx) =>
    ctx.b.node(value.id, "ClipByValue", [tensor(ctx, node.operands[0]!), scalar(ctx, `${value.id}/min`, node.attrs.min), scalar(ctx, `${value.id}/max`, node.attrs.max)], T),
  softmax: softmaxLike(false),
  log_softmax: softmaxLike(true),
};

function poolEmitter(op: "MaxPool" | "AvgPool"): GraphEmitter<"max_pool" | "avg_pool"> {
  return (node, value, ctx) => {
    const a = node.attrs;
    return ctx.b.node(value.id, op, [tensor(ctx, node.operands[0]!)], {
      ...T,
      ksize: attr.ints([1, a.window[0], a.window[1], 1]),
      strides: attr.ints([1, a.strides[0], a.strides[1], 1]),
      padding: attr.string(a.padding === "same" ? "SAME" : "VALID"),
      data_format: attr.string("NHWC"),
    });
  };
}

/** An activation a _FusedConv2D may already have applied: then its tensor is the fused conv's. */
function absorbable<K extends "relu" | "sigmoid" | "elu" | "leaky_relu">(emit: GraphEmitter<K>): GraphEmitter<K> {
  return (node, value, ctx) => ctx.absorbed.get(node.name) ?? emit(node, value, ctx);
}
