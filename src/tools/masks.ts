// `mconv masks`: the static masks of a model as pictures. A kernel mask [kh, kw, in, out] is shown per channel
// group — channels whose taps follow the same pattern are one group (PixelCNN's R, G, B thirds) — as a grid of
// ▓ (live) and · (zero). Activation masks (apply_mask) too. Not for dynamic masks: their values come with each call.

import type { AnyNode, Graph } from "../ir/node.js";

export const LIVE = "▓";
export const ZERO = "·";

/** One picture: `height × width` cells, row-major, true where live. */
export interface Grid {
  readonly height: number;
  readonly width: number;
  readonly live: readonly boolean[];
}

/** A picture of the taps shared by a group of input channels and a group of output channels. */
export interface Panel {
  readonly inputs: string;
  readonly outputs: string;
  readonly grid: Grid;
}

export interface MaskView {
  readonly name: string;
  readonly shape: readonly number[];
  /** What the mask does, in the model's words: `kernel mask of stem.conv`. */
  readonly role: string;
  /** Taps (height × width positions) live for some channel pair, of all taps. */
  readonly liveTaps: number;
  readonly taps: number;
  /** Input groups (rows) × output groups (columns); one panel when the mask has no channel axes. */
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  readonly panels: readonly Panel[];
  /** Set when there are too many channel groups to draw: the panel is then every channel pair folded. */
  readonly folded?: string;
}

/** More groups than this along an axis are not drawn one by one. */
const MAX_GROUPS = 8;

/** `0–15`, `0, 3, …, 45`, or a short list: the channels of a group. */
export function channelList(cs: readonly number[]): string {
  if (cs.length === 1) return String(cs[0]);
  const step = cs[1]! - cs[0]!;
  if (cs.every((c, i) => c === cs[0]! + i * step)) {
    if (step === 1) return `${cs[0]}–${cs[cs.length - 1]}`;
    return cs.length <= 3 ? cs.join(", ") : `${cs[0]}, ${cs[1]}, …, ${cs[cs.length - 1]}`;
  }
  return cs.length <= 6 ? cs.join(", ") : `${cs.slice(0, 5).join(", ")}, … (${cs.length} channels)`;
}

/** Channels grouped by a signature, in order of first appearance. */
function groups(n: number, signature: (c: number) => string): number[][] {
  const bySig = new Map<string, number[]>();
  for (let c = 0; c < n; c++) {
    const s = signature(c);
    const g = bySig.get(s);
    if (g) g.push(c);
    else bySig.set(s, [c]);
  }
  return [...bySig.values()];
}

/** The pictures of a mask `[h, w]`, `[h, w, in]` or `[h, w, in, out]` (nonzero is live). */
export function maskView(name: string, role: string, shape: readonly number[], data: Float32Array): MaskView {
  if (shape.length === 1) {
    // A per-channel activation mask [c]: one row of channels.
    const grid = { height: 1, width: shape[0]!, live: [...data].map((v) => v !== 0) };
    const live = grid.live.filter(Boolean).length;
    return { name, role, shape, liveTaps: live, taps: grid.width, rows: [""], columns: [""], panels: [{ inputs: "", outputs: "", grid }] };
  }
  const [h, w, ci = 1, co = 1] = shape;
  const taps = h! * w!;
  const at = (t: number, c: number, o: number) => data[(t * ci + c) * co + o]! !== 0;
  const pattern = (c: number, o: number) => Array.from({ length: taps }, (_, t) => (at(t, c, o) ? "1" : "0")).join("");
  const ins = groups(ci, (c) => Array.from({ length: co }, (_, o) => pattern(c, o)).join("|"));
  const outs = groups(co, (o) => Array.from({ length: ci }, (_, c) => pattern(c, o)).join("|"));
  const folded: boolean[] = Array.from({ length: taps }, (_, t) => {
    for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++) if (at(t, c, o)) return true;
    return false;
  });
  const liveTaps = folded.filter(Boolean).length;
  const base = { name, role, shape, liveTaps, taps };
  const grid = (live: readonly boolean[]): Grid => ({ height: h!, width: w!, live });
  if (ins.length > MAX_GROUPS || outs.length > MAX_GROUPS) {
    const why = `${ins.length} input and ${outs.length} output channel groups; a tap is shown live when any channel pair is`;
    return { ...base, rows: ["all"], columns: ["all"], panels: [{ inputs: "all", outputs: "all", grid: grid(folded) }], folded: why };
  }
  const rows = shape.length >= 3 ? ins.map(channelList) : [""];
  const columns = shape.length === 4 ? outs.map(channelList) : [""];
  const panels: Panel[] = [];
  ins.forEach((ig, r) =>
    outs.forEach((og, c) => {
      panels.push({ inputs: rows[r]!, outputs: columns[c]!, grid: grid(Array.from({ length: taps }, (_, t) => at(t, ig[0]!, og[0]!))) });
    }),
  );
  return { ...base, rows, columns, panels };
}

