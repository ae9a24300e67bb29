// conv2d and masked_conv2d as register-blocked plain loops: the input copied once per call into a zero-bordered
// Float64Array, the weights of the live taps repacked into the order the inner loop reads (conv_layout.ts), and
// per block of P output pixels × up to 4 output channels, P · 4 local accumulators fed by one unrolled block of code
// per live tap (dead taps emit nothing). Bias and an activation may be fused into the store. A conv of one group
// runs the same loops written as asm.js (asm.ts) through the convRun helper, these kept for heaps past its size.
// With fast math, the Winograd loops of winograd.ts where they pay, these loops kept for inputs or weights that are
// not finite. Not for the choice of which taps are live (taps.ts, lower.ts).
// Measured (CPU time, interleaved, on the three convs of REFERENCES.md): 3 pixels × 4 channels; 2, 4 or 5 pixels
// within 5%; float32 buffers no faster than float64; each channel block over a whole image (weights kept hot)
// no faster, and 19% slower for the 7×7 first layer. The same loops inline in run() (optimized by on-stack
// replacement, arrays in closure slots) ran 2–4× slower than in their own function (sequential runs, not interleaved).

import type { Emitted, Emitter } from "../emitter.js";
import { jsIdentifier } from "../escape.js";
import { productExpr } from "../literals.js";
import type { ConvPlan, PlannedValue, Tap } from "../lower.js";
import type { JsContext } from "./context.js";
import { BLOCK, type ConvLayout, type ConvsAlike, type RunLayout, convLayout, packLines, paddedSize } from "./conv_layout.js";
import { type FusedActivation, activationExpr } from "./epilogue.js";
import { count, sum, times } from "./expr.js";
import { scratchSizes, winogradFunction, winogradKernelFunction, winogradPlan } from "./winograd.js";
import { asmConvModule, asmFits } from "./asm.js";

/** Accumulators per block at most: 3 pixels × 4 channels, more pixels when blocks are narrower. */
const ACCUMULATORS = 12;
/** Pixels per block at most (narrow blocks: 1 out channel per group). */
const MAX_PIXELS = 8;

/** The output pixels a block computes: as many as keep `ACCUMULATORS` busy for the widest block, within the row. */
export function pixelBlock(c: ConvPlan, layout: ConvLayout): number {
  const widest = Math.max(1, ...layout.runs.map((r) => Math.min(BLOCK, r.width)));
  return Math.max(1, Math.min(c.outSize[1], MAX_PIXELS, Math.floor(ACCUMULATORS / widest)));
}

/** What one block of channels reads and writes; expressions are terms of sums (names and numbers). */
interface Block {
  /** The block's first in channel, relative to `at` (the window's top-left in the padded input). */
  readonly xAt: readonly (string | number)[];
  /** The block's first out channel. */
  readonly co: readonly (string | number)[];
  /** Where its weights start in the packed array. */
  readonly kAt: readonly (string | number)[];
  readonly width: number;
  readonly taps: readonly Tap[];
  /** Span runs: out channel b of the block reads in channel `xAt + floor(b / per)`; else all read from `xAt`. */
  readonly spanPer?: number;
}

/** Names the kernel's arrays and geometry for the code of one block. */
interface Kernel {
  readonly c: ConvPlan;
  readonly layout: ConvLayout;
  /** The padded input, the packed weights, the output. */
  readonly xp: string;
  readonly kp: string;
  readonly y: string;
  /** Width of the padded input. */
  readonly wp: number;
  readonly bias?: string;
  readonly activation: FusedActivation;
}

