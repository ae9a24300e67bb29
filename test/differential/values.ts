// The values a differential case runs on: every input and param draws from its own distribution (uniform in a
// range, or 0/1 for binary masks), seeded by the case seed and its name, so that shrinking a graph leaves the
// values of the sources it keeps unchanged. NaN-free by construction.

import type { TensorMap } from "../../src/ir/interpret.js";
import type { Graph } from "../../src/ir/node.js";
import type { Dim } from "../../src/ir/types.js";
import { rng } from "../support/random.js";

/** How a source's values are drawn: uniform in [lo, hi), or 0/1 with a share `zeros` of zeros. */
export type Dist = { readonly kind: "uniform"; readonly lo: number; readonly hi: number } | { readonly kind: "binary"; readonly zeros: number };

export const UNIFORM: Dist = { kind: "uniform", lo: -1, hi: 1 };

/** The distributions of a case's sources, by node name; absent names draw from UNIFORM. */
export type Dists = ReadonlyMap<string, Dist>;

/** `uniform -1 1` or `binary 0.3`: the spelling in regression files (`# values %name: ...`). */
export function formatDist(d: Dist): string {
  return d.kind === "uniform" ? `uniform ${d.lo} ${d.hi}` : `binary ${d.zeros}`;
}

export function parseDist(text: string): Dist | undefined {
  const [kind, ...args] = text.trim().split(/\s+/);
  const nums = args.map(Number);
  if (nums.some((n) => !Number.isFinite(n))) return undefined;
  if (kind === "uniform" && nums.length === 2) return { kind, lo: nums[0]!, hi: nums[1]! };
  if (kind === "binary" && nums.length === 1) return { kind, zeros: nums[0]! };
  return undefined;
}

/** FNV-1a of a name: a per-source stream that does not depend on the other sources. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** `n` values of a distribution, rounded to float32. */
export function drawValues(r: () => number, d: Dist, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => (d.kind === "uniform" ? d.lo + (d.hi - d.lo) * r() : r() < d.zeros ? 0 : 1));
}

function draw(name: string, shape: readonly number[], d: Dist, seed: number): { shape: number[]; data: Float32Array } {
  const r = rng((nameHash(name) ^ Math.imul(seed + 1, 0x9e3779b1)) >>> 0);
  return { shape: [...shape], data: drawValues(r, d, shape.reduce((a, b) => a * b, 1)) };
}

/** The symbolic sizes of a graph's inputs. */
export function symbolsOf(graph: Graph): string[] {
  const seen = new Set<string>();
  for (const n of graph.nodes) if (n.op === "input") for (const d of n.attrs.shape) if (typeof d === "string") seen.add(d);
  return [...seen];
}

function concrete(shape: readonly Dim[], sizes: ReadonlyMap<string, number>): number[] {
  return shape.map((d) => (typeof d === "number" ? d : sizes.get(d)!));
}

/** The weights of every param. */
export function weightsFor(graph: Graph, dists: Dists, seed: number): TensorMap {
  const out: Record<string, { shape: number[]; data: Float32Array }> = Object.create(null);
  for (const n of graph.nodes) {
    if (n.op === "param") out[n.name] = draw(n.name, n.attrs.shape as number[], dists.get(n.name) ?? UNIFORM, seed);
  }
  return out;
}

/**
 * Feeds of every input: with symbolic sizes, a call with them 1, two with them 3 (a repeated size exercises buffer
 * reuse) and one with them 0 (an empty batch: shapes of size 0 are valid feeds); without, two calls.
 */
export function feedsFor(graph: Graph, dists: Dists, seed: number): TensorMap[] {
  const symbols = symbolsOf(graph);
  // The first symbol (the batch) takes these sizes call by call; any other its own, never 0.
  const calls = symbols.length > 0 ? [[1, 3, 3, 0], [2, 1, 1, 3]] : [[1, 1]];
  return calls[0]!.map((_, call) => {
    const sizes = new Map(symbols.map((s, i) => [s, calls[Math.min(i, 1)]![call]!]));
    const out: Record<string, { shape: number[]; data: Float32Array }> = Object.create(null);
    for (const n of graph.nodes) {
      if (n.op !== "input") continue;
      const t = draw(n.name, concrete(n.attrs.shape, sizes), dists.get(n.name) ?? UNIFORM, seed + 1000 * (call + 1));
      // A declared support: the feed is 0 outside it (a nonzero there is an error).
      const support = n.attrs.support;
      if (support) t.data.forEach((_, i) => support[i] === 0 && (t.data[i] = 0));
      out[n.name] = t;
    }
    return out;
  });
}
