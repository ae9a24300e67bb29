// The shape of an op's registry entry: operands, attribute spellings, shape rule and float64 reference semantics.
// Each op family defines its entries in a sibling file; registry.ts gathers them into one exhaustive table.

import type { OpAttrs, OpKind } from "../node.js";
import type { TensorType } from "../types.js";

/** A float64 tensor of known shape, row-major: the reference interpreter's values. */
export interface Tensor64 {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** A shape-rule failure, in the user's terms; the builder attaches the span. */
export interface Problem {
  readonly problem: true;
  readonly code: string;
  readonly message: string;
}

export function problem(code: string, message: string): Problem {
  return { problem: true, code, message };
}

export function isProblem(x: unknown): x is Problem {
  return typeof x === "object" && x !== null && (x as Problem).problem === true;
}

/**
 * How an attribute is written in the IR text: `int` 3, `float` 0.2, `int-pair` [1,1], `ints` [0,0,1,1], `dims`
 * [N,4] (numbers or symbols), `padding` valid | same | [t,b,l,r], `support` an optional 0/1 literal like a constant's, `word` a bare word such as relu. `type-shape` and `data`
 * are carried by the result type and the constant literal instead.
 */
export type AttrKind = "int" | "float" | "int-pair" | "ints" | "padding" | "dims" | "support" | "word" | "type-shape" | "data";

export interface OpDef<K extends OpKind> {
  /** Operand names, in order, as messages call them. */
  readonly operands: readonly string[];
  /** Takes one or more operands of the same role (concat); `operands` then names that role once. */
  readonly variadic?: boolean;
  /** The last operands are optional: at least this many are given (fused_conv2d's mask). */
  readonly minOperands?: number;
  readonly attrs: { readonly [A in keyof OpAttrs[K]]-?: AttrKind };
  /**
   * The result type, or why the operands and attributes do not fit. Pure; must not throw on user input.
   */
  readonly infer: (types: readonly TensorType[], attrs: OpAttrs[K]) => TensorType | Problem;
  /**
   * Naive float64 semantics: the oracle. `out` is the concrete result shape. Source ops (input, param) have none:
   * the interpreter feeds them.
   */
  readonly reference?: (args: readonly Tensor64[], attrs: OpAttrs[K], out: readonly number[]) => Tensor64;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Whether an op takes `n` operands. */
export function acceptsOperandCount(def: { readonly operands: readonly string[]; readonly variadic?: boolean; readonly minOperands?: number }, n: number): boolean {
  if (def.variadic) return n >= 1;
  return n <= def.operands.length && n >= (def.minOperands ?? def.operands.length);
}

/** An axis given as -rank..rank-1, made non-negative; undefined when out of range. */
export function normalizeAxis(axis: number, rank: number): number | undefined {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) return undefined;
  return axis < 0 ? axis + rank : axis;
}
