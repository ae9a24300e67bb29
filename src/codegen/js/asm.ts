// The direct conv loops of conv.ts once more, as an asm.js module: the same blocks of pixels × out channels, the
// same live taps in the same order (so the same sums, bit for bit), over one ArrayBuffer that holds the packed
// weights, the bias, the padded input (float64) and the output (float32) at byte offsets given with each call.
// V8 compiles a valid asm.js module ahead of time to machine code without bounds checks on each load, which ran
// the 3×3 type-B conv at 64 channels 1.45× faster than the plain loops (same machine, interleaved); an engine
// without asm.js runs it as the plain JavaScript it also is, with the same results. For one group only (the usual
// conv); grouped and depthwise convs keep the plain loops.
// asm.js rules the text keeps: `var` declarations first, int expressions coerced with `| 0` at each step, doubles
// written with a decimal point, heap reads `F64[byteOffset >> 3]`, calls out (foreign) coerced with `+`.

import type { ConvPlan } from "../lower.js";
import { count } from "./expr.js";
import { BLOCK, type ConvLayout, paddedSize } from "./conv_layout.js";
import type { FusedActivation } from "./epilogue.js";

/** Whether the asm.js loops cover this conv: one group, and every number they would spell is a finite double. */
export function asmFits(c: ConvPlan, layout: ConvLayout, activation: FusedActivation): boolean {
  const alpha = "alpha" in activation ? activation.alpha : 0;
  return c.groups === 1 && layout.runs.length === 1 && layout.runs[0]!.mode === "per-group" && Number.isFinite(alpha);
}

/** A double literal asm.js reads as a double: always with a decimal point (`1.0`, `1.0e-7`). */
function asmDouble(v: number): string {
  if (Object.is(v, -0)) return "-0.0";
  const text = String(v);
  if (text.includes(".")) return text;
  const e = text.indexOf("e");
  return e < 0 ? `${text}.0` : `${text.slice(0, e)}.0${text.slice(e)}`;
}

/** `(expr + k) | 0` for an int expression plus a constant byte count; `expr` itself for 0. */
const plus = (expr: string, k: number) => (k === 0 ? expr : `((${expr} + ${k}) | 0)`);
/** A heap read of a double at byte offset `expr + k`. */
const f64 = (expr: string, k: number) => `+F64[${k === 0 ? expr : `(${expr} + ${k})`} >> 3]`;
/** `a * k` for ints, with Math.imul when k is too large for an asm.js int literal product. */
const mul = (a: string, k: number) => (Math.abs(k) < 1 << 20 ? `((${a} * ${k}) | 0)` : `(imul(${a}, ${k}) | 0)`);

