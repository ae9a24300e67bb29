// The IR's one node shape: an immutable SSA node with a name, an op, operand names, typed attributes and a result
// type, and the Graph that orders them. Nodes are made only by the GraphBuilder (builder.ts); never mutate one.

import type { Span } from "../diagnostics.js";
import type { Dim, Padding, TensorType } from "./types.js";

/** Attributes shared by conv2d and masked_conv2d: HWIO kernels over NHWC inputs. */
export interface Conv2dAttrs {
  /** [vertical, horizontal] step of the window. */
  readonly strides: readonly [number, number];
  /** [vertical, horizontal] spacing between kernel taps. */
  readonly dilations: readonly [number, number];
  readonly padding: Padding;
  /**
   * Input and output channels split into this many contiguous blocks; block g of the output sees block g of the
   * input only. The kernel is then [kh, kw, in / groups, out] (TensorFlow's layout); depthwise is groups = in.
   */
  readonly groups: number;
}

/** The activations a fused conv applies after its bias: those tfjs's fused conv2d implements (relu6 = clamp 0..6). */
export type FusedActivation = "linear" | "relu" | "relu6" | "elu" | "leakyrelu" | "sigmoid";

export const FUSED_ACTIVATIONS: readonly FusedActivation[] = ["linear", "relu", "relu6", "elu", "leakyrelu", "sigmoid"];

/** Windows of max_pool and avg_pool over NHWC inputs. */
export interface PoolAttrs {
  readonly window: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: "valid" | "same";
}

type NoAttrs = Record<string, never>;

/** The attributes of every op, by op name. A new op starts here; the registry then demands its rules. */
export interface OpAttrs {
  /**
   * A value fed with each call. `support` (same element count, 1 inside, 0 outside) declares where it may be nonzero
   * (`input m: f32[7, 7] within causal(7, type=A)`): a feed with a nonzero element outside is an error, and passes
   * may treat the elements outside as structural zeros. Treat `support` as immutable.
   */
  input: { readonly shape: readonly Dim[]; readonly support?: Float32Array };
  /** A weight given at compile time or at load time (e.g. `y.kernel`). */
  param: { readonly shape: readonly Dim[] };
  /** A value known at compile time, row-major. Treat `data` as immutable. */
  constant: { readonly shape: readonly Dim[]; readonly data: Float32Array };
  conv2d: Conv2dAttrs;
  /** conv2d(x, kernel ⊙ mask) with the mask broadcast left-aligned onto the kernel; the mask is fed at run time. */
  masked_conv2d: Conv2dAttrs;
  /**
   * activation(conv2d(x, kernel [⊙ mask]) + bias): a conv with its bias_add and activation fused into one op (made by
   * fuse-bias-activation). Operands: input, kernel, bias [out], and optionally a mask fed at run time, broadcast as
   * in masked_conv2d. `alpha` is leakyrelu's slope (0 for the other activations); elu has alpha 1.
   */
  fused_conv2d: Conv2dAttrs & { readonly activation: FusedActivation; readonly alpha: number };
  /** The transpose (gradient) of conv2d: kernel [kh, kw, out, in] as in TensorFlow and Keras Conv2DTranspose. */
  conv2d_transpose: { readonly strides: readonly [number, number]; readonly padding: "valid" | "same" };
  /** x [..., in] · kernel [in, out]. */
  dense: NoAttrs;
  add: NoAttrs;
  sub: NoAttrs;
  mul: NoAttrs;
  div: NoAttrs;
  reshape: { readonly shape: readonly Dim[] };
  /** Joins its operands along an axis. */
  concat: { readonly axis: number };
  /** `size` elements from `begin` along one axis. */
  slice: { readonly axis: number; readonly begin: number; readonly size: number };
  /** `pads` holds [before, after] for every axis, flattened; new elements take `value`. */
  pad: { readonly pads: readonly number[]; readonly value: number };
  /** Nearest-neighbour upsampling of an NHWC tensor by whole factors [height, width]. */
  upsample: { readonly factors: readonly [number, number] };
  max_pool: PoolAttrs;
  /** Averages over the window's pixels inside the input (padding is not counted, as in TensorFlow). */
  avg_pool: PoolAttrs;
  /** Inference batch normalization over the last axis: (x − mean) / sqrt(variance + epsilon) · gamma + beta. */
  batch_norm: { readonly epsilon: number };
  bias_add: NoAttrs;
  relu: NoAttrs;
  tanh: NoAttrs;
  sigmoid: NoAttrs;
  leaky_relu: { readonly alpha: number };
  elu: { readonly alpha: number };
  /** The exact GELU, x · Φ(x) with the normal CDF (Keras' default, approximate=False). */
  gelu: NoAttrs;
  /** Clamps every element into [min, max]. */
  clamp: { readonly min: number; readonly max: number };
  softmax: { readonly axis: number };
  log_softmax: { readonly axis: number };
}

export type OpKind = keyof OpAttrs;

/** One SSA value: `%name = op(operands) {attrs} : type`. */
export interface Node<K extends OpKind = OpKind> {
  readonly name: string;
  readonly op: K;
  /** Names of earlier nodes. */
  readonly operands: readonly string[];
  readonly attrs: OpAttrs[K];
  readonly type: TensorType;
  readonly span?: Span;
}

/** Any node, as a union that a `switch (node.op)` narrows. */
export type AnyNode = { [K in OpKind]: Node<K> }[OpKind];

export interface GraphOutput {
  /** The name callers see. */
  readonly name: string;
  /** The node that computes it. */
  readonly value: string;
  readonly span?: Span;
}

/** A model: nodes in a topological order (operands before uses) and named outputs. */
export interface Graph {
  readonly name: string;
  readonly nodes: readonly AnyNode[];
  readonly outputs: readonly GraphOutput[];
}

export function inputsOf(graph: Graph): Extract<AnyNode, { op: "input" }>[] {
  return graph.nodes.filter((n): n is Extract<AnyNode, { op: "input" }> => n.op === "input");
}

export function paramsOf(graph: Graph): Extract<AnyNode, { op: "param" }>[] {
  return graph.nodes.filter((n): n is Extract<AnyNode, { op: "param" }> => n.op === "param");
}
