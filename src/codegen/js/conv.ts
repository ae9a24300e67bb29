// conv2d and masked_conv2d as plain loops over Float32Array: the input padded once per call into a reusable
// buffer, a loop over batch and output pixels, one unrolled block per live kernel tap (dead taps emit nothing),
// output channels in blocks of 4 local accumulators, groups in runs that share their live taps. A run-time mask is
// applied once per call into a scratch kernel.

import type { ConvPlan, PlannedValue, Tap } from "../lower.js";
import { productExpr } from "../literals.js";
import type { Emitter } from "../emitter.js";
import type { JsContext } from "./context.js";
import { count, sum, times } from "./expr.js";

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
 * Where one block of a group reads and writes: `xAt` (terms of a sum) indexes the group's first input channel at
 * the window's top-left in the (padded) input; `co` is the block's first output channel (a name, a sum or a number).
 */
interface BlockAt {
  readonly xAt: readonly (string | number)[];
  readonly co: string | number;
  readonly taps: readonly Tap[];
}

/** The tap blocks of one output pixel for `width` output channels from `at.co` on; accumulators are a0, a1, ... */
function tapBlocks(c: ConvPlan, src: string, k: string, wp: number, width: number, at: BlockAt): string[] {
  const [, kw] = c.kernelSize;
  const [dh, dw] = c.dilations;
  const ch = c.inChannels;
  const kin = ch / c.groups;
  const o = c.outChannels;
  const { co } = at;
  const lines: string[] = [];
  for (const [i, j] of at.taps) {
    const xOff = (i * dh * wp + j * dw) * ch;
    const base = (i * kw + j) * kin * o;
    // Where the weights of channel co + b start at in channel 0 (of the group).
    const kAt = (b: number) => (typeof co === "number" ? String(base + co + b) : sum([base, co, b]));
    lines.push(`// tap (${i}, ${j})`);
    if (kin === 1) {
      lines.push("{", `  const xv = ${src}[${sum([...at.xAt, xOff])}];`);
      for (let b = 0; b < width; b++) lines.push(`  a${b} += xv * ${k}[${kAt(b)}];`);
      lines.push("}");
    } else {
      lines.push(`for (let ci = 0, xi = ${sum([...at.xAt, xOff])}, ki = ${kAt(0)}; ci < ${kin}; ci++, ki += ${o}) {`, `  const xv = ${src}[xi + ci];`);
      for (let b = 0; b < width; b++) lines.push(`  a${b} += xv * ${k}[${sum(["ki", b])}];`);
      lines.push("}");
    }
  }
  return lines;
}

/** One block of output channels: zeroed accumulators, the live taps, the stores. */
function channelBlock(c: ConvPlan, src: string, k: string, y: string, wp: number, width: number, at: BlockAt): string[] {
  const accs = Array.from({ length: width }, (_, b) => `a${b} = 0`).join(", ");
  const stores = Array.from({ length: width }, (_, b) => {
    const to = typeof at.co === "number" ? sum(["out", at.co + b]) : sum(["out", at.co, b]);
    return `${y}[${to}] = a${b};`;
  });
  return [`let ${accs};`, ...tapBlocks(c, src, k, wp, width, at), ...stores];
}

/** `first + offset`, a number when both are. */
function plus(first: string | number, offset: number): string | number {
  return typeof first === "number" ? first + offset : sum([first, offset]);
}

