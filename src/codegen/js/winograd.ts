// Winograd's minimal filtering F(4×4, r_h×r_w) for the js conv kernel: stride 1, no dilation, one group, kernels of
// at most 3×3 (after crop-masked-kernels), chosen by a cost model where it does fewer multiply-adds than the
// register-blocked direct loops over the live taps (conv.ts). Each 4×4 tile of output is
//   Y = Aᵀ_h [ (G_h g G_wᵀ) ⊙ (Bᵀ_h d B_w) ] A_w
// over a (4 + r_h − 1) × (4 + r_w − 1) tile d of input, so that the products are, for each of those positions, one
// matrix product of [tiles × in channels] by [in channels × out channels], done with the same 3 × 4 accumulators
// as the direct loops. The matrices come from Toom-Cook interpolation at the points 0, ±1, ±2, ∞ (Lavin & Gray,
// "Fast Algorithms for Convolutional Neural Networks", 2016), derived here in exact rational arithmetic.
// Everything is computed in double; the transforms mix the inputs of a tile and the weights of a kernel, so an
// infinite or NaN input or weight would spread to neighbouring outputs: the emitted code falls back to the direct
// loops for those calls (conv.ts), which give the oracle's numbers.

import type { ConvPlan, Tap } from "../lower.js";
import type { FusedActivation } from "./epilogue.js";
import { activationExpr } from "./epilogue.js";
import { count, sum } from "./expr.js";

/** Output pixels per tile side. */
export const TILE = 4;
/**
 * Tiles whose products are computed together: a chunk is the most whole tile rows within this many tiles (a
 * divisor of the rows), or one tile row when a row alone has more.
 */
const CHUNK_TILES = 64;
/** Tiles and out channels per block of accumulators in the products. */
const PIXELS = 3;
const WIDTH = 4;

// ---- Rational arithmetic, small numbers only (points 0, ±1, ±2; matrices of at most 6 × 6) ----

type Q = readonly [number, number];
const gcd = (a: number, b: number): number => (b === 0 ? Math.abs(a) : gcd(b, a % b));
function q(n: number, d = 1): Q {
  if (d === 0) throw new Error("division by zero");
  const g = gcd(n, d) || 1;
  const s = d < 0 ? -1 : 1;
  return [(s * n) / g + 0, (s * d) / g];
}
const add = (a: Q, b: Q) => q(a[0] * b[1] + b[0] * a[1], a[1] * b[1]);
const mul = (a: Q, b: Q) => q(a[0] * b[0], a[1] * b[1]);
const div = (a: Q, b: Q) => q(a[0] * b[1], a[1] * b[0]);
const neg = (a: Q): Q => q(-a[0], a[1]);
const isZero = (a: Q) => a[0] === 0;

/** The rows of the Toom-Cook evaluation matrix: for each point, its powers 0 … n−1; ∞ gives the leading coefficient. */
function evaluation(points: readonly (Q | "inf")[], n: number): Q[][] {
  return points.map((p) => Array.from({ length: n }, (_, k) => (p === "inf" ? q(k === n - 1 ? 1 : 0) : q(p[0] ** k, p[1] ** k))));
}

function inverse(m: readonly (readonly Q[])[]): Q[][] {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => q(i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    const pivot = a.findIndex((row, r) => r >= col && !isZero(row[col]!));
    if (pivot < 0) throw new Error("singular Toom-Cook matrix");
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    a[col] = a[col]!.map((v) => div(v, p));
    for (let r = 0; r < n; r++) {
      if (r === col || isZero(a[r]![col]!)) continue;
      const f = a[r]![col]!;
      a[r] = a[r]!.map((v, j) => add(v, neg(mul(f, a[col]![j]!))));
    }
  }
  return a.map((row) => row.slice(n));
}

/**
 * The matrices of F(m, r) along one axis: y = Aᵀ [(G g) ⊙ (Bᵀ d)] is the correlation y_k = Σ_j g_j d_{k+j} of an
 * input d of `alpha` = m + r − 1 values with a kernel g of r. Bᵀ is integer (each row scaled, G's row divided by
 * the same factor); for r = 1 all three are identities.
 */
