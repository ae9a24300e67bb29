// `mconv graph`: a model's dataflow as Graphviz dot or a Mermaid flowchart. Layers are drawn, their weights are
// not; a masked conv shows its mask (a small picture of its live taps) and how many taps are live. Every name from
// the model is escaped for the target language (model files are untrusted). Not a layout engine: dot does that.

import type { AnyNode, Graph } from "../ir/node.js";
import { formatShape } from "../ir/types.js";

/** A kernel mask's spatial picture: tap (i, j) is live when any channel pair there is nonzero. */
export interface TapPicture {
  readonly height: number;
  readonly width: number;
  readonly live: readonly boolean[];
}

/** The live taps of a mask constant `[kh, kw, …]` (channel axes folded: live if any value at the tap is nonzero). */
export function tapPicture(shape: readonly number[], data: Float32Array): TapPicture {
  const [height = 1, width = 1] = shape;
  const per = shape.slice(2).reduce((a, b) => a * b, 1);
  const live = Array.from({ length: height * width }, (_, t) => data.subarray(t * per, (t + 1) * per).some((v) => v !== 0));
  return { height, width, live };
}

const LIVE = "▓";
const ZERO = "·";
/** Masks up to this size are drawn in their node; larger ones only counted. */
const DRAWN = 9;

interface Vertex {
  readonly id: string;
  readonly lines: readonly string[];
  readonly kind: "input" | "layer" | "masked" | "output";
}

const HIDDEN = new Set(["param", "constant"]);

function describe(n: AnyNode, byName: ReadonlyMap<string, AnyNode>): { lines: string[]; masked: boolean } {
  const shape = formatShape(n.type.shape);
  if (n.op === "input") return { lines: [`input ${n.name}`, shape], masked: false };
  if (n.op !== "conv2d" && n.op !== "masked_conv2d") return { lines: [`${n.name} = ${n.op}`, shape], masked: false };
  const kernel = byName.get(n.operands[1]!);
  const [kh, kw] = kernel?.type.shape ?? [];
  const lines = [`${n.name} = ${n.op} ${kh}×${kw}`, shape];
  if (n.op === "conv2d") return { lines, masked: false };
  const mask = byName.get(n.operands[2]!);
  if (mask?.op === "constant") {
    const picture = tapPicture(mask.type.shape as number[], mask.attrs.data);
    const count = picture.live.filter(Boolean).length;
    lines.push(`mask ${mask.name}: ${count}/${picture.live.length} taps live`);
    if (picture.height <= DRAWN && picture.width <= DRAWN) {
      for (let i = 0; i < picture.height; i++) {
        lines.push(picture.live.slice(i * picture.width, (i + 1) * picture.width).map((v) => (v ? LIVE : ZERO)).join(" "));
      }
    }
  } else {
    lines.push(`mask ${mask?.name ?? n.operands[2]}: fed at run time`);
  }
  return { lines, masked: true };
}

/** The vertices and edges to draw: inputs, ops and outputs; weights and constants are folded into their users. */
function structure(graph: Graph): { vertices: Vertex[]; edges: [string, string][] } {
  const byName = new Map(graph.nodes.map((n) => [n.name, n] as const));
  const ids = new Map<string, string>();
  const vertices: Vertex[] = [];
  const edges: [string, string][] = [];
  // A dynamic mask is an input too: it gets its vertex and an edge into the masked conv.
  for (const n of graph.nodes) {
    if (HIDDEN.has(n.op)) continue;
    const id = `n${ids.size}`;
    ids.set(n.name, id);
    const d = describe(n, byName);
    vertices.push({ id, lines: d.lines, kind: n.op === "input" ? "input" : d.masked ? "masked" : "layer" });
    for (const operand of new Set(n.operands)) {
      const from = ids.get(operand);
      if (from !== undefined) edges.push([from, id]);
    }
  }
  graph.outputs.forEach((o, k) => {
    const id = `o${k}`;
    vertices.push({ id, lines: [`output ${o.name}`], kind: "output" });
    const from = ids.get(o.value);
    if (from !== undefined) edges.push([from, id]);
  });
  return { vertices, edges };
}

/** Control characters and bidirectional overrides never reach a picture (they could reorder what it shows). */
function visible(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "?");
}

/**
 * A dot double-quoted string of lines: `\` and `"` escaped, so `\N`, `\G` or a closing quote in a name stay
 * literal; the lines joined by dot's `\n`.
 */
export function dotString(...lines: string[]): string {
  return `"${lines.map((l) => visible(l).replace(/\\/g, "\\\\").replace(/"/g, '\\"')).join("\\n")}"`;
}

/** Text inside a Mermaid `["…"]` label: entity codes for the characters Mermaid or HTML would read. */
export function mermaidText(text: string): string {
  const codes: Record<string, string> = { "#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;" };
  return visible(text).replace(/[#"<>&`]/g, (c) => codes[c]!);
}

const DOT_STYLE: Record<Vertex["kind"], string> = {
  input: "shape=box, style=rounded",
  layer: "shape=box",
  masked: 'shape=box, style="filled", fillcolor="#fde3c8"',
  output: "shape=box, style=rounded",
};

export function toDot(graph: Graph): string {
  const { vertices, edges } = structure(graph);
  const lines = [
    `digraph ${dotString(graph.name)} {`,
    `  label=${dotString(`model ${graph.name}`)};`,
    '  node [fontname="monospace"];',
    ...vertices.map((v) => `  ${v.id} [label=${dotString(...v.lines)}, ${DOT_STYLE[v.kind]}];`),
    ...edges.map(([a, b]) => `  ${a} -> ${b};`),
    "}",
  ];
  return lines.join("\n") + "\n";
}

export function toMermaid(graph: Graph): string {
  const { vertices, edges } = structure(graph);
  const shape = (v: Vertex, label: string) => (v.kind === "input" || v.kind === "output" ? `(["${label}"])` : `["${label}"]`);
  const lines = [
    `%% model ${mermaidText(graph.name).replace(/%/g, "#37;")}`,
    "flowchart TD",
    ...vertices.map((v) => `  ${v.id}${shape(v, v.lines.map(mermaidText).join("<br/>"))}`),
    ...edges.map(([a, b]) => `  ${a} --> ${b}`),
    "  classDef masked fill:#fde3c8",
  ];
  const masked = vertices.filter((v) => v.kind === "masked").map((v) => v.id);
  if (masked.length > 0) lines.push(`  class ${masked.join(",")} masked`);
  return lines.join("\n") + "\n";
}
