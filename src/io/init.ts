// Weights generated from a seed, as Keras initializes a fresh layer: kernels glorot_uniform, biases and betas and
// moving means zeros, gammas and moving variances ones. For trying a model without trained weights, and for
// examples and tests that must be reproducible on every machine.

import type { TensorMap } from "../ir/interpret.js";
import type { Graph } from "../ir/node.js";

/** mulberry32: a small, well-mixed 32-bit PRNG; the same seed gives the same numbers everywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type WeightInit = "random" | "zeros";

/** The Keras initializer a parameter gets by its name's last part (`y.kernel` → glorot_uniform). */
export function initializerFor(name: string, rank: number): "glorot_uniform" | "zeros" | "ones" {
  const last = name.slice(name.lastIndexOf(".") + 1);
  if (last === "gamma" || last === "moving_variance") return "ones";
  if (last === "bias" || last === "beta" || last === "moving_mean") return "zeros";
  return rank >= 2 ? "glorot_uniform" : "zeros";
}

/**
 * glorot_uniform's bound sqrt(6 / (fan_in + fan_out)), with Keras' fans: the last two axes are (in, out) and the
 * axes before them the receptive field (a [3,3,16,32] kernel: fan_in 144, fan_out 288).
 */
export function glorotLimit(shape: readonly number[]): number {
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const fanIn = receptive * (shape[shape.length - 2] ?? 1);
  const fanOut = receptive * (shape[shape.length - 1] ?? 1);
  return Math.sqrt(6 / Math.max(fanIn + fanOut, 1));
}

/** Weights for every param of `graph`, in graph order, from `seed` (`zeros` gives ones where Keras has ones). */
export function initWeights(graph: Graph, init: WeightInit, seed: number): TensorMap {
  const next = seededRandom(seed);
  const out: Record<string, { shape: number[]; data: Float32Array }> = Object.create(null);
  for (const node of graph.nodes) {
    if (node.op !== "param") continue;
    const shape = node.attrs.shape as number[];
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    const kind = initializerFor(node.name, shape.length);
    if (kind === "ones") data.fill(1);
    else if (kind === "glorot_uniform" && init === "random") {
      const limit = glorotLimit(shape);
      for (let i = 0; i < data.length; i++) data[i] = (next() * 2 - 1) * limit;
    }
    out[node.name] = { shape, data };
  }
  return out;
}
