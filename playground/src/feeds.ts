// Generated tensors for trying a model: weights as Keras initializes new layers (seeded) or ones, inputs seeded
// random in [-1, 1) or ones, symbolic dimensions set by the user. No DOM, so tests regenerate the same tensors.

import type { TensorMap } from "../../src/ir/interpret.js";
import { type Graph, inputsOf } from "../../src/ir/node.js";
import { initWeights, initializerFor, seededRandom } from "../../src/io/init.js";

export type WeightsMode = "random" | "ones";
export type InputsMode = "random" | "ones";

type Mutable = Record<string, { shape: number[]; data: Float32Array }>;

/**
 * "random": glorot_uniform kernels from `seed`, as `mconv run --init random --seed S`. "ones": every kernel 1,
 * the rest as Keras starts it (biases 0, batch-norm gammas and variances 1) — the founding example's weights.
 */
export function makeWeights(graph: Graph, mode: WeightsMode, seed: number): TensorMap {
  if (mode === "random") return initWeights(graph, "random", seed);
  const weights = initWeights(graph, "zeros", seed) as Mutable;
  for (const [name, t] of Object.entries(weights)) {
    if (initializerFor(name, t.shape.length) === "glorot_uniform") t.data.fill(1);
  }
  return weights;
}

/** The symbolic dimensions of the inputs (`N` in `f32[N, 4, 4, 3]`), in order of first use. */
export function inputSymbols(graph: Graph): string[] {
  const seen = new Set<string>();
  for (const n of inputsOf(graph)) for (const d of n.attrs.shape) if (typeof d === "string") seen.add(d);
  return [...seen];
}

/** Inputs in graph order; symbolic dimensions take `sizes` (1 when not given). Random values are float32. */
export function makeInputs(graph: Graph, mode: InputsMode, seed: number, sizes: Readonly<Record<string, number>> = {}): TensorMap {
  const next = seededRandom(seed);
  const out: Mutable = Object.create(null);
  for (const n of inputsOf(graph)) {
    const shape = n.attrs.shape.map((d) => (typeof d === "number" ? d : (sizes[d] ?? 1)));
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (mode === "ones") data.fill(1);
    else for (let i = 0; i < data.length; i++) data[i] = next() * 2 - 1;
    out[n.name] = { shape, data };
  }
  return out;
}
