// Elementwise ops: mul (same rank, axes equal or 1), bias_add (one value per channel, the last axis) and the
// activations relu, tanh, sigmoid. No implicit rank promotion: a broadcast must be spelled with reshape.

import type { OpAttrs, OpKind } from "../node.js";
import { formatShape, type Dim, type TensorType, tensorType } from "../types.js";
import { type OpDef, type Tensor64, elementCount, problem, stridesOf } from "./def.js";

/** The broadcast shape of two same-rank shapes whose axes are equal or 1, or the first axis that differs. */
export function broadcastShapes(a: readonly Dim[], b: readonly Dim[]): Dim[] | { axis: number } {
  if (a.length !== b.length) return { axis: -1 };
  const out: Dim[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else return { axis: i };
  }
  return out;
}

/** A same-rank broadcasting binary op: f32[3,3,3,2] ∘ f32[3,3,1,1] → f32[3,3,3,2]. */
function binary<K extends "add" | "sub" | "mul" | "div">(op: K, f: (a: number, b: number) => number): OpDef<K> {
  return {
    operands: ["lhs", "rhs"],
    attrs: {} as OpDef<K>["attrs"],
    infer: ([a, b]) => {
      const s = broadcastShapes(a!.shape, b!.shape);
      if (Array.isArray(s)) return tensorType(s);
      const why =
        s.axis < 0
          ? `the ranks differ (${a!.shape.length} and ${b!.shape.length}); reshape one operand first`
          : `axis ${s.axis} is ${a!.shape[s.axis]} and ${b!.shape[s.axis]}; each axis must be equal or 1`;
      return problem("MC2007", `${op} cannot combine ${formatShape(a!.shape)} and ${formatShape(b!.shape)}: ${why}`);
    },
    reference: ([a, b], _attrs, out) => {
      const data = new Float64Array(elementCount(out));
      forEachBroadcast(out, a!.shape, b!.shape, (i, ia, ib) => {
        data[i] = f(a!.data[ia]!, b!.data[ib]!);
      });
      return { shape: [...out], data };
    },
  };
}

export const add = binary("add", (a, b) => a + b);
export const sub = binary("sub", (a, b) => a - b);
export const mul = binary("mul", (a, b) => a * b);
export const div = binary("div", (a, b) => a / b);

/**
 * Visits every row-major index `i` of `out` with the indices into `a` and `b` that broadcast onto it (same rank,
 * each axis equal to out's or 1).
 */
export function forEachBroadcast(
  out: readonly number[],
  a: readonly number[],
  b: readonly number[],
  visit: (i: number, ia: number, ib: number) => void,
): void {
  const n = elementCount(out);
  const os = stridesOf(out);
  const as = stridesOf(a);
  const bs = stridesOf(b);
  for (let i = 0; i < n; i++) {
    let ia = 0;
    let ib = 0;
    let rest = i;
    for (let d = 0; d < out.length; d++) {
      const q = Math.floor(rest / os[d]!);
      rest -= q * os[d]!;
      if (a[d] !== 1) ia += q * as[d]!;
      if (b[d] !== 1) ib += q * bs[d]!;
    }
    visit(i, ia, ib);
  }
}

export const bias_add: OpDef<"bias_add"> = {
  operands: ["input", "bias"],
  attrs: {},
  /** f32[N,2,2,8] + bias f32[8] → f32[N,2,2,8]: one bias per channel (the last axis). */
  infer: ([x, b]) => {
    const c = x!.shape[x!.shape.length - 1];
    if (x!.shape.length < 1 || b!.shape.length !== 1 || b!.shape[0] !== c) {
      return problem("MC2009", `bias_add needs one bias per channel: the input ${formatShape(x!.shape)} has ${c ?? "no"} channels, the bias is ${formatShape(b!.shape)}`);
    }
    return tensorType(x!.shape);
  },
  reference: ([x, b]) => {
    const c = b!.data.length;
    const data = x!.data.map((v, i) => v + b!.data[i % c]!);
    return { shape: x!.shape, data };
  },
};

/** An elementwise op of one operand: any shape maps to itself, f32[N,2,2,2] → f32[N,2,2,2]. */
export function unary<K extends OpKind>(attrs: OpDef<K>["attrs"], f: (v: number, a: OpAttrs[K]) => number): OpDef<K> {
  return {
    operands: ["input"],
    attrs,
    infer: ([x]: readonly TensorType[]) => tensorType(x!.shape),
    reference: ([x]: readonly Tensor64[], a: OpAttrs[K]) => ({ shape: x!.shape, data: x!.data.map((v) => f(v, a)) }),
  };
}

export const relu: OpDef<"relu"> = unary({}, (v) => (v > 0 ? v : 0));
export const tanh: OpDef<"tanh"> = unary({}, Math.tanh);
export const sigmoid: OpDef<"sigmoid"> = unary({}, (v) => 1 / (1 + Math.exp(-v)));
const clampRule = unary<"clamp">({ min: "float", max: "float" }, (v, a) => Math.min(Math.max(v, a.min), a.max));
export const clamp: OpDef<"clamp"> = {
  ...clampRule,
  /** f32[N,4,4,1] with min 0, max 1 → f32[N,4,4,1]; min must not exceed max. */
  infer: (types, a) =>
    Number.isFinite(a.min) && Number.isFinite(a.max) && a.min <= a.max
      ? clampRule.infer(types, a)
      : problem("MC2017", `clamp needs finite bounds with min ≤ max, got [${a.min}, ${a.max}]`),
};
