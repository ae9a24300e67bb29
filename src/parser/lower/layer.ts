// What the op families share: the shape of an op's lowering (signature, result count, lower), checks of NHWC
// inputs, scalar constants, and the bias-then-activation tail of layers. Each ops-*.ts file defines a family.

import { type Note, type Span, error } from "../../diagnostics.js";
import type { Value } from "../../ir/builder.js";
import { normalizeAxis } from "../../ir/ops/def.js";
import { type Dim, formatShape } from "../../ir/types.js";
import type { Read, ReadArgs, Signature } from "./arguments.js";
import { type OpCall, named } from "./context.js";
import type { Activation } from "./readers.js";
import { within } from "./values.js";

export const INPUT_LAYOUT = "[batch, height, width, channels]";

/** How one op lowers: its signature, how many results it gives, and the lowering itself. */
export interface OpLowering<S extends Signature = Signature> {
  readonly signature: S;
  /** Results per call (split's depends on its arguments). Default 1. */
  readonly results?: (args: ReadArgs<S>) => number;
  /** The values of the results, in order; poisoned ones when a problem was reported. */
  readonly lower: (call: OpCall, args: ReadArgs<S>) => readonly Value[];
}

/** Type-checks an op's lowering against its own signature, then forgets the signature's precise type. */
export function defineOp<S extends Signature>(op: OpLowering<S>): OpLowering {
  return op as unknown as OpLowering;
}

export function poisoned(call: OpCall): Value[] {
  return call.names.map((name) => ({ name, type: { dtype: "f32", shape: [] }, valid: false }));
}

/** The source text of a span, as in `'x' is [8, 8, 3]`. */
export function spanText(s: Span): string {
  return s.source.text.slice(s.start, s.end).replace(/\s+/g, " ");
}

/** The input's [batch, height, width, channels] with the channels known, or undefined after reporting (MC2004). */
export function nhwc(call: OpCall, x: Read<Value>): readonly [Dim, Dim, Dim, number] | undefined {
  const shape = x.value.type.shape;
  if (shape.length === 4 && typeof shape[3] === "number") return shape as [Dim, Dim, Dim, number];
  const got = `'${spanText(x.span)}' is ${formatShape(shape)}`;
  const message =
    shape.length !== 4
      ? `${call.op} expects an NHWC input ${INPUT_LAYOUT} (rank 4), but ${got} (rank ${shape.length})`
      : `${call.op} needs the input's channels to be known, but ${got} ${INPUT_LAYOUT}`;
  call.lw.report(error("MC2004", message, x.span, declaredAt(call, x)));
  return undefined;
}

/** A note pointing at the declaration of a named value used by a call (an input, a mask), when it is elsewhere. */
export function declaredAt(call: OpCall, x: Read<Value>): Note[] {
  const node = call.lw.b.nodeOf(x.value);
  const site = node?.span;
  const name = node?.name ?? "";
  if (!site || site.source !== x.span.source || within(site, call.span) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return [];
  return [{ message: `'${name}' is ${node.op === "input" || node.op === "constant" ? "declared" : "bound"} here`, span: site }];
}

/** An axis as written (-1 is the last) made non-negative, or undefined after reporting (MC2017). */
export function axisOf(call: OpCall, axis: Read<number> | undefined, x: Value): number | undefined {
  const rank = x.type.shape.length;
  const a = normalizeAxis(axis?.value ?? -1, rank);
  if (a === undefined) {
    const message = `axis ${axis!.value} is not an axis of ${formatShape(x.type.shape)} (${-rank} to ${rank - 1}, -1 is the last)`;
    call.lw.report(error("MC2017", message, axis!.span));
  }
  return a;
}

/** A constant [1, …, 1] of the given rank holding one number: a scalar operand of add, sub, mul or div. */
export function scalar(call: OpCall, value: number, rank: number, suffix: string): Value {
  return call.lw.b.constant(new Array<number>(rank).fill(1), [value], named(call, suffix));
}

/** Applies an activation as the node `name` (Keras' defaults: leaky_relu alpha 0.3, elu alpha 1, softmax on the last axis). */
export function activate(call: OpCall, y: Value, act: Exclude<Activation, "none">, name?: string): Value {
  const opts = name === undefined ? named(call) : { name, span: call.span };
  const b = call.lw.b;
  switch (act) {
    case "leaky_relu":
      return b.add("leaky_relu", [y], { alpha: 0.3 }, opts);
    case "elu":
      return b.add("elu", [y], { alpha: 1 }, opts);
    case "softmax":
      return b.add("softmax", [y], { axis: Math.max(0, y.type.shape.length - 1) }, opts);
    default:
      return b.add(act, [y], {}, opts);
  }
}

/** The tail of a layer: `y.biased = bias_add(core, y.bias)` if there is a bias, then the activation as `y`. */
export function finishLayer(call: OpCall, core: Value, bias: Value | undefined, act: Activation): Value {
  let y = core;
  if (bias) y = call.lw.b.biasAdd(y, bias, named(call, act === "none" ? undefined : "biased"));
  return act === "none" ? y : activate(call, y, act);
}

/** The name of the core node of a layer: `y.conv` when a bias or an activation follows, else `y`. */
export function coreName(suffix: string, bias: boolean, act: Activation): string | undefined {
  return bias || act !== "none" ? suffix : undefined;
}
