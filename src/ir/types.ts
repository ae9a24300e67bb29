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

export function sameDim(a: Dim, b: Dim): boolean {
  return a === b;
}

export function sameShape(a: readonly Dim[], b: readonly Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Product of the known dimensions, or undefined when a symbol takes part. */
export function knownSize(shape: readonly Dim[]): number | undefined {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== "number") return undefined;
    n *= d;
  }
  return n;
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