export interface Transform1D {
  readonly m: number;
  readonly r: number;
  readonly alpha: number;
  /** m × alpha */
  readonly AT: readonly (readonly number[])[];
  /** alpha × r, as exact fractions [numerator, denominator]. */
  readonly G: readonly (readonly Q[])[];
  /** alpha × alpha */
  readonly BT: readonly (readonly number[])[];
}

const POINTS: readonly Q[] = [q(0), q(1), q(-1), q(2), q(-2), q(1, 2), q(-1, 2)];

/** Made once per (m, r): a model of many convs alike asks for the same few. */
const TRANSFORMS = new Map<string, Transform1D>();

export function transform1D(m: number, r: number): Transform1D {
  const key = `${m},${r}`;
  let t = TRANSFORMS.get(key);
  if (t === undefined) TRANSFORMS.set(key, (t = toomCook(m, r)));
  return t;
}

function toomCook(m: number, r: number): Transform1D {
  const identity = (n: number) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  if (r === 1) return { m, r, alpha: m, AT: identity(m), G: Array.from({ length: m }, () => [q(1)]), BT: identity(m) };
  const alpha = m + r - 1;
  if (alpha - 1 > POINTS.length) throw new Error(`F(${m}, ${r}) needs more interpolation points`);
  const points = [...POINTS.slice(0, alpha - 1), "inf" as const];
  // The transpose of Toom-Cook linear convolution: s = C [(E_r g) ⊙ (E_m h)] with C = E_alpha⁻¹ gives, for the
  // correlation, y = E_mᵀ [(E_r g) ⊙ (Cᵀ d)].
  const C = inverse(evaluation(points, alpha));
  const Em = evaluation(points, m);
  const Er = evaluation(points, r);
  const BT: number[][] = [];
  const G: Q[][] = [];
  for (let i = 0; i < alpha; i++) {
    const row = C.map((c) => c[i]!);
    const lcm = row.reduce((l, v) => (l * v[1]) / gcd(l, v[1]), 1);
    BT.push(row.map((v) => (v[0] * lcm) / v[1] + 0));
    G.push(Er[i]!.map((v) => div(v, q(lcm))));
  }
  const AT = Array.from({ length: m }, (_, k) => Em.map((row) => row[k]![0] / row[k]![1]));
  return { m, r, alpha, AT, G, BT };
}

// ---- The plan and its cost ----

export interface WinogradPlan {
  readonly rows: Transform1D;
  readonly cols: Transform1D;
  /** Tiles down and across the output; tile rows per chunk (a divisor of tilesH). */
  readonly tilesH: number;
  readonly tilesW: number;
  readonly chunkRows: number;
  /** Bottom and right zero padding beyond the conv's, so that every tile reads inside the padded input. */
  readonly extraH: number;
  readonly extraW: number;
  /** Elements of the transformed kernel (one more holds 1 when all its weights are finite). */
  readonly kernelSize: number;
}

/** Additions (and multiplications by a constant) of applying `rows` to each column of a `cols`-wide block. */
const transformOps = (t: readonly (readonly number[])[], cols: number) => t.reduce((s, row) => s + row.filter((v) => v !== 0).length, 0) * cols;

/**
 * The Winograd plan of a conv, when the js target should use it: one group, stride 1, no dilation, a kernel of at
 * most 3×3 with some live tap, and fewer operations than the direct loops: per 4×4 tile, α_h·α_w products per pair
 * of channels, plus transforms in and out and the stores between them, against 16 · live taps per pair (outputs
 * past the edge, in the last row and column of tiles, are counted as work).
 */