/** The blocks of one group's output channels from `at.co` on: a loop over full blocks of BLOCK, then the rest. */
function channelBlocks(c: ConvPlan, src: string, k: string, y: string, wp: number, at: BlockAt): string[] {
  const o = c.outChannels / c.groups;
  const full = Math.floor(o / BLOCK);
  const rest = o % BLOCK;
  const blocks: string[][] = [];
  if (full > 1) {
    blocks.push([
      `for (let ob = 0; ob < ${full * BLOCK}; ob += ${BLOCK}) {`,
      ...channelBlock(c, src, k, y, wp, BLOCK, { ...at, co: sum([at.co, "ob"]) }).map((l) => `  ${l}`),
      "}",
    ]);
  } else if (full === 1) {
    blocks.push(channelBlock(c, src, k, y, wp, BLOCK, at));
  }
  if (rest > 0) blocks.push(channelBlock(c, src, k, y, wp, rest, { ...at, co: plus(at.co, full * BLOCK) }));
  if (blocks.length === 1) return blocks[0]!;
  // Several blocks declare the same accumulators: give each its own scope.
  return blocks.flatMap((b) => (b[0]!.startsWith("for") ? b : ["{", ...b.map((l) => `  ${l}`), "}"]));
}

/**
 * All output channels of one pixel. Without groups, the blocks over all channels; with groups, a loop per run of
 * groups sharing their live taps, where group g reads input channels from g · in/G and writes from g · out/G.
 */
function groupBlocks(c: ConvPlan, src: string, k: string, y: string, wp: number): string[] {
  if (c.groups === 1) return channelBlocks(c, src, k, y, wp, { xAt: ["at"], co: 0, taps: c.liveTaps });
  const kin = c.inChannels / c.groups;
  const per = c.outChannels / c.groups;
  return c.groupRuns.flatMap((run) => {
    const taps = count(run.taps.length, "live tap");
    if (run.to - run.from === 1) {
      // One group: its channel offsets are numbers, folded into the indices.
      const at = { xAt: ["at", run.from * kin], co: run.from * per, taps: run.taps };
      return [`// group ${run.from}: ${taps}`, "{", ...channelBlocks(c, src, k, y, wp, at).map((l) => `  ${l}`), "}"];
    }
    return [
      `// groups ${run.from} to ${run.to - 1}: ${taps}`,
      `for (let g = ${run.from}; g < ${run.to}; g++) {`,
      `  const xg = ${sum(["at", times("g", kin)])};`,
      `  const og = ${times("g", per)};`,
      ...channelBlocks(c, src, k, y, wp, { xAt: ["xg"], co: "og", taps: run.taps }).map((l) => `  ${l}`),
      "}",
    ];
  });
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
    ...(c.groups > 1 ? [`// ${c.groups} groups, each ${count(c.inChannels / c.groups, "input channel")} to ${count(c.outChannels / c.groups, "output channel")}`] : []),
    `for (let n = 0; n < ${n}; n++) {`,
    `  for (let oy = 0; oy < ${oh}; oy++) {`,
    `    const row = (n * ${hp} + ${times("oy", sh)}) * ${wp};`,
    `    for (let ox = 0; ox < ${ow}; ox++) {`,
    `      const at = ${times(`row + ${times("ox", sw)}`, c.inChannels)};`,
    `      const out = ${times(`(n * ${oh} + oy) * ${ow} + ox`, c.outChannels)};`,
    ...groupBlocks(c, padded.src, k, y, wp).map((l) => `      ${l}`),
    `    }`,
    `  }`,
    `}`,
  ];
}

/** kernel * mask into a scratch kernel, the mask broadcast left-aligned; only live taps (the others are never read). */
function maskKernel(c: ConvPlan, kernel: string, k: string, m: string): string[] {
  const [, kw] = c.kernelSize;
  const ch = c.inChannels / c.groups;
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
  const kernel = ctx.scratch(value, "kernel", String(c.kernelSize[0] * c.kernelSize[1] * (c.inChannels / c.groups) * c.outChannels)).id;
  const masking = maskKernel(c, kernel, k, m);
  const conv = convLoops(c, x, kernel, value, ctx);
  // A mask known at load time (kernel too) is applied once in load(); a fed one on every call.
  const staticMask = node.operands.slice(1).every((o) => ctx.plan.value(o).stage === "load");
  return staticMask ? { setup: masking, code: conv } : { code: [...masking, ...conv] };
};
