// Tensor types of the IR: dtype and shape, where a dimension is a number or a symbol (a symbolic batch `N`).
// Also the attribute value types shared by several ops. Not for values (see interpret.ts for float64 tensors).

export type DType = "f32";

/** A dimension: a known size, or a symbol bound when the graph is called (e.g. the batch `N`). */
export type Dim = number | string;

export interface TensorType {
  readonly dtype: DType;
  readonly shape: readonly Dim[];
}

/** Convolution padding: TensorFlow's rules by name, or explicit [top, bottom, left, right] pixels. */
export type Padding = "valid" | "same" | readonly [number, number, number, number];

export function tensorType(shape: readonly Dim[], dtype: DType = "f32"): TensorType {
  return { dtype, shape: [...shape] };
}

export function formatDim(d: Dim): string {
  return typeof d === "number" ? String(d) : d;
}

/** `[3, 3, 4, 1]`: the spelling used in messages. */
export function formatShape(shape: readonly Dim[]): string {
  return `[${shape.map(formatDim).join(", ")}]`;
}

/** `f32[N,4,4,3]`: the spelling used in the IR text. */
export function formatType(t: TensorType): string {
  return `${t.dtype}[${t.shape.map(formatDim).join(",")}]`;
}

export function sameShape(a: readonly Dim[], b: readonly Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The most elements one tensor may hold: JavaScript's typed arrays and tfjs index with 32-bit integers. Shapes are
 * checked against it when the graph is built, before anything is allocated.
 */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** Product of the known dimensions (symbols count as 1): the least a tensor of this shape can hold. */
export function knownElements(shape: readonly Dim[]): number {
  let n = 1;
  for (const d of shape) if (typeof d === "number") n *= d;
  return n;
}

/** The most axes a tensor may have: convolution networks need four or five; a bound keeps every walk shallow. */
export const MAX_RANK = 8;

/** Why a declared shape is not one mconv can hold, or undefined: sizes are whole numbers ≥ 1, or names. */
export function shapeProblemText(shape: readonly Dim[]): string | undefined {
  if (shape.length > MAX_RANK) return `a tensor has at most ${MAX_RANK} axes, got ${shape.length}`;
  for (const d of shape) {
    if (typeof d === "string" ? !/^[A-Za-z_][A-Za-z0-9_]*$/.test(d) : !Number.isInteger(d) || d < 1) {
      return `a dimension is a whole number ≥ 1 or a name, got ${typeof d === "string" ? JSON.stringify(d) : String(d)} in ${formatShape(shape)}`;
    }
  }
  const n = knownElements(shape);
  if (n > MAX_ELEMENTS) return `${formatShape(shape)} holds ${n} elements, more than the limit of ${MAX_ELEMENTS}`;
  return undefined;
}

/** Every dimension known (no symbols). */
export function isConcrete(shape: readonly Dim[]): shape is readonly number[] {
  return shape.every((d) => typeof d === "number");
}

/** Replaces symbols by their bound sizes; throws on an unbound symbol (callers bind all symbols first). */
export function concreteShape(shape: readonly Dim[], symbols: ReadonlyMap<string, number>): number[] {
  return shape.map((d) => {
    if (typeof d === "number") return d;
    const v = symbols.get(d);
    if (v === undefined) throw new Error(`unbound dimension ${d}`);
    return v;
  });
}

/** How a given shape fails its declaration: another rank, a differing size, or a symbol bound to another size. */
export type ShapeMismatch =
  | { readonly kind: "rank" }
  | { readonly kind: "size"; readonly axis: number }
  | { readonly kind: "symbol"; readonly symbol: string; readonly bound: number; readonly given: number };

/**
 * Checks a fed shape against a declared one, binding each symbol (e.g. N) to the first size it meets in `symbols`;
 * the mismatch, or undefined when it fits.
 */
export function fitShape(declared: readonly Dim[], given: readonly number[], symbols: Map<string, number>): ShapeMismatch | undefined {
  if (declared.length !== given.length) return { kind: "rank" };
  for (let i = 0; i < declared.length; i++) {
    const d = declared[i]!;
    const g = given[i]!;
    if (!Number.isInteger(g) || g < 0 || (typeof d === "number" && d !== g)) return { kind: "size", axis: i };
    if (typeof d === "number") continue;
    const bound = symbols.get(d);
    if (bound === undefined) symbols.set(d, g);
    else if (bound !== g) return { kind: "symbol", symbol: d, bound, given: g };
  }
  return undefined;
}