const acc = (p: number, b: number) => `a${p}_${b}`;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** One block: P · width accumulators, the live taps, the epilogue. */
function blockLines(k: Kernel, pixels: number, blk: Block): string[] {
  const { c } = k;
  const [dh, dw] = c.dilations;
  const ch = c.inChannels;
  const kin = k.layout.kin;
  const step = c.strides[1] * ch;
  const w = blk.width;
  // Which x value out channel b reads: one per pixel, or in span runs one per in channel of the block.
  const xOf = (b: number) => (blk.spanPer === undefined ? 0 : Math.floor(b / blk.spanPer));
  const xs = range(xOf(w - 1) + 1);
  const lines = [`let ${range(pixels).flatMap((p) => range(w).map((b) => `${acc(p, b)} = 0`)).join(", ")};`];
  // One in channel per group (unrolled taps): neighbouring taps read the same inputs for neighbouring pixels; each
  // input is loaded once per block, when a tap first needs it (measured 8–9% faster on the 7×7 first layer).
  const loaded = new Set<number>();
  blk.taps.forEach(([i, j], t) => {
    const xOff = (i * dh * k.wp + j * dw) * ch;
    const kOff = t * kin * w;
    lines.push(`// tap (${i}, ${j})`);
    if (kin === 1) {
      const offsets = range(pixels).map((p) => xs.map((d) => xOff + p * step + d));
      const fresh = [...new Set(offsets.flat())].filter((o) => !loaded.has(o));
      fresh.forEach((o) => loaded.add(o));
      if (fresh.length > 0) lines.push(`const ${fresh.map((o) => `x${o} = ${k.xp}[${sum([...blk.xAt, o])}]`).join(", ")};`);
      lines.push(
        "{",
        `  const ${range(w).map((b) => `w${b} = ${k.kp}[${sum([...blk.kAt, kOff, b])}]`).join(", ")};`,
        ...range(pixels).map((p) => `  ${range(w).map((b) => `${acc(p, b)} += x${offsets[p]![xOf(b)]} * w${b};`).join(" ")}`),
        "}",
      );
    } else {
      lines.push(
        `for (let xi = ${sum([...blk.xAt, xOff])}, ki = ${sum([...blk.kAt, kOff])}, end = xi + ${kin}; xi < end; xi++, ki += ${w}) {`,
        `  const ${range(pixels).flatMap((p) => xs.map((d) => `x${p}_${d} = ${k.xp}[${sum(["xi", p * step + d])}]`)).join(", ")};`,
        `  const ${range(w).map((b) => `w${b} = ${k.kp}[ki${b === 0 ? "" : ` + ${b}`}]`).join(", ")};`,
        ...range(pixels).map((p) => `  ${range(w).map((b) => `${acc(p, b)} += x${p}_${xOf(b)} * w${b};`).join(" ")}`),
        "}",
      );
    }
  });
  // The epilogue: bias, activation, store.
  for (let b = 0; b < w; b++) {
    const o = sum([...blk.co, b]);
    if (k.bias) lines.push(`const b${b} = ${k.bias}[${o}];`);
    for (let p = 0; p < pixels; p++) {
      if (k.bias) lines.push(`${acc(p, b)} += b${b};`);
      lines.push(`${k.y}[${sum(["out", p * c.outChannels, o])}] = ${activationExpr(k.activation, acc(p, b))};`);
    }
  }
  return lines;
}

const scoped = (lines: string[]) => ["{", ...lines.map((l) => `  ${l}`), "}"];
const nested = (head: string, lines: string[]) => [head, ...lines.map((l) => `  ${l}`), "}"];

/**
 * The blocks over `width` channels from `co` on, weights from `kAt` on: a loop over the full blocks of BLOCK, then
 * the rest. `xAt(q)` gives the in channel terms of the block starting at channel q of the run (a name or number).
 */
function blockRun(k: Kernel, body: (blk: Block) => string[], r: RunLayout, at: { co: (string | number)[]; kAt: (string | number)[]; xAt: (q: string | number) => (string | number)[] }): string[] {
  const { taps } = r.run;
  const kin = k.layout.kin;
  const full = Math.floor(r.width / BLOCK);
  const rest = r.width % BLOCK;
  const spanPer = r.mode === "span" ? k.layout.per : undefined;
  const stride = BLOCK * taps.length * kin;
  const out: string[][] = [];
  const make = (q: string | number, width: number, kq: (string | number)[]) =>
    body({ xAt: at.xAt(q), co: [...at.co, q], kAt: [...at.kAt, ...kq], width, taps, ...(spanPer ? { spanPer } : {}) });
  if (full > 1) out.push(nested(`for (let q = 0, kq = 0; q < ${full * BLOCK}; q += ${BLOCK}, kq += ${stride}) {`, make("q", BLOCK, ["kq"])));
  else if (full === 1) out.push(scoped(make(0, BLOCK, [0])));
  if (rest > 0) out.push(scoped(make(full * BLOCK, rest, [full * stride])));
  return out.flat();
}