/** Follows reshapes back to a constant. */
function constantBehind(graph: ReadonlyMap<string, AnyNode>, name: string | undefined): Extract<AnyNode, { op: "constant" }> | undefined {
  let n = name === undefined ? undefined : graph.get(name);
  while (n?.op === "reshape") n = graph.get(n.operands[0]!);
  return n?.op === "constant" ? n : undefined;
}

/**
 * The static masks of a graph as written (before the passes): the mask operand of every masked_conv2d, and the
 * constants of two values or more that multiply activations (apply_mask). Each once, with every use.
 */
export function masksOf(graph: Graph): MaskView[] {
  const byName = new Map(graph.nodes.map((n) => [n.name, n] as const));
  const uses = new Map<string, string[]>();
  const use = (c: AnyNode | undefined, role: string) => {
    if (!c) return;
    const list = uses.get(c.name) ?? [];
    list.push(role);
    uses.set(c.name, list);
  };
  for (const n of graph.nodes) {
    if (n.op === "masked_conv2d") use(constantBehind(byName, n.operands[2]), `kernel mask of ${n.name}`);
    if (n.op === "mul") {
      for (const o of n.operands) {
        const c = constantBehind(byName, o);
        if (c && c.attrs.data.length > 1 && o !== c.name) use(c, `applied to the activations in ${n.name}`);
      }
    }
  }
  return [...uses].map(([name, roles]) => {
    const c = byName.get(name) as Extract<AnyNode, { op: "constant" }>;
    const role = roles.length <= 3 ? roles.join("; ") : `${roles.slice(0, 2).join("; ")}; and ${roles.length - 2} more`;
    return maskView(name, role, c.type.shape as number[], c.attrs.data);
  });
}

function gridLines(g: Grid): string[] {
  return Array.from({ length: g.height }, (_, i) => g.live.slice(i * g.width, (i + 1) * g.width).map((v) => (v ? LIVE : ZERO)).join(" "));
}

/** A mask as terminal art: a heading, then its panels in a table, input groups down and output groups across. */
export function formatMask(m: MaskView): string {
  const head = `${m.name} [${m.shape.join(", ")}]: ${m.role}; ${m.liveTaps} of ${m.taps} ${m.shape.length === 1 ? "channels" : "taps"} live`;
  const lines = [head];
  if (m.folded) lines.push(`  (${m.folded})`);
  const grouped = m.rows.length > 1 || m.columns.length > 1 || m.shape.length >= 3;
  const width = Math.max(...m.panels.map((p) => p.grid.width * 2 - 1));
  const label = Math.max(...m.rows.map((r) => r.length), grouped ? "in \\ out".length : 0);
  const cell = (text: string) => text.padEnd(Math.max(width, ...m.columns.map((c) => c.length)));
  if (grouped) lines.push(`  ${"in \\ out".padEnd(label)}  ${m.columns.map(cell).join("   ")}`.trimEnd());
  m.rows.forEach((row, r) => {
    const pictures = m.columns.map((_, c) => gridLines(m.panels[r * m.columns.length + c]!.grid));
    for (let i = 0; i < pictures[0]!.length; i++) {
      const lead = grouped ? `${(i === 0 ? row : "").padEnd(label)}  ` : "";
      lines.push(`  ${lead}${pictures.map((p) => cell(p[i]!)).join("   ")}`.trimEnd());
    }
    if (r < m.rows.length - 1) lines.push("");
  });
  return lines.join("\n") + "\n";
}
