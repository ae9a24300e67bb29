// The ONNX emitter table: one entry per IR op. The graph stays NHWC; a conv or pool is wrapped in Transposes to
// ONNX's NCHW (onnxruntime cancels the pairs between consecutive convs), with kernels HWIO → OIHW transposed at
// export when known, or by a Transpose node after a run-time mask multiplies them. A constant bias after a conv
// becomes the Conv's B input.

import { type Diagnostic, InternalError } from "../../diagnostics.js";
import type { AnyNode, Node, OpKind } from "../../ir/node.js";
import { type FrozenPlan, reshapeDims } from "../frozen.js";
import type { PlannedValue } from "../lower.js";
import type { OnnxGraphBuilder } from "./model.js";

export interface OnnxContext {
  readonly b: OnnxGraphBuilder;
  readonly frozen: FrozenPlan;
  readonly tensors: Map<string, string>;
  /** bias_adds folded into the Conv before them, to the Conv's output. */
  readonly absorbed: Map<string, string>;
  /** Convs whose only use is a bias_add with a constant bias: conv name → that bias_add. */
  readonly biasOf: ReadonlyMap<string, AnyNode>;
}

export type OnnxEmitter<K extends OpKind> = (node: Node<K>, value: PlannedValue, ctx: OnnxContext) => string | Diagnostic;
/** One emitter per op: a new op without one is a type error. */
export type OnnxEmitterTable = { readonly [K in OpKind]: OnnxEmitter<K> };

export function tensor(ctx: OnnxContext, name: string): string {
  const known = ctx.tensors.get(name);
  if (known !== undefined) return known;
  const data = ctx.frozen.constants.get(name);
  if (!data) throw new InternalError(`onnx: %${name} is used before it is emitted`);
  const v = ctx.frozen.plan.value(name);
  const made = ctx.b.float(v.id, v.shape as number[], data);
  ctx.tensors.set(name, made);
  return made;
}

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
/** HWIO [kh, kw, in, out] → OIHW [out, in, kh, kw]; also conv2d_transpose's [kh, kw, out, in] → [in, out, kh, kw]. */
const KERNEL_PERM = [3, 2, 0, 1];

/** A known kernel's data permuted HWIO → OIHW. */
function toOihw(data: Float32Array, [kh, kw, ci, co]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < kh!; i++)
    for (let j = 0; j < kw!; j++)
      for (let c = 0; c < ci!; c++)
        for (let o = 0; o < co!; o++) out[((o * ci! + c) * kh! + i) * kw! + j] = data[((i * kw! + j) * ci! + c) * co! + o]!;
  return out;
}

/** The kernel operand as an OIHW tensor, times the mask when the node has one. */
function kernelOihw(node: AnyNode, value: PlannedValue, ctx: OnnxContext): string {
  const kName = node.operands[1]!;
  const kShape = ctx.frozen.plan.value(kName).shape as number[];
  const known = ctx.frozen.constants.get(kName);
  const maskOperand = node.op === "masked_conv2d" ? node.operands[2] : node.op === "fused_conv2d" ? node.operands[3] : undefined;
  if (maskOperand === undefined && known) {
    const [kh, kw, ci, co] = kShape;
    return ctx.b.float(`${value.id}/filter`, [co!, ci!, kh!, kw!], toOihw(known, kShape));
  }
  let k = tensor(ctx, kName);
  if (maskOperand !== undefined) {
    const shape = ctx.b.int64(`${value.id}/mask_shape`, [4], value.conv!.maskShape!);
    const mask = ctx.b.node(`${value.id}/mask`, "Reshape", [tensor(ctx, maskOperand), shape]);
    k = ctx.b.node(`${value.id}/masked`, "Mul", [k, mask]);
  }
  return ctx.b.node(`${value.id}/filter`, "Transpose", [k], { perm: KERNEL_PERM });
}

function nchw(ctx: OnnxContext, value: PlannedValue, x: string): string {
  return ctx.b.node(`${value.id}/nchw`, "Transpose", [x], { perm: TO_NCHW });
}

function nhwc(ctx: OnnxContext, value: PlannedValue, y: string): string {
  return ctx.b.node(value.id, "Transpose", [y], { perm: TO_NHWC });
}

/** The NCHW Conv node of a conv's input, kernel (times its mask) and optional bias B, named `<id>/conv`. */
function convNode(node: AnyNode, value: PlannedValue, ctx: OnnxContext, bias: string | undefined): string {
  const c = value.conv!;
  const [t, b, l, r] = c.pads;
  const inputs = [nchw(ctx, value, tensor(ctx, node.operands[0]!)), kernelOihw(node, value, ctx), ...(bias ? [bias] : [])];
  return ctx.b.node(`${value.id}/conv`, "Conv", inputs, {
    kernel_shape: [...c.kernelSize],
    strides: [...c.strides],
    dilations: [...c.dilations],
    pads: [t, l, b, r],
    group: c.groups,
  });
}