/** The channel blocks of one block of output pixels, run by run of groups. */
function channelLines(k: Kernel, body: (blk: Block) => string[]): string[] {
  const { c, layout } = k;
  const { kin, per } = layout;
  return layout.runs.flatMap((r) => {
    const { run } = r;
    const groups = run.to - run.from;
    const taps = count(run.taps.length, "live tap");
    const label = c.groups === 1 ? taps : groups === 1 ? `group ${run.from}: ${taps}` : `groups ${run.from} to ${run.to - 1}: ${taps}`;
    if (r.mode === "span") {
      // In channel of out channel from · per + q: from + q / per (span runs have 1 in channel per group).
      const xAt = (q: string | number) => (typeof q === "number" ? ["at", run.from + q / per] : ["at", run.from, per === 1 ? q : `(${q} >> 1)`]);
      return [`// ${label}, ${per} out channel${per === 1 ? "" : "s"} each, in blocks across groups`, ...blockRun(k, body, r, { co: [run.from * per], kAt: [r.base], xAt })];
    }
    const perGroup = run.taps.length * kin * per;
    if (groups === 1) {
      const xAt = () => ["at", run.from * kin];
      return [`// ${label}`, ...blockRun(k, body, r, { co: [run.from * per], kAt: [r.base], xAt })];
    }
    return [
      `// ${label}`,
      ...nested(`for (let g = ${run.from}, xg = ${run.from * kin}, og = ${run.from * per}, kg = ${r.base}; g < ${run.to}; g++, xg += ${kin}, og += ${per}, kg += ${perGroup}) {`, blockRun(k, body, r, { co: ["og"], kAt: ["kg"], xAt: () => ["at", "xg"] })),
    ];
  });
}

/** Copies x into the zero-bordered float64 buffer `xp` (borders are never written, so they stay zero). */
function padLines(c: ConvPlan, x: string, xp: string, n: string): string[] {
  const [pt, pb, pl, pr] = c.pads;
  const [h, w] = c.inSize;
  const ch = c.inChannels;
  const [hp, wp] = paddedSize(c);
  return [
    `// the input in double, with zeros around it: ${count(pt, "row")} above, ${pb} below, ${count(pl, "column")} left, ${pr} right`,
    `for (let n = 0; n < ${n}; n++) {`,
    `  for (let row = 0; row < ${h}; row++) {`,
    `    const from = ${times(`n * ${h} + row`, w * ch)};`,
    `    ${xp}.set(${x}.subarray(from, from + ${w * ch}), ${times(sum([`(n * ${hp} + ${sum(["row", pt])}) * ${wp}`, pl]), ch)});`,
    `  }`,
    `}`,
  ];
}

/** packLines's names as stand-ins: `\0` + the name's index + `\0`; no name or number holds a `\0`. */
const STAND_INS = ["\u00000\u0000", "\u00001\u0000", "\u00002\u0000"] as const;

/**
 * packLines for this conv: made once per mask shape for convs alike with stand-in names, each line split at them,
 * then the names filled in. packLines uses the names only as whole words of its text, so this is the very text it
 * would write.
 */
function packedLines(
  alike: ConvsAlike,
  c: ConvPlan,
  layout: ConvLayout,
  names: { packed: string; kernel: string; mask: { id: string; shape: readonly number[] } | undefined },
): { tables: string[]; lines: string[] } {
  const key = names.mask === undefined ? "" : names.mask.shape.join(",");
  let template = alike.packing.get(key);
  if (template === undefined) {
    const [p, k, m] = STAND_INS;
    const made = packLines(c, layout, p, k, names.mask && { id: m, shape: names.mask.shape });
    const split = (line: string) => line.split("\u0000");
    template = { tables: made.tables.map(split), lines: made.lines.map(split) };
    alike.packing.set(key, template);
  }
  const values = [names.packed, names.kernel, names.mask?.id ?? ""];
  // Split lines alternate text and a stand-in's index: text, index, text, …
  const fill = (parts: readonly string[]) => {
    let line = parts[0]!;
    for (let i = 1; i < parts.length; i += 2) line += values[Number(parts[i])]! + parts[i + 1]!;
    return line;
  };
  return { tables: template.tables.map(fill), lines: template.lines.map(fill) };
}

