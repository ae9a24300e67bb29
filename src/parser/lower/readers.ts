// The kinds of argument an op or mask function takes, and how an evaluated value is read as each: numbers and
// sizes, words (padding, activation, …), tensors, masks. A reader returns the value, undefined when the value is of
// the wrong kind (the caller reports MC2017 with EXPECTATIONS), or REPORTED when it reported a better error itself.

import { type Diagnostic, type Span, error } from "../../diagnostics.js";
import type { Value } from "../../ir/builder.js";
import type { GroupOrder } from "../../ir/masks.js";
import type { Dim } from "../../ir/types.js";
import { formatShape } from "../../ir/types.js";
import { readListLiteral } from "../literal.js";
import type { MaskExpr, Val } from "./values.js";

export const ACTIVATIONS = ["none", "relu", "tanh", "sigmoid", "leaky_relu", "elu", "gelu", "softmax"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** A mask argument: a declared mask or input (`node`), a mask known at compile time (`expr`), or both. */
export interface MaskArg {
  /** The value to use as is: a `mask` declaration's constant or an input fed at run time. */
  readonly node?: Value;
  /** The mask itself when known at compile time. */
  readonly expr?: MaskExpr;
  readonly span: Span;
}

/** What each kind of argument reads to. */
export interface ArgKinds {
  /** A tensor: a bound name. */
  tensor: Value;
  /** All remaining positional tensors (concat). */
  tensors: readonly Value[];
  /** A tensor or a number (the operands of add, sub, mul, div). */
  operand: Value | number;
  mask: MaskArg;
  /** A mask known at compile time (mask algebra). */
  maskExpr: MaskExpr;
  /** A whole number ≥ 1: `filters=8`. */
  count: number;
  /** A whole number ≥ 0: `begin=2`. */
  index: number;
  /** A whole number, possibly negative: `axis=-1`. */
  int: number;
  number: number;
  /** One size for both axes or [height, width]: `kernel=3`, `stride=[2, 1]`. */
  size2: readonly [number, number];
  /** [[top, bottom], [left, right]] of whole numbers ≥ 0, or one for all four. */
  pads: readonly [number, number, number, number];
  /** A shape with symbols and one -1 allowed: `[N, 784]`. */
  dims: readonly (Dim | -1)[];
  /** A mask's shape: one to four whole numbers ≥ 1. */
  shape: readonly number[];
  padding: "valid" | "same";
  bool: boolean;
  activation: Activation;
  causalType: "A" | "B";
  order: GroupOrder;
  parity: 0 | 1;
  string: string;
  /** Anything: a block's parameter. */
  any: Val;
}
export type ArgKind = keyof ArgKinds;

export const REPORTED = Symbol("reported");
type Reader<T> = (v: Val, report: (d: Diagnostic) => void, key: string) => T | undefined | typeof REPORTED;

/** Sizes beyond this are surely typos, and would overflow the int32 shapes of the backends. */
const MAX_SIZE = 2 ** 31 - 1;

export const EXPECTATIONS: { readonly [K in ArgKind]: string } = {
  tensor: "a name",
  tensors: "a name",
  operand: "a name or a number",
  mask: "a mask: a 'mask' or 'input' name, a list, or a call such as causal(3, type=A)",
  maskExpr: "a mask known at compile time: a 'mask' name, a list, or a call such as causal(3, type=A)",
  count: "a whole number ≥ 1",
  index: "a whole number ≥ 0",
  int: "a whole number",
  number: "a number",
  size2: "a whole number ≥ 1 or a pair [height, width] of them",
  pads: "[[top, bottom], [left, right]] of whole numbers ≥ 0, or one for all four",
  dims: "a list of sizes: whole numbers ≥ 1, names such as N, and at most one -1",
  shape: "a list of one to four whole numbers ≥ 1, as in [3, 3]",
  padding: "'valid' or 'same'",
  bool: "true or false",
  activation: `one of ${ACTIVATIONS.join(", ")}`,
  causalType: "A (no centre tap, the first layer) or B (with the centre)",
  order: "'contiguous' or 'interleaved'",
  parity: "0 or 1",
  string: "a file name in quotes",
  any: "a value",
};

export const WORDS: { readonly [K in ArgKind]?: readonly string[] } = {
  padding: ["valid", "same"],
  bool: ["true", "false"],
  activation: ACTIVATIONS,
  causalType: ["A", "B"],
  order: ["contiguous", "interleaved"],
};

function whole(v: Val | undefined, min: number): number | undefined {
  if (v?.kind !== "number") return undefined;
  return Number.isInteger(v.value) && v.value >= min && Math.abs(v.value) <= MAX_SIZE ? v.value : undefined;
}

function word<W extends string>(v: Val, words: readonly W[]): W | undefined {
  return v.kind === "name" ? words.find((w) => w === v.name) : undefined;
}

function tensor(v: Val, report: (d: Diagnostic) => void): Value | undefined | typeof REPORTED {
  if (v.kind === "tensor") return v.value.valid ? v.value : REPORTED;
  if (v.kind === "failed") return REPORTED;
  if (v.kind !== "name") return undefined;
  const b = v.binding;
  if (!b) {
    v.unknown();
    return REPORTED;
  }
  if (!b.value) {
    const message = `'${v.name}' is a mask sized by the conv it masks (a causal mask with groups); it has no value of its own`;
    report(error("MC2017", message, v.span, [{ message: `'${v.name}' is declared here`, span: b.site }]));
    return REPORTED;
  }
  return b.value.valid ? b.value : REPORTED;
}

/** A list literal as a static mask of rank 1 to 4 (MC2004 otherwise). */
export function literalMask(v: Extract<Val, { kind: "list" }>, report: (d: Diagnostic) => void): MaskExpr | typeof REPORTED {
  const literal = readListLiteral(v, report);
  if (!literal) return REPORTED;
  if (literal.shape.length > 4) {
    const message =
      `a mask has rank 1 [channels], 2 [height, width], 3 [height, width, in_channels] or 4 [height, width, ` +
      `in_channels, out_channels], got ${formatShape(literal.shape)} (rank ${literal.shape.length})`;
    report(error("MC2004", message, v.span));
    return REPORTED;
  }
  return { sized: false, data: { shape: literal.shape, data: Float32Array.from(literal.data) }, span: v.span };
}

function notAMask(v: Extract<Val, { kind: "name" }>, key: string, computedBy: string, report: (d: Diagnostic) => void): typeof REPORTED {
  const message = `'${key}' must name a 'mask' or 'input' declaration, but '${v.name}' is computed by ${computedBy}`;
  report(error("MC2017", message, v.span, [{ message: `'${v.name}' is bound here`, span: v.binding!.site }]));
  return REPORTED;
}

const mask: Reader<MaskArg> = (v, report, key) => {
  if (v.kind === "list") {
    const expr = literalMask(v, report);
    return expr === REPORTED ? REPORTED : { expr, span: v.span };
  }
  if (v.kind === "mask") return { expr: v.mask, span: v.span };
  if (v.kind === "failed") return REPORTED;
  if (v.kind === "tensor" && v.op) {
    report(error("MC2017", `'${key}' must name a 'mask' or 'input' declaration, but this value is computed by ${v.op}`, v.span));
    return REPORTED;
  }
  if (v.kind === "tensor") return v.value.valid ? { node: v.value, span: v.span } : REPORTED;
  if (v.kind !== "name") return undefined;
  const b = v.binding;
  if (!b) {
    v.unknown();
    return REPORTED;
  }
  if (b.kind === "layer") return notAMask(v, key, b.op ?? "an op", report);
  if (b.value && !b.value.valid) return REPORTED;
  return { node: b.value, expr: b.mask, span: v.span };
};

const maskExpr: Reader<MaskExpr> = (v, report, key) => {
  const m = mask(v, report, key);
  if (m === undefined || m === REPORTED) return m;
  if (m.expr) return m.expr;
  const name = v.kind === "name" ? `'${v.name}'` : "this value";
  report(error("MC2017", `masks are combined at compile time, but ${name} is an input fed at run time`, v.span));
  return REPORTED;
};

function size2(v: Val): readonly [number, number] | undefined {
  const one = whole(v, 1);
  if (one !== undefined) return [one, one];
  if (v.kind !== "list" || v.items.length !== 2) return undefined;
  const [h, w] = v.items.map((e) => whole(e, 1));
  return h !== undefined && w !== undefined ? [h, w] : undefined;
}

function pads(v: Val): readonly [number, number, number, number] | undefined {
  const one = whole(v, 0);
  if (one !== undefined) return [one, one, one, one];
  if (v.kind !== "list" || v.items.length !== 2) return undefined;
  const rows = v.items.map((r) => (r.kind === "list" && r.items.length === 2 ? r.items.map((e) => whole(e, 0)) : []));
  const flat = rows.flat();
  return flat.length === 4 && flat.every((x) => x !== undefined) ? (flat as [number, number, number, number]) : undefined;
}

function dims(v: Val): readonly (Dim | -1)[] | undefined {
  if (v.kind !== "list" || v.items.length === 0) return undefined;
  const out: (Dim | -1)[] = [];
  for (const e of v.items) {
    if (e.kind === "name") out.push(e.name);
    else if (e.kind === "number" && e.value === -1) out.push(-1);
    else {
      const n = whole(e, 1);
      if (n === undefined) return undefined;
      out.push(n);
    }
  }
  return out.filter((d) => d === -1).length <= 1 ? out : undefined;
}

export const READERS: { readonly [K in ArgKind]: Reader<ArgKinds[K]> } = {
  tensor,
  tensors: (v, report) => {
    const t = tensor(v, report);
    return t === undefined || t === REPORTED ? t : [t];
  },
  operand: (v, report) => (v.kind === "number" ? v.value : tensor(v, report)),
  mask,
  maskExpr,
  count: (v) => whole(v, 1),
  index: (v) => whole(v, 0),
  int: (v) => whole(v, -MAX_SIZE),
  number: (v) => (v.kind === "number" ? v.value : undefined),
  size2,
  pads,
  dims,
  shape: (v) => {
    if (v.kind !== "list" || v.items.length < 1 || v.items.length > 4) return undefined;
    const sizes = v.items.map((e) => whole(e, 1));
    return sizes.every((s) => s !== undefined) ? (sizes as number[]) : undefined;
  },
  padding: (v) => word(v, ["valid", "same"] as const),
  bool: (v) => {
    const w = word(v, ["true", "false"] as const);
    return w === undefined ? undefined : w === "true";
  },
  activation: (v) => word(v, ACTIVATIONS),
  causalType: (v) => word(v, ["A", "B"] as const),
  order: (v) => word(v, ["contiguous", "interleaved"] as const),
  parity: (v) => (v.kind === "number" && (v.value === 0 || v.value === 1) ? v.value : undefined),
  string: (v) => (v.kind === "string" ? v.value : undefined),
  any: (v) => v,
};
