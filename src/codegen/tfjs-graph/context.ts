// What the GraphModel emitters share: the GraphDef being built, the frozen plan, and the tensor that holds each IR
// value (a Placeholder, a Const made on first use from a load-time value, or an op's output).

import { type Diagnostic, InternalError } from "../../diagnostics.js";
import type { AnyNode, Node, OpKind } from "../../ir/node.js";
import type { FrozenPlan } from "../frozen.js";
export { cannotExpress, reshapeDims } from "../frozen.js";
import type { PlannedValue } from "../lower.js";
import type { GraphDefBuilder } from "./graphdef.js";

export interface GraphContext {
  readonly b: GraphDefBuilder;
  readonly frozen: FrozenPlan;
  /** Tensor names of the values emitted so far, by IR name. */
  readonly tensors: Map<string, string>;
  /** IR values a fused op already computed (a bias_add and activation inside _FusedConv2D), to their tensor. */
  readonly absorbed: Map<string, string>;
  /** Convs emitted as _FusedConv2D with the bias_add (and activation) after them, by the conv's IR name. */
  readonly fusions: ReadonlyMap<string, Fusion>;
}

/** A conv's bias_add (with its constant bias) and optionally the activation after it, fused into the conv. */
export interface Fusion {
  readonly bias: string;
  readonly biasAdd: string;
  readonly activation?: AnyNode;
}

/** One op spelled as GraphDef nodes: the tensor name of its result, or a diagnostic when a GraphModel cannot. */
export type GraphEmitter<K extends OpKind> = (node: Node<K>, value: PlannedValue, ctx: GraphContext) => string | Diagnostic;

/** One emitter per op: a new op without one is a type error. */
export type GraphEmitterTable = { readonly [K in OpKind]: GraphEmitter<K> };

/** The tensor holding an IR value; load-time values become Const nodes on first use. */
export function tensor(ctx: GraphContext, name: string): string {
  const known = ctx.tensors.get(name);
  if (known !== undefined) return known;
  const data = ctx.frozen.constants.get(name);
  if (!data) throw new InternalError(`tfjs-graph: %${name} is used before it is emitted`);
  const v = ctx.frozen.plan.value(name);
  const made = ctx.b.constFloat(`${v.id}`, v.shape as number[], data);
  ctx.tensors.set(name, made);
  return made;
}

/** The data of an operand known at load time, or undefined for a run-time one. */
export function constantOf(ctx: { readonly frozen: FrozenPlan }, name: string): Float32Array | undefined {
  return ctx.frozen.constants.get(name);
}