const conv: OnnxEmitter<"conv2d" | "masked_conv2d"> = (node, value, ctx) => {
  const bias = ctx.biasOf.get(node.name);
  const out = nhwc(ctx, value, convNode(node, value, ctx, bias && tensor(ctx, bias.operands[1]!)));
  if (bias) ctx.absorbed.set(bias.name, out);
  return out;
};

/** fused_conv2d: one Conv with the bias as its B input, the activation applied in NCHW before the Transpose back. */
const fusedConv: OnnxEmitter<"fused_conv2d"> = (node, value, ctx) => {
  const y = convNode(node, value, ctx, tensor(ctx, node.operands[2]!));
  const { activation, alpha } = node.attrs;
  const act = `${value.id}/activation`;
  const activated =
    activation === "linear" ? y
    : activation === "relu" ? ctx.b.node(act, "Relu", [y])
    : activation === "relu6" ? ctx.b.node(act, "Clip", [y, scalar(ctx, `${act}/min`, 0), scalar(ctx, `${act}/max`, 6)])
    : activation === "elu" ? ctx.b.node(act, "Elu", [y], { alpha: { float: 1 } })
    : activation === "leakyrelu" ? ctx.b.node(act, "LeakyRelu", [y], { alpha: { float: alpha } })
    : ctx.b.node(act, "Sigmoid", [y]);
  return nhwc(ctx, value, activated);
};

function binary<K extends "add" | "sub" | "mul" | "div" | "bias_add">(op: string): OnnxEmitter<K> {
  return (node, value, ctx) => ctx.absorbed.get(node.name) ?? ctx.b.node(value.id, op, [tensor(ctx, node.operands[0]!), tensor(ctx, node.operands[1]!)]);
}

function unary<K extends OpKind>(op: string, attrs: (n: Node<K>) => Record<string, number | { float: number }> = () => ({})): OnnxEmitter<K> {
  return (node, value, ctx) => ctx.b.node(value.id, op, [tensor(ctx, node.operands[0]!)], attrs(node));
}

function scalar(ctx: OnnxContext, name: string, v: number): string {
  return ctx.b.float(name, [], Float32Array.of(v));
}

function reshape(ctx: OnnxContext, name: string, x: string, dims: readonly number[]): string {
  return ctx.b.node(name, "Reshape", [x, ctx.b.int64(`${name}/shape`, [dims.length], dims)], dims.includes(0) ? { allowzero: 1 } : {});
}

function pool(op: "MaxPool" | "AveragePool"): OnnxEmitter<"max_pool" | "avg_pool"> {
  return (node, value, ctx) => {
    const p = value.pool!;
    const [t, b, l, r] = p.pads;
    const y = ctx.b.node(`${value.id}/pool`, op, [nchw(ctx, value, tensor(ctx, node.operands[0]!))], {
      kernel_shape: [...p.window],
      strides: [...p.strides],
      pads: [t, l, b, r],
      ...(op === "AveragePool" ? { count_include_pad: 0 } : {}),
    });
    return nhwc(ctx, value, y);
  };
}