/** The activation of the double `v` in asm.js (the same operations as activationExpr's). */
function asmActivation(a: FusedActivation, v: string): string {
  switch (a.kind) {
    case "linear":
      return v;
    case "relu":
      return `${v} > 0.0 ? ${v} : 0.0`;
    case "relu6":
      return `min(max(${v}, 0.0), 6.0)`;
    case "sigmoid":
      return `1.0 / (1.0 + +exp(-${v}))`;
    case "tanh":
      return `+tanh(${v})`;
    case "leaky_relu":
      return `${v} > 0.0 ? ${v} : ${asmDouble(a.alpha)} * ${v}`;
    case "elu":
      return `${v} > 0.0 ? ${v} : ${asmDouble(a.alpha)} * +expm1(${v})`;
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const acc = (p: number, b: number) => `a${p}_${b}`;

/**
 * The module function `name(stdlib, foreign, heap)`: its `loops(y, xp, kp, bias, batch)` computes the conv of `batch`
 * images, all five arguments byte offsets into the heap but `batch` (`bias` unused without one). `pixels` as for the
 * plain loops (pixelBlock). The foreign object gives exp, expm1 and tanh (JavaScript's own, as the plain loops call).
 */
export function asmConvModule(name: string, c: ConvPlan, layout: ConvLayout, pixels: number, bias: boolean, activation: FusedActivation): string[] {
  const [hp, wp] = paddedSize(c);
  const [oh, ow] = c.outSize;
  const [sh, sw] = c.strides;
  const [dh, dw] = c.dilations;
  const ch = c.inChannels;
  const o = c.outChannels;
  const kin = layout.kin;
  const r = layout.runs[0]!;
  const taps = r.run.taps;
  const stride = BLOCK * taps.length * kin;
  const fullRow = ow - (ow % pixels);
  const pixelBytes = sw * ch * 8;
  const body: string[] = [];
  const locals = new Set<string>();
  /** One block of `p` pixels × `width` channels: at, out and (for a loop) q and kq are set. */
  const block = (p: number, width: number, q: string | number, kq: string) => {
    const lines: string[] = [];
    for (const pi of range(p)) for (const b of range(width)) lines.push(`${acc(pi, b)} = 0.0;`);
    const loaded = new Set<number>();
    taps.forEach(([i, j], t) => {
      const xOff = (i * dh * wp + j * dw) * ch * 8;
      const kOff = t * kin * width * 8;
      lines.push(`// tap (${i}, ${j})`);
      if (kin === 1) {
        // One in channel: neighbouring taps read the same inputs for neighbouring pixels, each loaded once.
        for (const pi of range(p)) {
          const off = xOff + pi * pixelBytes;
          if (loaded.has(off)) continue;
          loaded.add(off);
          locals.add(`x${off}`);
          lines.push(`x${off} = ${f64("at", off)};`);
        }
        for (const b of range(width)) {
          lines.push(`w = ${f64(kq, kOff + b * 8)};`, range(p).map((pi) => `${acc(pi, b)} = ${acc(pi, b)} + x${xOff + pi * pixelBytes} * w;`).join(" "));
        }
      } else {
        lines.push(`for (xi = ${plus("at", xOff)}, ki = ${plus(kq, kOff)}, end = (xi + ${kin * 8}) | 0; (xi | 0) < (end | 0); xi = (xi + 8) | 0, ki = (ki + ${width * 8}) | 0) {`);
        for (const pi of range(p)) lines.push(`  x${pi} = ${f64("xi", pi * pixelBytes)};`);
        for (const b of range(width)) {
          lines.push(`  w = ${f64("ki", b * 8)};`, `  ${range(p).map((pi) => `${acc(pi, b)} = ${acc(pi, b)} + x${pi} * w;`).join(" ")}`);
        }
        lines.push("}");
      }
    });
    // The epilogue: bias, activation, store (yo: this block's first out channel of the first pixel).
    lines.push(`yo = ${typeof q === "number" ? plus("out", q * 4) : "(out + (q << 2)) | 0"};`);
    if (bias) lines.push(`bo = ${typeof q === "number" ? plus("bias", q * 8) : "(bias + (q << 3)) | 0"};`);
    for (const b of range(width)) {
      if (bias) lines.push(`w = ${f64("bo", b * 8)};`);
      for (const pi of range(p)) {
        if (bias) lines.push(`${acc(pi, b)} = ${acc(pi, b)} + w;`);
        lines.push(`F32[${(pi * o + b) * 4 === 0 ? "yo" : `(yo + ${(pi * o + b) * 4})`} >> 2] = ${asmActivation(activation, acc(pi, b))};`);
      }
    }
    return lines;
  };
  /** The channel blocks of one pixel block: a loop over the full blocks of BLOCK, then the rest. */
  const channels = (p: number) => {
    const full = Math.floor(r.width / BLOCK);
    const rest = r.width % BLOCK;
    const lines: string[] = [];
    if (full > 1) {
      lines.push(`for (q = 0, kq = kp; (q | 0) < ${full * BLOCK}; q = (q + ${BLOCK}) | 0, kq = (kq + ${stride * 8}) | 0) {`);
      lines.push(...block(p, BLOCK, "q", "kq").map((l) => `  ${l}`), "}");
    } else if (full === 1) {
      lines.push(...block(p, BLOCK, 0, "kp"));
    }
    if (rest > 0) {
      lines.push(`kq = ${plus("kp", full * stride * 8)};`, ...block(p, rest, full * BLOCK, "kq"));
    }
    return lines;
  };
  body.push(`for (n = 0; (n | 0) < (batch | 0); n = (n + 1) | 0) {`);
  body.push(`  for (oy = 0; (oy | 0) < ${oh}; oy = (oy + 1) | 0) {`);
  body.push(`    at = (xp + ${mul(`((${mul("n", hp)} + ${mul("oy", sh)}) | 0)`, wp * ch * 8)}) | 0;`);
  body.push(`    out = (y + ${mul(`((${mul("n", oh)} + oy) | 0)`, ow * o * 4)}) | 0;`);
  if (fullRow > 0) {
    body.push(`    for (ox = 0; (ox | 0) < ${fullRow}; ox = (ox + ${pixels}) | 0) {`);
    body.push(...channels(pixels).map((l) => `      ${l}`));
    body.push(`      at = (at + ${pixels * pixelBytes}) | 0;`, `      out = (out + ${pixels * o * 4}) | 0;`, "    }");
  }
  if (ow % pixels > 0) body.push(`    // the last ${count(ow % pixels, "pixel")} of the row`, ...channels(ow % pixels).map((l) => `    ${l}`));
  body.push("  }", "}");
  const doubles = [...range(pixels).flatMap((p) => range(BLOCK).map((b) => acc(p, b))), ...(kin === 1 ? [...locals] : range(pixels).map((p) => `x${p}`)), "w"];
  const uses = (what: string) => body.some((l) => l.includes(what));
  return [
    `/** asm.js: the loops of the conv (${c.liveTaps.length} live taps, blocks of ${count(pixels, "pixel")} × ${BLOCK} out channels) over one heap; loops() takes byte offsets. */`,
    `function ${name}(stdlib, foreign, heap) {`,
    `  "use asm";`,
    `  var F64 = new stdlib.Float64Array(heap);`,
    `  var F32 = new stdlib.Float32Array(heap);`,
    ...(uses("imul(") ? [`  var imul = stdlib.Math.imul;`] : []),
    ...(uses("min(") ? [`  var min = stdlib.Math.min;`, `  var max = stdlib.Math.max;`] : []),
    ...(uses("+exp(") ? [`  var exp = foreign.exp;`] : []),
    ...(uses("+expm1(") ? [`  var expm1 = foreign.expm1;`] : []),
    ...(uses("+tanh(") ? [`  var tanh = foreign.tanh;`] : []),
    `  function loops(y, xp, kp, bias, batch) {`,
    `    y = y | 0;`,
    `    xp = xp | 0;`,
    `    kp = kp | 0;`,
    `    bias = bias | 0;`,
    `    batch = batch | 0;`,
    `    var n = 0, oy = 0, ox = 0, at = 0, out = 0, q = 0, kq = 0, xi = 0, ki = 0, end = 0, yo = 0, bo = 0;`,
    `    var ${doubles.map((d) => `${d} = 0.0`).join(", ")};`,
    ...body.map((l) => `    ${l}`),
    `  }`,
    `  return { loops: loops };`,
    `}`,
  ];
}
