// Seeded randomness for tests: a small PRNG and random feeds for a graph's inputs and params.
import type { Graph } from "../../src/ir/node.js";
import type { TensorMap } from "../../src/ir/interpret.js";
import { seededRandom } from "../../src/io/init.js";

/** The seeded PRNG mconv's --init uses: the same seed gives the same stream everywhere. */
export const rng = seededRandom;

export function randInt(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/** Values in [-1, 1), rounded to float32 so every backend sees the same numbers. */
export function randomData(r: () => number, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

/** Random tensors for every input and param of a graph (0 outside an input's declared support); symbolic dimensions take the sizes in `symbols`. */
export function randomFeeds(graph: Graph, seed: number, symbols: Record<string, number> = {}): { inputs: TensorMap; params: TensorMap } {
  const r = rng(seed);
  const inputs: Record<string, { shape: number[]; data: Float32Array }> = {};
  const params: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const n of graph.nodes) {
    if (n.op !== "input" && n.op !== "param") continue;
    const shape = n.attrs.shape.map((d) => (typeof d === "number" ? d : (symbols[d] ?? 2)));
    const t = { shape, data: randomData(r, shape.reduce((a, b) => a * b, 1)) };
    // An input with a declared support must be fed zeros outside it (a feed that is not is an error).
    const support = n.op === "input" ? n.attrs.support : undefined;
    if (support) t.data.forEach((_, i) => support[i] === 0 && (t.data[i] = 0));
    (n.op === "input" ? inputs : params)[n.name] = t;
  }
  return { inputs, params };
}

/** The largest difference between two runs relative to the magnitude of the expected values (at least 1). */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / scale);
  return Number.isNaN(worst) ? Infinity : worst;
}
