// conv2d and masked_conv2d as plain loops over Float32Array: the input padded once per call into a reusable
// buffer, a loop over batch and output pixels, one unrolled block per live kernel tap (dead taps emit nothing),
// output channels in blocks of 4 local accumulators. A run-time mask is applied once per call into a scratch kernel.

import type { ConvPlan, PlannedValue } from "../lower.js";
import { productExpr } from "../literals.js";
import type { Emitter } from "../emitter.js";
import type { JsContext } from "./context.js";

/** `expr * k`, leaving out a factor of 1; `expr` is parenthesized when it is a sum. */
function times(expr: string, k: number): string {
  if (k === 1) return expr;
  return /^[\w.]+$/.test(expr) ? `${expr} * ${k}` : `(${expr}) * ${k}`;
}

/** `3 rows`, `1 row`. */
function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

/** A sum of terms, leaving out zeros. */
function sum(terms: readonly (string | number)[]): string {
  const kept = terms.map(String).filter((t) => t !== "0");
  return kept.length === 0 ? "0" : kept.join(" + ");
}

/** Copies `x` into a zero-bordered buffer; returns the buffer's identifier and the lines. */
function padInput(c: ConvPlan, x: string, value: PlannedValue, ctx: JsContext): { src: string; lines: string[] } {
  const [pt, pb, pl, pr] = c.pads;
  if (pt + pb + pl + pr === 0) return { src: x, lines: [] };
  const [h, w] = c.inSize;
  const ch = c.inChannels;
  const hp = h + pt + pb;
  const wp = w + pl + pr;
  const n = ctx.dim(c.batch);
  const pad = ctx.scratch(value, "pad", productExpr([n, String(hp * wp * ch)]));
  return {
    src: pad.id,
    lines: [
      `// the input with zeros around it: ${count(pt, "row")} above, ${pb} below, ${count(pl, "column")} left, ${pr} right`,
      ...(pad.ensure ? [pad.ensure] : []),
      `for (let n = 0; n < ${n}; n++) {`,
      `  for (let row = 0; row < ${h}; row++) {`,
      `    const from = ${times(`n * ${h} + row`, w * ch)};`,
      `    ${pad.id}.set(${x}.subarray(from, from + ${w * ch}), ${times(sum([`(n * ${hp} + ${sum(["row", pt])}) * ${wp}`, pl]), ch)});`,
      `  }`,
      `}`,
    ],
  };
}

/** Output channels are computed in blocks of up to this many, each channel accumulating in a local double. */
const BLOCK = 4;

/**
 * The tap blocks of one output pixel for `width` output channels from `co` on (an identifier or a number):
 * `at` indexes the window's top-left in the (padded) input, accumulators are a0, a1, ...
 */
function tapBlocks(c: ConvPlan, src: string, k: string, wp: number, width: number, co: string | number): string[] {
  const [, kw] = c.kernelSize;
  const [dh, dw] = c.dilations;
  const ch = c.inChannels;
  const o = c.outChannels;
  const lines: string[] = [];
  for (const [i, j] of c.liveTaps) {
    const xOff = (i * dh * wp + j * dw) * ch;
    const base = (i * kw + j) * ch * o;
    // Where the weights of channel co + b start at in channel 0.
    const kAt = (b: number) => (typeof co === "number" ? String(base + co + b) : sum([base, co, b]));
    lines.push(`// tap (${i}, ${j})`);
    if (ch === 1) {
      lines.push("{", `  const xv = ${src}[${sum(["at", xOff])}];`);
      for (let b = 0; b < width; b++) lines.push(`  a${b} += xv * ${k}[${kAt(b)}];`);
      lines.push("}");
    } else {
      lines.push(`for (let ci = 0, xi = ${sum(["at", xOff])}, ki = ${kAt(0)}; ci < ${ch}; ci++, ki += ${o}) {`, `  const xv = ${src}[xi + ci];`);
      for (let b = 0; b < width; b++) lines.push(`  a${b} += xv * ${k}[${sum(["ki", b])}];`);
      lines.push("}");
    }
  }
  return lines;
}

/** One block of output channels: zeroed accumulators, the live taps, the stores. */
function channelBlock(c: ConvPlan, src: string, k: string, y: string, wp: number, width: number, co: string | number): string[] {
  const accs = Array.from({ length: width }, (_, b) => `a${b} = 0`).join(", ");
  const stores = Array.from({ length: width }, (_, b) => {
    const at = typeof co === "number" ? sum(["out", co + b]) : sum(["out", co, b]);
    return `${y}[${at}] = a${b};`;
  });
  return [`let ${accs};`, ...tapBlocks(c, src, k, wp, width, co), ...stores];
}