export function winogradPlan(c: ConvPlan, liveTaps: readonly Tap[]): WinogradPlan | undefined {
  const [kh, kw] = c.kernelSize;
  if (c.groups !== 1 || c.strides.some((s) => s !== 1) || c.dilations.some((d) => d !== 1)) return undefined;
  if (kh > 3 || kw > 3 || kh * kw < 2 || liveTaps.length === 0) return undefined;
  const [oh, ow] = c.outSize;
  if (oh === 0 || ow === 0) return undefined;
  const rows = transform1D(TILE, kh);
  const cols = transform1D(TILE, kw);
  const tilesH = Math.ceil(oh / TILE);
  const tilesW = Math.ceil(ow / TILE);
  const ci = c.inChannels;
  const co = c.outChannels;
  const positions = rows.alpha * cols.alpha;
  const inOps = transformOps(rows.BT, cols.alpha) + transformOps(cols.BT, rows.alpha) + positions;
  const outOps = transformOps(rows.AT, cols.alpha) + transformOps(cols.AT, TILE) + positions;
  const wino = tilesH * tilesW * (positions * ci * co + 2 * positions * (ci + co) + inOps * ci + outOps * co);
  const direct = oh * ow * liveTaps.length * ci * co;
  // Measured on 3×3 convs (type B and dense; 5×5 to 28×28, 3 to 64 channels; forcing Winograd): it ran 1.0–1.2×
  // the direct loops' speed where this counted 0.94–1.22 of their operations (the transforms are cheaper than
  // counted: additions), 1.4–1.6× at 0.80–0.94, 1.8–3.1× at 0.39–0.59. Those were the plain direct loops; the
  // asm.js ones (asm.ts) run about 1.4× faster, which leaves Winograd 1.1–1.3× ahead on the two bench convs (0.48
  // here) and no more than even from 0.80 up. Taken below 0.80.
  if (wino > 0.8 * direct) return undefined;
  let chunkRows = 1;
  for (let r = 1; r <= tilesH; r++) if (tilesH % r === 0 && r * tilesW <= CHUNK_TILES) chunkRows = r;
  return {
    rows,
    cols,
    tilesH,
    tilesW,
    chunkRows,
    extraH: tilesH * TILE - oh,
    extraW: tilesW * TILE - ow,
    kernelSize: positions * ci * co,
  };
}

/** The scratch of one chunk: transformed inputs [position][tile][in channel], products [position][tile][out channel]. */
export function scratchSizes(c: ConvPlan, w: WinogradPlan): { v: number; m: number } {
  const tiles = w.chunkRows * w.tilesW;
  const positions = w.rows.alpha * w.cols.alpha;
  return { v: positions * tiles * c.inChannels, m: positions * tiles * c.outChannels };
}

// ---- Code ----

/** `a - b + 4 * c`: a linear combination of names with number coefficients; `0` when empty. */
function combination(terms: readonly (readonly [number, string])[]): string {
  const parts = terms.filter(([k]) => k !== 0);
  if (parts.length === 0) return "0";
  return parts
    .map(([k, name], i) => {
      const sign = k < 0 ? "-" : "+";
      const mag = Math.abs(k);
      const term = mag === 1 ? name : `${mag} * ${name}`;
      return i === 0 ? (k < 0 ? `-${term}` : term) : ` ${sign} ${term}`;
    })
    .join("");
}

/** Lines computing out_i_j = Σ_k L[i][k] in_k_j, then Σ_k that_i_k R[j][k]: a 2D transform of named values. */
function transform2D(
  left: readonly (readonly number[])[],
  right: readonly (readonly number[])[],
  input: (k: number, j: number) => string,
  inCols: number,
  mid: string,
  out: string,
): string[] {
  const lines: string[] = [];
  for (let i = 0; i < left.length; i++) {
    const row = Array.from({ length: inCols }, (_, j) => `${mid}${i}_${j} = ${combination(left[i]!.map((k, kk) => [k, input(kk, j)] as const))}`);
    lines.push(`const ${row.join(", ")};`);
  }
  for (let i = 0; i < left.length; i++) {
    const row = right.map((r, j) => `${out}${i}_${j} = ${combination(r.map((k, kk) => [k, `${mid}${i}_${kk}`] as const))}`);
    lines.push(`const ${row.join(", ")};`);
  }
  return lines;
}