/** The operands of a conv by IR name: input, kernel, mask (masked_conv2d), bias (fused). */
export interface ConvOperands {
  readonly x: string;
  readonly kernel: string;
  readonly mask?: string;
  readonly bias?: string;
}

/**
 * The js code of y = activation(conv2d(x, kernel ⊙ mask) + bias) for `value` (a conv2d, masked_conv2d or a fused
 * conv whose plan `value.conv` is set). `operands` are IR value names (node operands): `mask` for a masked conv,
 * `bias` a vector of out-channel length added before `activation` (linear by default), both in the store.
 * Kernel and mask known at load time are repacked once in load(); otherwise on every call, before the loops.
 * The result is written into the value's buffer (ctx.alloc: fresh when returned to the caller, else reused).
 */
export function convCode(value: PlannedValue, ctx: JsContext, operands: ConvOperands, activation: FusedActivation = { kind: "linear" }): Emitted {
  const planned = value.conv!;
  // With fast math, where Winograd does fewer operations (winograd.ts), the input is padded further down and right
  // so that whole tiles read inside it; the direct loops, kept for inputs or weights that are not finite, read the
  // same buffer.
  const wino = ctx.fastMath ? winogradPlan(planned, planned.liveTaps) : undefined;
  const c: ConvPlan = wino ? { ...planned, pads: [planned.pads[0], planned.pads[1] + wino.extraH, planned.pads[2], planned.pads[3] + wino.extraW] } : planned;
  // The loops depend on the conv's geometry, live taps, bias and activation only: convs alike share one function
  // (declared in load() with the first of them; function declarations hoist, so later convs call it by name), and
  // the layout and packing code of the first, made once (a deep chain has thousands of convs alike).
  const bias = operands.bias === undefined ? undefined : ctx.ref(operands.bias);
  const loopKey = JSON.stringify([c.inSize, c.inChannels, c.outChannels, c.groups, c.kernelSize, c.outSize, c.pads, c.strides, c.dilations, c.liveTaps, c.groupRuns, activation, bias !== undefined]);
  let alike = ctx.convsAlike.get(loopKey);
  if (alike === undefined) ctx.convsAlike.set(loopKey, (alike = { layout: convLayout(c), packing: new Map() }));
  const layout = alike.layout;
  const [pt, , pl] = c.pads;
  const [h, w] = c.inSize;
  const [hp, wp] = paddedSize(c);
  const [oh, ow] = c.outSize;
  const [sh, sw] = c.strides;
  const [kh, kw] = c.kernelSize;
  const n = ctx.dim(c.batch);
  const x = ctx.ref(operands.x);
  const kernel = ctx.ref(operands.kernel);
  const mask = operands.mask === undefined ? undefined : { id: ctx.ref(operands.mask), shape: c.maskShape! };
  const y = value.id;
  const packed = ctx.scratch64(value, "packed", String(layout.size)).id;
  // The loops live in their own function taking the arrays as arguments: V8 optimizes it as a whole (not by
  // on-stack replacement inside a long run()), and keeps the arrays in registers rather than in closure slots.
  const fn = jsIdentifier(`conv${value.id.slice(1)}`);
  const k: Kernel = { c, layout, xp: "xp", kp: "kp", y: "y", wp, activation, ...(bias ? { bias: "bias" } : {}) };
  const pixels = pixelBlock(c, layout);
  const fullRow = ow - (ow % pixels);
  const o = c.outChannels;
  /** The block of pixels from output column `ox` (a name or number) on: where it reads and writes, its code. */
  const pixelBlockAt = (ox: string | number, inner: string[]) => [
    `const at = ${typeof ox === "number" ? times(sum(["row", ox * sw]), c.inChannels) : times(`row + ${times(ox, sw)}`, c.inChannels)};`,
    `const out = ${typeof ox === "number" ? sum(["rowOut", ox * o]) : sum(["rowOut", times(ox, o)])};`,
    ...inner,
  ];
  /** Blocks of `pixels` along one output row, then the rest of the row. */
  const rowLines = (inner: (pixels: number) => string[]) => [
    `const row = (n * ${hp} + ${times("oy", sh)}) * ${wp};`,
    `const rowOut = ${times(`(n * ${oh} + oy) * ${ow}`, o)};`,
    ...(fullRow > pixels ? nested(`for (let ox = 0; ox < ${fullRow}; ox += ${pixels}) {`, pixelBlockAt("ox", inner(pixels))) : []),
    ...(fullRow === pixels ? scoped(pixelBlockAt(0, inner(pixels))) : []),
    ...(ow % pixels > 0 ? [`// the last ${count(ow % pixels, "pixel")} of the row`, ...scoped(pixelBlockAt(fullRow, inner(ow % pixels)))] : []),
  ];
  // Pixel blocks outermost, all channel blocks of one pixel block in turn (measured: as fast as running each channel
  // block over a whole image, and faster for the 7×7 first layer).
  const shared = ctx.convLoops.get(loopKey);
  if (shared === undefined) {
    const pixelLoop = nested(`for (let n = 0; n < batch; n++) {`, nested(`for (let oy = 0; oy < ${oh}; oy++) {`, rowLines((p) => channelLines(k, (blk) => blockLines(k, p, blk))))).map((l) => `  ${l}`);
    ctx.convLoops.set(loopKey, fn);
    ctx.declare([
      `/** y = ${bias ? `${activation.kind}(conv + bias)` : activation.kind === "linear" ? "conv" : `${activation.kind}(conv)`} for ${y}: xp the padded input in double, kp the packed weights, batch images. */`,
      `function ${fn}(y, xp, kp, bias, batch) {`,
      `  // ${c.liveTaps.length} of ${kh * kw} taps live (structurally zero taps have no code); blocks of ${count(pixels, "pixel")} × ${BLOCK} out channels`,
      ...(c.groups > 1 ? [`  // ${c.groups} groups, each ${count(layout.kin, "input channel")} to ${count(layout.per, "output channel")}`] : []),
      ...pixelLoop,
      "}",
    ]);
  }
  const call = shared ?? fn;
  const { tables, lines: packing } = packedLines(alike, c, layout, { packed, kernel, mask });
  ctx.declare(tables);
  // A kernel (and mask) known at load time is packed once in load(); a fed one on every call.
  const staticWeights = [operands.kernel, ...(operands.mask ? [operands.mask] : [])].every((o) => ctx.plan.value(o).stage === "load");
  const reads = [operands.x, ...(operands.bias ? [operands.bias] : [])];
  const finish = (code: string[]) => (staticWeights ? { setup: packing, code, reads } : { code: [...packing, ...code] });
  if (!wino && asmFits(c, layout, activation)) {
    // The asm.js loops (asm.ts), shared by convs alike like the plain ones, which stay for heaps past asm.js's size.
    let asm = ctx.convLoops.get(`asm ${loopKey}`);
    if (asm === undefined) {
      asm = jsIdentifier(`convAsm${value.id.slice(1)}`);
      ctx.convLoops.set(`asm ${loopKey}`, asm);
      ctx.declare(asmConvModule(asm, c, layout, pixels, bias !== undefined, activation));
    }
    // One heap for every such conv of the model, declared with the first.
    if (!ctx.helpers.has("convRun")) ctx.declare(["/** The asm.js heap the convs share (convRun): the buffer, the conv that ran there last, its input size. */", "const convHeap = { buffer: null, user: null, size: 0 };"]);
    ctx.helpers.add("convRun");
    const state = jsIdentifier(`conv${value.id.slice(1)}State`);
    ctx.declare([`const ${state} = { g: [${[h, w, c.inChannels, pt, pl, hp, wp].join(", ")}], buffer: null, loops: null, kp: null, bias: null, xp: null, y: null, xpad: null };`]);
    return finish([
      `const ${y} = ${ctx.alloc(value)};`,
      ...(shared === undefined ? [] : [`// the loops of ${asm} and ${call}, a conv of the same shape`]),
      `convRun(${state}, convHeap, ${asm}, ${call}, ${y}, ${x}, ${packed}, ${bias ?? "null"}, ${n}, ${!staticWeights});`,
    ]);
  }
  const xpad = ctx.scratch64(value, "xpad", productExpr([n, String(hp * wp * c.inChannels)]));
  const direct = [
    ...(shared === undefined ? [] : [`// the loops of ${call}, a conv of the same shape`]),
    `${call}(${y}, ${xpad.id}, ${packed}, ${bias ?? "null"}, ${n});`,
  ];
  let run = direct;
  if (wino) {
    // The Winograd function is shared by convs alike, the kernel transform by those with the same mask shape, the
    // scratch by every conv of its size (calls run one conv at a time).
    let wfn = ctx.convLoops.get(`winograd ${loopKey}`);
    if (wfn === undefined) {
      wfn = jsIdentifier(`winograd${value.id.slice(1)}`);
      ctx.convLoops.set(`winograd ${loopKey}`, wfn);
      ctx.declare(winogradFunction(wfn, c, wino, bias !== undefined, activation));
    }
    const kernelKey = `winograd kernel ${loopKey} ${mask?.shape.join(",") ?? ""}`;
    let kfn = ctx.convLoops.get(kernelKey);
    if (kfn === undefined) {
      kfn = jsIdentifier(`winogradKernel${value.id.slice(1)}`);
      ctx.convLoops.set(kernelKey, kfn);
      ctx.declare(winogradKernelFunction(kfn, c, wino, c.liveTaps, mask?.shape));
    }
    const u = ctx.scratch64(value, "transformed", String(wino.kernelSize + 1)).id;
    const sizes = scratchSizes(c, wino);
    const v = ctx.shared64("winogradIn", sizes.v);
    const mm = ctx.shared64("winogradOut", sizes.m);
    packing.push(`// ${u}: the same weights in the Winograd domain`, `${kfn}(${u}, ${kernel}${mask ? `, ${mask.id}` : ""});`);
    ctx.helpers.add("finite");
    ctx.usedWinograd = true;
    const [image, padded, out] = [h * w * c.inChannels, hp * wp * c.inChannels, oh * ow * c.outChannels];
    const b = bias ? `${bias}, ` : "";
    // Image by image when some input is not finite, so that an image's numbers never depend on the others' (nor
    // on how threads share the batch out).
    run = [
      `// Winograd unless a weight or an input is not finite (it would spread to a tile's neighbours): then the direct loops`,
      `if (${u}[${wino.kernelSize}] !== 1) {`,
      ...direct.map((l) => `  ${l}`),
      `} else if (finite(${x}, 0, ${productExpr([n, String(image)])})) {`,
      `  ${wfn}(${y}, ${xpad.id}, ${u}, ${v}, ${mm}, ${b}${n});`,
      "} else {",
      `  for (let i = 0; i < ${n}; i++) {`,
      `    const yi = ${y}.subarray(i * ${out}, (i + 1) * ${out});`,
      `    const xi = ${xpad.id}.subarray(i * ${padded}, (i + 1) * ${padded});`,
      `    if (finite(${x}, i * ${image}, (i + 1) * ${image})) ${wfn}(yi, xi, ${u}, ${v}, ${mm}, ${b}1);`,
      `    else ${call}(yi, xi, ${packed}, ${bias ?? "null"}, 1);`,
      "  }",
      "}",
    ];
  }
  return finish([`const ${y} = ${ctx.alloc(value)};`, ...(xpad.ensure ? [xpad.ensure] : []), ...padLines(c, x, xpad.id, n), ...run]);
}

export const emitConv2d: Emitter<"conv2d", JsContext> = (node, value, ctx) => {
  const [x, kernel] = node.operands as [string, string];
  return convCode(value, ctx, { x, kernel });
};

export const emitMaskedConv2d: Emitter<"masked_conv2d", JsContext> = (node, value, ctx) => {
  const [x, kernel, mask] = node.operands as [string, string, string];
  return convCode(value, ctx, { x, kernel, mask });
};
