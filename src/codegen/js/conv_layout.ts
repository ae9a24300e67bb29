// How the js conv kernel walks a conv's channels and where it finds their weights: the kernel's live taps are
// repacked once (in load() for a load-time kernel, per call for a fed one, a run-time mask applied on the way) into
// a Float64Array laid out run by run, group by group, block of output channels by block, as
// `[live tap][in channel][channel of the block]`, the order the inner loop reads. Not the loop nest (conv.ts).

import type { ConvPlan, GroupRun, Tap } from "../lower.js";
import { count, product, sum } from "./expr.js";

/** Output channels are computed in blocks of up to this many accumulators per output pixel. */
export const BLOCK = 4;

/**
 * One run of groups sharing their live taps, as the kernel walks it.
 * - `per-group`: each group on its own, its out channels in blocks of BLOCK, every channel of a block reading the
 *   group's in channels (the usual case).
 * - `span`: depthwise with 1 or 2 out channels per group (a multiplier dividing BLOCK): blocks of BLOCK out channels
 *   run across groups, channel b of a block reading in channel `first + floor(b / per)`; so depthwise convs still
 *   get BLOCK accumulators per pixel.
 */
export interface RunLayout {
  readonly run: GroupRun;
  readonly mode: "per-group" | "span";
  /** Where the run's weights start in the packed array. */
  readonly base: number;
  /** Channels a block spans: `per` for per-group runs, `(to - from) · per` for span runs. */
  readonly width: number;
}

export interface ConvLayout {
  readonly runs: readonly RunLayout[];
  /** Elements of the packed array. */
  readonly size: number;
  /** In channels per group, out channels per group. */
  readonly kin: number;
  readonly per: number;
}

/** What convs alike (the same loop key, conv.ts) share: their weights' layout and, by mask shape, their packing code. */
export interface ConvsAlike {
  readonly layout: ConvLayout;
  /** Lines split at the stand-ins for their names (conv.ts). */
  readonly packing: Map<string, { readonly tables: readonly (readonly string[])[]; readonly lines: readonly (readonly string[])[] }>;
}

/** The height and width of a conv's padded input: the input with the conv's pads around it. */
export function paddedSize(c: ConvPlan): [number, number] {
  const [pt, pb, pl, pr] = c.pads;
  return [c.inSize[0] + pt + pb, c.inSize[1] + pl + pr];
}

/** The packed layout of a conv's weights. */
export function convLayout(c: ConvPlan): ConvLayout {
  const kin = c.inChannels / c.groups;
  const per = c.outChannels / c.groups;
  const narrow = kin === 1 && per < BLOCK && BLOCK % per === 0;
  let base = 0;
  // A run's taps are those of its groups; c.liveTaps (the union) has the last word, so that whatever narrows the
  // live taps of a conv (a declared support of a fed mask, say) narrows every run too.
  const live = new Set(c.liveTaps.map(([i, j]) => `${i},${j}`));
  const groupRuns = c.groupRuns.map((run) => ({ ...run, taps: run.taps.filter(([i, j]) => live.has(`${i},${j}`)) }));
  const runs = groupRuns.map((run): RunLayout => {
    const groups = run.to - run.from;
    const span = narrow && groups > 1;
    const r: RunLayout = { run, mode: span ? "span" : "per-group", base, width: span ? groups * per : per };
    base += groups * per * run.taps.length * kin;
    return r;
  });
  return { runs, size: base, kin, per };
}

/** The weights one block reads: `taps.length · kin · width` values from `at` on, `[tap][in][channel of block]`. */
export function blockSize(taps: readonly Tap[], kin: number, width: number): number {
  return taps.length * kin * width;
}

/**
 * Lines that fill `packed` from the HWIO kernel `k` (times the mask `m` broadcast left-aligned, when given), one
 * loop nest per run over its live taps only: dead taps are never read, so a zero tap of the mask times an infinite
 * weight counts as zero there (the documented rule of taps.ts), as everywhere else in the kernel.
 */
export function packLines(
  c: ConvPlan,
  layout: ConvLayout,
  packed: string,
  k: string,
  mask?: { id: string; shape: readonly number[] },
): { tables: string[]; lines: string[] } {
  const [, kw] = c.kernelSize;
  const { kin, per } = layout;
  const o = c.outChannels;
  const [, , mi, mo] = (mask?.shape ?? [1, 1, 1, 1]) as [number, number, number, number];
  const lines = [
    `// ${packed}: the live taps of ${k}${mask ? ` times ${mask.id} (read as [${mask.shape.join(", ")}])` : ""}, packed as [run][group][block of ${BLOCK} out channels][live tap][in channel][channel of the block]`,
  ];
  // The live taps of each run as kh · kw indices, a table made once in load(): packing per call allocates nothing.
  const tables: string[] = [];
  layout.runs.forEach((r, index) => {
    const { run } = r;
    const t = run.taps.length;
    if (t === 0) return;
    const table = `${packed}Taps${layout.runs.length === 1 ? "" : index}`;
    const groups = run.to - run.from;
    const full = Math.floor(r.width / BLOCK);
    const rest = r.width % BLOCK;
    tables.push(`const ${table} = [${run.taps.map(([i, j]) => i * kw + j).join(", ")}];`);
    // The group: a loop variable, or a number for a run of one group.
    const g = groups === 1 ? run.from : "g";
    const gFrom = groups === 1 ? 0 : `(g - ${run.from})`;
    // q: the channel within the walk of blocks (the group's channel, or the run's in span mode); its block's width.
    const q = r.mode === "span" ? "q" : "co";
    const wb = rest === 0 ? BLOCK : full === 0 ? rest : `(${q} >> 2 < ${full} ? ${BLOCK} : ${rest})`;
    const ci = kin === 1 ? 0 : "ci";
    const outChannel = sum([product([g, per]), "co"]);
    const tapIn = sum([product(["tap", kin]), ci]);
    const mIndex = sum([product(["tap", mi * mo]), mi === 1 ? 0 : product([ci, mo]), mo === 1 ? 0 : outChannel]);
    const value = `${k}[${sum([product([tapIn, o]), outChannel])}]${mask ? ` * ${mask.id}[${mIndex}]` : ""}`;
    const at = sum([
      r.base,
      r.mode === "span" ? 0 : product([gFrom, t * kin * per]),
      product([`${q} >> 2`, BLOCK * t * kin]),
      product([sum([product(["t", kin]), ci]), wb]),
      `(${q} & 3)`,
    ]);
    const loops = [
      ...(groups === 1 ? [] : [`for (let g = ${run.from}; g < ${run.to}; g++) {`]),
      ...(kin === 1 ? [] : [`for (let ci = 0; ci < ${kin}; ci++) {`]),
      `for (let co = 0; co < ${per}; co++) {`,
    ];
    const body = [...(r.mode === "span" ? [`const q = ${sum([product([gFrom, per]), "co"])};`] : []), `${packed}[${at}] = ${value};`];
    lines.push(
      `// ${groups === 1 ? `group ${run.from}` : `groups ${run.from} to ${run.to - 1}`}: ${count(t, "live tap")}`,
      `for (let t = 0; t < ${t}; t++) {`,
      `  const tap = ${table}[t];`,
      ...loops.map((l, d) => `${"  ".repeat(d + 1)}${l}`),
      ...body.map((l) => `${"  ".repeat(loops.length + 1)}${l}`),
      ...loops.map((_, d) => `${"  ".repeat(loops.length - d)}}`),
      `}`,
    );
  });
  return { tables, lines };
}