const indent = (lines: readonly string[], by = 1) => lines.map((l) => `${"  ".repeat(by)}${l}`);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * The function computing the conv by Winograd: `fn(y, xp, u, v, mm, [bias,] batch)`, xp the input in double padded
 * by the conv's pads plus `extraH` rows and `extraW` columns, u the transformed kernel (winogradKernelFunction),
 * v and mm scratch of scratchSizes.
 */
export function winogradFunction(fn: string, c: ConvPlan, w: WinogradPlan, bias: boolean, activation: FusedActivation): string[] {
  const { rows, cols, tilesW, chunkRows } = w;
  const ci = c.inChannels;
  const co = c.outChannels;
  const [oh, ow] = c.outSize;
  const hp = (w.tilesH * TILE) + rows.r - 1;
  const wp = (tilesW * TILE) + cols.r - 1;
  const tiles = chunkRows * tilesW;
  const positions = rows.alpha * cols.alpha;
  const vStride = tiles * ci;
  const mStride = tiles * co;

  // 1. The input transform of one tile and one in channel: d (α_h × α_w) → Bᵀ_h d B_w, stored at [position][tile][c].
  const inputLines = [
    ...range(rows.alpha).map((i) => `const ${range(cols.alpha).map((j) => `d${i}_${j} = xp[${sum(["at", (i * wp + j) * ci])}]`).join(", ")};`),
    ...transform2D(rows.BT, cols.BT, (k, j) => `d${k}_${j}`, cols.alpha, "e", "v"),
    ...range(rows.alpha).flatMap((i) => range(cols.alpha).map((j) => `v[${sum(["vi", (i * cols.alpha + j) * vStride])}] = v${i}_${j};`)),
  ];

  // 2. The products at one position: [tiles × ci] · [ci × co], in blocks of PIXELS tiles × WIDTH out channels.
  const block = (p: number, width: number, t: string | number, o: string | number) => {
    const acc = (a: number, b: number) => `a${a}_${b}`;
    // Terms of where tile t (a loop variable or a number) starts in a [tile][channel] array of `n` channels.
    const tileAt = (n: number) => (typeof t === "number" ? t * n : `${t} * ${n}`);
    const oAt = typeof o === "number" ? o * ci : `${o} * ${ci}`;
    return [
      "{",
      `  let ${range(p).flatMap((a) => range(width).map((b) => `${acc(a, b)} = 0`)).join(", ")};`,
      `  for (let c = 0, vi = ${sum(["vb", tileAt(ci)])}, ui = ${sum(["ub", oAt])}; c < ${ci}; c++, vi++, ui += ${width}) {`,
      `    const ${range(p).map((a) => `x${a} = v[${sum(["vi", a * ci])}]`).join(", ")};`,
      `    const ${range(width).map((b) => `w${b} = u[${sum(["ui", b])}]`).join(", ")};`,
      ...range(p).map((a) => `    ${range(width).map((b) => `${acc(a, b)} += x${a} * w${b};`).join(" ")}`),
      "  }",
      ...range(p).map((a) => `  ${range(width).map((b) => `mm[${sum(["mb", tileAt(co), o, a * co + b])}] = ${acc(a, b)};`).join(" ")}`),
      "}",
    ];
  };
  const fullT = Math.floor(tiles / PIXELS) * PIXELS;
  const restT = tiles - fullT;
  const fullO = Math.floor(co / WIDTH) * WIDTH;
  const restO = co - fullO;
  const channelBlocks = (p: number, t: string | number) => [
    ...(fullO > 0 ? [`for (let o = 0; o < ${fullO}; o += ${WIDTH}) {`, ...indent(block(p, WIDTH, t, "o")), "}"] : []),
    ...(restO > 0 ? block(p, restO, t, fullO) : []),
  ];
  const productLines = [
    `for (let pos = 0, vb = 0, ub = 0, mb = 0; pos < ${positions}; pos++, vb += ${vStride}, ub += ${ci * co}, mb += ${mStride}) {`,
    ...indent([
      ...(fullT > 0 ? [`for (let t = 0; t < ${fullT}; t += ${PIXELS}) {`, ...indent(channelBlocks(PIXELS, "t")), "}"] : []),
      ...(restT > 0 ? [`// the last ${count(restT, "tile")}`, ...channelBlocks(restT, fullT)] : []),
    ]),
    "}",
  ];

  // 3. The output transform of one tile and one out channel: Aᵀ_h M A_w, plus bias, activation, stored in y.
  const store = (i: number, j: number) => {
    const value = `s${i}_${j}${bias ? " + b" : ""}`;
    const name = bias || activation.kind !== "linear" ? `r${i}_${j}` : value;
    return [
      ...(name === value ? [] : [`const ${name} = ${value};`]),
      `y[${sum(["out", (i * ow + j) * co])}] = ${activationExpr(activation, name)};`,
    ];
  };
  const outputLines = [
    ...range(rows.alpha).map((i) => `const ${range(cols.alpha).map((j) => `m${i}_${j} = mm[${sum(["mi", (i * cols.alpha + j) * mStride])}]`).join(", ")};`),
    ...transform2D(rows.AT, cols.AT, (k, j) => `m${k}_${j}`, cols.alpha, "f", "s"),
    ...(bias ? ["const b = bias[o];"] : []),
    "if (full) {",
    ...indent(range(TILE).flatMap((i) => range(TILE).flatMap((j) => store(i, j)))),
    "} else {",
    ...indent(range(TILE).flatMap((i) => [`if (${i} < tileRows) {`, ...indent(range(TILE).flatMap((j) => [`if (${j} < tileCols) {`, ...indent(store(i, j)), "}"])), "}"])),
    "}",
  ];

  return [
    `/** y = ${bias ? `${activation.kind}(conv + bias)` : activation.kind === "linear" ? "conv" : `${activation.kind}(conv)`} by Winograd F(${TILE}×${TILE}, ${rows.r}×${cols.r}): xp the padded input in double, u the transformed kernel, v and mm scratch, batch images. */`,
    `function ${fn}(y, xp, u, v, mm, ${bias ? "bias, " : ""}batch) {`,
    `  // ${w.tilesH} × ${tilesW} tiles of ${TILE}×${TILE} outputs, ${count(chunkRows, "tile row")} at a time; ${positions} products per tile and channel pair`,
    ...indent([
      `for (let n = 0; n < batch; n++) {`,
      ...indent([
        `for (let tr = 0; tr < ${w.tilesH}; tr += ${chunkRows}) {`,
        ...indent([
          `// the input transform: Bᵀ d B of every tile and in channel`,
          `for (let ty = 0, vt = 0; ty < ${chunkRows}; ty++) {`,
          ...indent([
            `for (let tx = 0; tx < ${tilesW}; tx++, vt++) {`,
            ...indent([
              `for (let c = 0, at = ((n * ${hp} + (tr + ty) * ${TILE}) * ${wp} + tx * ${TILE}) * ${ci}, vi = vt * ${ci}; c < ${ci}; c++, at++, vi++) {`,
              ...indent(inputLines),
              "}",
            ]),
            "}",
          ]),
          "}",
          `// the products, position by position`,
          ...productLines,
          `// the output transform: Aᵀ M A of every tile and out channel`,
          `for (let ty = 0, mt = 0; ty < ${chunkRows}; ty++) {`,
          ...indent([
            `const oy = (tr + ty) * ${TILE};`,
            `const tileRows = Math.min(${TILE}, ${oh} - oy);`,
            `for (let tx = 0; tx < ${tilesW}; tx++, mt++) {`,
            ...indent([
              `const tileCols = Math.min(${TILE}, ${ow} - tx * ${TILE});`,
              `const full = tileRows === ${TILE} && tileCols === ${TILE};`,
              `for (let o = 0, mi = mt * ${co}, out = ((n * ${oh} + oy) * ${ow} + tx * ${TILE}) * ${co}; o < ${co}; o++, mi++, out++) {`,
              ...indent(outputLines),
              "}",
            ]),
            "}",
          ]),
          "}",
        ]),
        "}",
      ]),
      "}",
    ]),
    "}",
  ];
}