/** The blocks of all output channels: a loop over full blocks of BLOCK, then the remaining ones. */
function channelBlocks(c: ConvPlan, src: string, k: string, y: string, wp: number): string[] {
  const o = c.outChannels;
  const full = Math.floor(o / BLOCK);
  const rest = o % BLOCK;
  const blocks: string[][] = [];
  if (full > 1) {
    blocks.push([
      `for (let ob = 0; ob < ${full * BLOCK}; ob += ${BLOCK}) {`,
      ...channelBlock(c, src, k, y, wp, BLOCK, "ob").map((l) => `  ${l}`),
      "}",
    ]);
  } else if (full === 1) {
    blocks.push(channelBlock(c, src, k, y, wp, BLOCK, 0));
  }
  if (rest > 0) blocks.push(channelBlock(c, src, k, y, wp, rest, full * BLOCK));
  if (blocks.length === 1) return blocks[0]!;
  // Several blocks declare the same accumulators: give each its own scope.
  return blocks.flatMap((b) => (b[0]!.startsWith("for") ? b : ["{", ...b.map((l) => `  ${l}`), "}"]));
}

/** y = conv2d(x, k) for the plan `c`, into the value's buffer. */
function convLoops(c: ConvPlan, x: string, k: string, value: PlannedValue, ctx: JsContext): string[] {
  const [pt, pb, pl, pr] = c.pads;
  const [h, w] = c.inSize;
  const hp = h + pt + pb;
  const wp = w + pl + pr;
  const [oh, ow] = c.outSize;
  const [sh, sw] = c.strides;
  const [kh, kw] = c.kernelSize;
  const n = ctx.dim(c.batch);
  const y = value.id;
  const padded = padInput(c, x, value, ctx);
  return [
    `const ${y} = ${ctx.alloc(value)};`,
    ...padded.lines,
    `// ${c.liveTaps.length} of ${kh * kw} taps live (structurally zero taps have no code); out channels in blocks of ${BLOCK}`,
    `for (let n = 0; n < ${n}; n++) {`,
    `  for (let oy = 0; oy < ${oh}; oy++) {`,
    `    const row = (n * ${hp} + ${times("oy", sh)}) * ${wp};`,
    `    for (let ox = 0; ox < ${ow}; ox++) {`,
    `      const at = ${times(`row + ${times("ox", sw)}`, c.inChannels)};`,
    `      const out = ${times(`(n * ${oh} + oy) * ${ow} + ox`, c.outChannels)};`,
    ...channelBlocks(c, padded.src, k, y, wp).map((l) => `      ${l}`),
    `    }`,
    `  }`,
    `}`,
  ];
}

/** kernel * mask into a scratch kernel, the mask broadcast left-aligned; only live taps (the others are never read). */
function maskKernel(c: ConvPlan, kernel: string, k: string, m: string): string[] {
  const [, kw] = c.kernelSize;
  const ch = c.inChannels;
  const o = c.outChannels;
  const [, , mi, mo] = c.maskShape as [number, number, number, number];
  const lines = [`// ${kernel} = ${k} * ${m}, the mask read as [${c.maskShape!.join(", ")}]; dead taps are never read`];
  for (const [i, j] of c.liveTaps) {
    const kOff = (i * kw + j) * ch * o;
    const mIndex = sum([(i * kw + j) * mi * mo, mi === 1 ? 0 : times("ci", mo), mo === 1 ? 0 : "co"]);
    lines.push(
      `// mask tap (${i}, ${j})`,
      `for (let ci = 0; ci < ${ch}; ci++) {`,
      `  for (let co = 0, e = ${sum([kOff, times("ci", o)])}; co < ${o}; co++, e++) ${kernel}[e] = ${k}[e] * ${m}[${mIndex}];`,
      `}`,
    );
  }
  return lines;
}

export const emitConv2d: Emitter<"conv2d", JsContext> = (node, value, ctx) => {
  const [x, k] = node.operands.map((o) => ctx.ref(o)) as [string, string];
  return { code: convLoops(value.conv!, x, k, value, ctx) };
};

export const emitMaskedConv2d: Emitter<"masked_conv2d", JsContext> = (node, value, ctx) => {
  const c = value.conv!;
  const [x, k, m] = node.operands.map((o) => ctx.ref(o)) as [string, string, string];
  const kernel = ctx.scratch(value, "kernel", String(c.kernelSize[0] * c.kernelSize[1] * c.inChannels * c.outChannels)).id;
  const masking = maskKernel(c, kernel, k, m);
  const conv = convLoops(c, x, kernel, value, ctx);
  // A mask known at load time (kernel too) is applied once in load(); a fed one on every call.
  const staticMask = node.operands.slice(1).every((o) => ctx.plan.value(o).stage === "load");
  return staticMask ? { setup: masking, code: conv } : { code: [...masking, ...conv] };
};
