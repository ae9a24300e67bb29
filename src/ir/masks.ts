// Pure mask generators: PixelCNN's causal masks (spatial and channel-grouped), checkerboards, constant masks, and
// the algebra over 0/1 masks (flip, transpose, and, or, not). Row-major f32 data. Not for applying masks (the ops
// do that) nor for reading mask files (the parser does). Arguments outside a function's contract throw RangeError:
// callers that take sizes from users check them first (see maskSizeProblem).

import { stridesOf } from "./ops/def.js";

/** A mask: its shape and row-major values. */
export interface MaskData {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** PixelCNN's mask types: A (the first layer) drops the centre tap, B (later layers) keeps it. */
export type CausalType = "A" | "B";

/** How channels fall into colour groups: contiguous blocks `floor(c / (n / G))`, or interleaved `c mod G`. */
export type GroupOrder = "contiguous" | "interleaved";

/** Masks are materialized as constants: more values than this are refused (64 MB of f32). */
export const MAX_MASK_VALUES = 2 ** 24;

function require(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(message);
}

function valueCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Why a mask of this shape cannot be made (a size not a whole number ≥ 1, or too many values), or undefined. */
export function maskSizeProblem(shape: readonly number[]): string | undefined {
  if (!shape.every((d) => Number.isInteger(d) && d >= 1)) return `mask sizes must be whole numbers ≥ 1, got [${shape.join(", ")}]`;
  const n = valueCount(shape);
  if (n > MAX_MASK_VALUES) return `a mask of shape [${shape.join(", ")}] would hold ${n} values; the limit is ${MAX_MASK_VALUES}`;
  return undefined;
}

function make(shape: readonly number[], value: (index: readonly number[]) => boolean | number): MaskData {
  const problem = maskSizeProblem(shape);
  if (problem) throw new RangeError(problem);
  const data = new Float32Array(valueCount(shape));
  const index = new Array<number>(shape.length).fill(0);
  for (let at = 0; at < data.length; at++) {
    data[at] = Number(value(index));
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return { shape: [...shape], data };
}

/**
 * Where tap (i, j) of a kh×kw kernel stands in raster order against the centre (kh // 2, kw // 2): "before"
 * (rows above, or the centre row left of the centre), "centre", or "after".
 */
export function rasterPosition(i: number, j: number, kh: number, kw: number): "before" | "centre" | "after" {
  const ci = Math.floor(kh / 2);
  const cj = Math.floor(kw / 2);
  if (i < ci || (i === ci && j < cj)) return "before";
  return i === ci && j === cj ? "centre" : "after";
}

/**
 * PixelCNN's raster-order mask [kh, kw]: taps before the centre are 1, type B also keeps the centre.
 * 3×3 A: [[1,1,1],[1,0,0],[0,0,0]] (4 live taps); B adds the centre (5). 5×5: 12 / 13; 7×7: 24 / 25.
 */
export function causalMask(size: readonly [number, number], type: CausalType): MaskData {
  const [kh, kw] = size;
  return make([kh, kw], ([i, j]) => {
    const at = rasterPosition(i!, j!, kh, kw);
    return at === "before" || (at === "centre" && type === "B");
  });
}

/** The colour group of channel c of n: contiguous blocks of n / G, or c mod G when interleaved. */
export function channelGroup(c: number, n: number, groups: number, order: GroupOrder): number {
  return order === "contiguous" ? Math.floor(c / (n / groups)) : c % groups;
}

export interface ColorGroups {
  /** How many colour groups (3 for RGB); must divide inChannels and outChannels. */
  readonly groups: number;
  readonly order: GroupOrder;
  /** The conv's input and output channels. */
  readonly inChannels: number;
  readonly outChannels: number;
  /**
   * The conv's own groups (grouped convolution, default 1): its kernel is [kh, kw, in / convGroups, out] and
   * output channel o reads input channels from block floor(o / (out / convGroups)). The mask follows that layout.
   */
  readonly convGroups?: number;
}

/**
 * PixelCNN's channel-grouped mask, shaped like the conv's kernel [kh, kw, in / convGroups, out]. Taps off the centre
 * follow causalMask for every channel pair; at the centre, output group g sees input groups < g (A) or ≤ g (B).
 * E.g. 3×3 B with in = out = 3, contiguous: centre [[1,1,1],[0,1,1],[0,0,1]] (input row, output column).
 */
export function groupedCausalMask(size: readonly [number, number], type: CausalType, g: ColorGroups): MaskData {
  const [kh, kw] = size;
  const convGroups = g.convGroups ?? 1;
  require(Number.isInteger(g.groups) && g.groups >= 1, `groups must be a whole number ≥ 1, got ${g.groups}`);
  require(g.inChannels % g.groups === 0 && g.outChannels % g.groups === 0, `groups ${g.groups} must divide ${g.inChannels} and ${g.outChannels}`);
  require(g.inChannels % convGroups === 0 && g.outChannels % convGroups === 0, `convGroups ${convGroups} must divide the channels`);
  const kin = g.inChannels / convGroups;
  const outPerBlock = g.outChannels / convGroups;
  return make([kh, kw, kin, g.outChannels], ([i, j, ic, oc]) => {
    const at = rasterPosition(i!, j!, kh, kw);
    if (at !== "centre") return at === "before";
    const c = Math.floor(oc! / outPerBlock) * kin + ic!;
    const gin = channelGroup(c, g.inChannels, g.groups, g.order);
    const gout = channelGroup(oc!, g.outChannels, g.groups, g.order);
    return type === "A" ? gin < gout : gin <= gout;
  });
}

/** RealNVP's checkerboard [h, w]: 1 where (i + j) mod 2 equals the parity. 2×2, parity 0: [[1,0],[0,1]]. */
export function checkerboardMask(size: readonly [number, number], parity: 0 | 1): MaskData {
  return make(size, ([i, j]) => (i! + j!) % 2 === parity);
}

/** A mask of one value everywhere: ones([3, 3]), zeros([4]). */
export function filledMask(shape: readonly number[], value: number): MaskData {
  return make(shape, () => value);
}

/** Reverses a mask along axis 0 (height: upside down) or 1 (width: mirrored). */
export function flipMask(m: MaskData, axis: number): MaskData {
  require(Number.isInteger(axis) && axis >= 0 && axis < m.shape.length, `axis ${axis} is not an axis of [${m.shape.join(", ")}]`);
  const strides = stridesOf(m.shape);
  return make(m.shape, (index) => {
    let at = 0;
    index.forEach((v, d) => (at += (d === axis ? m.shape[d]! - 1 - v : v) * strides[d]!));
    return m.data[at]!;
  });
}

/** Swaps height and width (axes 0 and 1); other axes stay. */
export function transposeMask(m: MaskData): MaskData {
  require(m.shape.length >= 2, `transpose needs a mask of rank 2 or more, got [${m.shape.join(", ")}]`);
  const strides = stridesOf(m.shape);
  const shape = [m.shape[1]!, m.shape[0]!, ...m.shape.slice(2)];
  return make(shape, (index) => {
    let at = index[1]! * strides[0]! + index[0]! * strides[1]!;
    for (let d = 2; d < index.length; d++) at += index[d]! * strides[d]!;
    return m.data[at]!;
  });
}

/**
 * The left-aligned broadcast of two mask shapes (as masks broadcast onto kernels: [3, 3] ≡ [3, 3, 1]); each axis
 * equal or 1. Undefined when they do not combine.
 */
export function broadcastMaskShapes(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let d = 0; d < rank; d++) {
    const x = a[d] ?? 1;
    const y = b[d] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(Math.max(x, y));
  }
  return out;
}

function combine(a: MaskData, b: MaskData, f: (x: boolean, y: boolean) => boolean): MaskData {
  const shape = broadcastMaskShapes(a.shape, b.shape);
  require(shape !== undefined, `masks [${a.shape.join(", ")}] and [${b.shape.join(", ")}] do not combine`);
  const at = (m: MaskData, index: readonly number[]) => {
    const strides = stridesOf(m.shape);
    let i = 0;
    for (let d = 0; d < m.shape.length; d++) if (m.shape[d] !== 1) i += index[d]! * strides[d]!;
    return m.data[i]! !== 0;
  };
  return make(shape!, (index) => f(at(a, index), at(b, index)));
}

/** 1 where both masks are nonzero (left-aligned broadcast). */
export function andMasks(a: MaskData, b: MaskData): MaskData {
  return combine(a, b, (x, y) => x && y);
}

/** 1 where either mask is nonzero (left-aligned broadcast). */
export function orMasks(a: MaskData, b: MaskData): MaskData {
  return combine(a, b, (x, y) => x || y);
}

/** 1 where the mask is 0, else 0. */
export function notMask(m: MaskData): MaskData {
  return { shape: [...m.shape], data: m.data.map((v) => (v === 0 ? 1 : 0)) };
}

/** How many values are nonzero: a causal mask's live taps. */
export function liveCount(m: MaskData): number {
  let n = 0;
  for (const v of m.data) if (v !== 0) n++;
  return n;
}