/**
 * The function `fn(u, k[, m])` filling u with the kernel (times the mask, read as `maskShape`) in the Winograd
 * domain, G g Gᵀ of each pair of channels, laid out [position][block of 4 out channels][in channel][channel of the
 * block]; then u's last element: 1 when every live weight is finite, else 0 (the direct loops run instead). Dead
 * taps count as zero whatever the kernel holds there, as in the direct loops.
 */
export function winogradKernelFunction(fn: string, c: ConvPlan, w: WinogradPlan, liveTaps: readonly Tap[], maskShape: readonly number[] | undefined): string[] {
  const { rows, cols } = w;
  const [, kw] = c.kernelSize;
  const ci = c.inChannels;
  const co = c.outChannels;
  const [, , mi, mo] = (maskShape ?? [1, 1, 1, 1]) as [number, number, number, number];
  const live = new Set(liveTaps.map(([i, j]) => i * kw + j));
  const fullO = Math.floor(co / WIDTH) * WIDTH;
  const restO = co - fullO;
  const g = (i: number, j: number) => (live.has(i * kw + j) ? `g${i}_${j}` : undefined);
  const gLines = liveTaps.map(([i, j]) => {
    const tap = i * kw + j;
    const kAt = sum([`c * ${co}`, "o", tap * ci * co]);
    const mAt = sum([mi === 1 ? 0 : `c * ${mo}`, mo === 1 ? 0 : "o", tap * mi * mo]);
    return `const g${i}_${j} = k[${kAt}]${maskShape ? ` * m[${mAt}]` : ""};`;
  });
  const frac = (v: Q) => v[0] / v[1];
  // t = G_h g (α_h × r_w), then G g G_wᵀ; terms of dead taps are left out.
  const tLines = range(rows.alpha).map(
    (i) => `const ${range(cols.r).map((j) => `t${i}_${j} = ${combination(range(rows.r).flatMap((k) => (g(k, j) ? [[frac(rows.G[i]![k]!), g(k, j)!] as const] : [])))}`).join(", ")};`,
  );
  const uLines = range(rows.alpha).flatMap((i) =>
    range(cols.alpha).map((j) => {
      const pos = i * cols.alpha + j;
      return `u[${sum(["ub", pos * ci * co])}] = ${combination(range(cols.r).map((k) => [frac(cols.G[j]![k]!), `t${i}_${k}`] as const))};`;
    }),
  );
  const width = restO === 0 ? String(WIDTH) : fullO === 0 ? String(restO) : `(o < ${fullO} ? ${WIDTH} : ${restO})`;
  return [
    `/** u: the kernel${maskShape ? " times the mask" : ""} of a ${c.kernelSize.join("×")} conv in the Winograd domain, [position][block of ${WIDTH} out channels][in channel][channel of the block]; u[${w.kernelSize}]: 1 when its weights are finite. */`,
    `function ${fn}(u, k${maskShape ? ", m" : ""}) {`,
    "  let finite = 0;",
    `  for (let c = 0; c < ${ci}; c++) {`,
    `    for (let o = 0; o < ${co}; o++) {`,
    ...indent(gLines, 3),
    `      finite += ${liveTaps.map(([i, j]) => `g${i}_${j} * 0`).join(" + ")};`,
    ...indent(tLines, 3),
    `      const ub = (o & ~${WIDTH - 1}) * ${ci} + c * ${width} + (o & ${WIDTH - 1});`,
    ...indent(uLines, 3),
    "    }",
    "  }",
    `  u[${w.kernelSize}] = finite === 0 ? 1 : 0;`,
    "}",
  ];
}
