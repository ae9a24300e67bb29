// Numbers, float32 data and shapes spelled as JavaScript expressions, shared by both targets. Symbolic dimensions
// appear as the generated identifiers of their bound sizes (`s0`), never by their model names.

import { InternalError } from "../diagnostics.js";
import type { Dim } from "../ir/types.js";

/** Constants with more values than this are embedded as base64 float32 (little-endian) instead of array literals. */
export const INLINE_LIMIT = 64;

/** A number literal that reads back as the same double: `-0`, `NaN` and `Infinity` included. */
export function jsNumber(v: number): string {
  if (Object.is(v, -0)) return "-0";
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  return String(v);
}

export function jsNumberList(values: ArrayLike<number>): string {
  return `[${Array.from(values, jsNumber).join(", ")}]`;
}

/**
 * The bytes of float32 values, little-endian whatever the host, as base64. Uses btoa, not Node's Buffer, so that
 * code generation also runs in a browser (the playground).
 */
export function float32Base64(data: Float32Array): string {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  let binary = "";
  // In slices: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * An expression making a fresh Float32Array holding `data`: an array literal when small, else a call of the
 * module's `decodeF32` helper on base64 text (`usesDecoder` tells the generator to include it).
 */
export function float32Expr(data: Float32Array): { expr: string; usesDecoder: boolean } {
  if (data.length <= INLINE_LIMIT) return { expr: `new Float32Array(${jsNumberList(data)})`, usesDecoder: false };
  return { expr: `decodeF32("${float32Base64(data)}")`, usesDecoder: true };
}

/** How generated code names symbolic dimensions: a map from the model's symbol to an identifier like `s0`. */
export type SymbolIds = ReadonlyMap<string, string>;

export function dimExpr(d: Dim, symbols: SymbolIds): string {
  if (typeof d === "number") return String(d);
  const id = symbols.get(d);
  if (id === undefined) throw new InternalError(`symbolic dimension ${JSON.stringify(d)} has no identifier`);
  return id;
}

/** `[s0, 4, 4, 3]` */
export function shapeExpr(shape: readonly Dim[], symbols: SymbolIds): string {
  return `[${shape.map((d) => dimExpr(d, symbols)).join(", ")}]`;
}

/** The element count as an expression: known sizes multiplied out, symbols as factors (`s0 * 48`). */
export function sizeExpr(shape: readonly Dim[], symbols: SymbolIds): string {
  return productExpr(shape.map((d) => dimExpr(d, symbols)));
}

/** A product of factors, numbers folded: ["s0", "4", "12"] → `s0 * 48`. */
export function productExpr(factors: readonly string[]): string {
  let known = 1;
  const named: string[] = [];
  for (const f of factors) {
    if (/^\d+$/.test(f)) known *= Number(f);
    else named.push(f);
  }
  if (known === 0) return "0";
  if (named.length === 0) return String(known);
  return known === 1 ? named.join(" * ") : `${named.join(" * ")} * ${known}`;
}