export const onnxEmitters: OnnxEmitterTable = {
  input: () => {
    throw new InternalError("onnx: inputs are graph inputs before the table runs");
  },
  param: () => {
    throw new InternalError("onnx: params are load-time values, stored as initializers");
  },
  constant: () => {
    throw new InternalError("onnx: constants are load-time values, stored as initializers");
  },
  conv2d: conv,
  masked_conv2d: conv,
  fused_conv2d: fusedConv,
  conv2d_transpose: (node, value, ctx) => {
    const t = value.transpose!;
    const [top, bottom, left, right] = t.pads;
    const [kh, kw] = t.kernelSize;
    // ConvTranspose's output is s·(in − 1) + k − pads; the rest (when the stride outgrows the kernel) is output_padding.
    const natural = (axis: 0 | 1) => t.strides[axis] * (t.inSize[axis] - 1) + [kh, kw][axis]! - (axis === 0 ? top + bottom : left + right);
    const w = ctx.b.node(`${value.id}/filter`, "Transpose", [tensor(ctx, node.operands[1]!)], { perm: KERNEL_PERM });
    const y = ctx.b.node(`${value.id}/deconv`, "ConvTranspose", [nchw(ctx, value, tensor(ctx, node.operands[0]!)), w], {
      kernel_shape: [kh, kw],
      strides: [...t.strides],
      pads: [top, left, bottom, right],
      output_padding: [t.outSize[0] - natural(0), t.outSize[1] - natural(1)],
    });
    return nhwc(ctx, value, y);
  },
  dense: (node, value, ctx) => ctx.b.node(value.id, "MatMul", [tensor(ctx, node.operands[0]!), tensor(ctx, node.operands[1]!)]),
  add: binary("Add"),
  sub: binary("Sub"),
  mul: binary("Mul"),
  div: binary("Div"),
  bias_add: binary("Add"),
  reshape: (node, value, ctx) => {
    const dims = reshapeDims(node, value.shape);
    return Array.isArray(dims) ? reshape(ctx, value.id, tensor(ctx, node.operands[0]!), dims) : dims;
  },
  concat: (node, value, ctx) => ctx.b.node(value.id, "Concat", node.operands.map((o) => tensor(ctx, o)), { axis: node.attrs.axis }),
  slice: (node, value, ctx) => {
    const a = node.attrs;
    const args = [ctx.b.int64(`${value.id}/starts`, [1], [a.begin]), ctx.b.int64(`${value.id}/ends`, [1], [a.begin + a.size]), ctx.b.int64(`${value.id}/axes`, [1], [a.axis])];
    return ctx.b.node(value.id, "Slice", [tensor(ctx, node.operands[0]!), ...args]);
  },
  pad: (node, value, ctx) => {
    const p = node.attrs.pads;
    const rank = p.length / 2;
    const pads = [...Array.from({ length: rank }, (_, i) => p[2 * i]!), ...Array.from({ length: rank }, (_, i) => p[2 * i + 1]!)];
    return ctx.b.node(value.id, "Pad", [tensor(ctx, node.operands[0]!), ctx.b.int64(`${value.id}/pads`, [pads.length], pads), scalar(ctx, `${value.id}/value`, node.attrs.value)], { mode: "constant" });
  },
  upsample: (node, value, ctx) => {
    const [n, h, w, c] = ctx.frozen.plan.value(node.operands[0]!).shape;
    const spread = reshapeDims(node, [n!, h!, 1, w!, 1, c!]);
    const out = reshapeDims(node, value.shape);
    if (!Array.isArray(spread)) return spread;
    if (!Array.isArray(out)) return out;
    const [fh, fw] = node.attrs.factors;
    const x = reshape(ctx, `${value.id}/spread`, tensor(ctx, node.operands[0]!), spread);
    const tiled = ctx.b.node(`${value.id}/tiled`, "Tile", [x, ctx.b.int64(`${value.id}/repeats`, [6], [1, 1, fh, 1, fw, 1])]);
    return reshape(ctx, value.id, tiled, out);
  },
  max_pool: pool("MaxPool"),
  avg_pool: pool("AveragePool"),
  batch_norm: (node, value, ctx) => {
    const [x, gamma, beta, mean, variance] = node.operands.map((o) => tensor(ctx, o)) as [string, string, string, string, string];
    const std = ctx.b.node(`${value.id}/std`, "Sqrt", [ctx.b.node(`${value.id}/var_eps`, "Add", [variance, scalar(ctx, `${value.id}/epsilon`, node.attrs.epsilon)])]);
    const scale = ctx.b.node(`${value.id}/scale`, "Div", [gamma, std]);
    const centred = ctx.b.node(`${value.id}/centred`, "Sub", [x, mean]);
    return ctx.b.node(value.id, "Add", [ctx.b.node(`${value.id}/scaled`, "Mul", [centred, scale]), beta]);
  },
  relu: unary("Relu"),
  tanh: unary("Tanh"),
  sigmoid: unary("Sigmoid"),
  leaky_relu: unary<"leaky_relu">("LeakyRelu", (n) => ({ alpha: { float: n.attrs.alpha } })),
  elu: unary<"elu">("Elu", (n) => ({ alpha: { float: n.attrs.alpha } })),
  gelu: (node, value, ctx) => {
    const x = tensor(ctx, node.operands[0]!);
    const erf = ctx.b.node(`${value.id}/erf`, "Erf", [ctx.b.node(`${value.id}/scaled`, "Mul", [x, scalar(ctx, `${value.id}/rsqrt2`, Math.SQRT1_2)])]);
    const onePlus = ctx.b.node(`${value.id}/one_plus`, "Add", [erf, scalar(ctx, `${value.id}/one`, 1)]);
    return ctx.b.node(value.id, "Mul", [ctx.b.node(`${value.id}/half_x`, "Mul", [x, scalar(ctx, `${value.id}/half`, 0.5)]), onePlus]);
  },
  clamp: (node, value, ctx) =>
    ctx.b.node(value.id, "Clip", [tensor(ctx, node.operands[0]!), scalar(ctx, `${value.id}/min`, node.attrs.min), scalar(ctx, `${value.id}/max`, node.attrs.max)]),
  softmax: unary<"softmax">("Softmax", (n) => ({ axis: n.attrs.axis })),
  log_softmax: unary<"log_softmax">("LogSoftmax", (n) => ({ axis: n.attrs.axis })),
};

