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
}

/** The attributes of every op, by op name. A new op starts here; the registry then demands its rules. */
export interface OpAttrs {
  /** A value fed with each call. */
  input: { readonly shape: readonly Dim[] };
  /** A weight given at compile time or at load time (e.g. `y.kernel`). */
  param: { readonly shape: readonly Dim[] };
  /** A value known at compile time, row-major. Treat `data` as immutable. */
  constant: { readonly shape: readonly Dim[]; readonly data: Float32Array };
  conv2d: Conv2dAttrs;
  /** conv2d(x, kernel ⊙ mask) with the mask broadcast left-aligned onto the kernel; the mask is fed at run time. */
  masked_conv2d: Conv2dAttrs;
  mul: Record<string, never>;
  reshape: { readonly shape: readonly Dim[] };
  bias_add: Record<string, never>;
  relu: Record<string, never>;
  tanh: Record<string, never>;
  sigmoid: Record<string, never>;
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

export function isOp<K extends OpKind>(node: AnyNode, op: K): node is Extract<AnyNode, { op: K }> {
  return node.op === op;
}

/** name → node, for look-ups by operand. */
export function nodeMap(graph: Graph): ReadonlyMap<string, AnyNode> {
  return new Map(graph.nodes.map((n) => [n.name, n]));
}

export function inputsOf(graph: Graph): Extract<AnyNode, { op: "input" }>[] {
  return graph.nodes.filter((n): n is Extract<AnyNode, { op: "input" }> => n.op === "input");
}

export function paramsOf(graph: Graph): Extract<AnyNode, { op: "param" }>[] {
  return graph.nodes.filter((n): n is Extract<AnyNode, { op: "param" }> => n.op === "param");
}
