// Running a compiled model in the page: on tfjs (wasm, its .wasm files served from the build; or cpu), as the
// plain-JavaScript module, or in the float64 reference interpreter — and how far a backend is from the reference.

import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import wasmPlain from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url";
import wasmSimd from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url";
import wasmThreadedSimd from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url";
import { formatDiagnostics } from "../../src/diagnostics.js";
import { loadCompiled } from "../../src/codegen/index.js";
import { type TensorMap, interpret } from "../../src/ir/interpret.js";
import type { Graph } from "../../src/ir/node.js";

// Vite copies the three builds of the backend into the page's assets (names hashed); tfjs picks one at start-up
// (threads only where the page is cross-origin isolated).
setWasmPaths({
  "tfjs-backend-wasm.wasm": wasmPlain,
  "tfjs-backend-wasm-simd.wasm": wasmSimd,
  "tfjs-backend-wasm-threaded-simd.wasm": wasmThreadedSimd,
});

export type RunBackend = "tfjs-wasm" | "tfjs-cpu" | "js" | "reference";

export interface OutputTensor {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

export type RunResult =
  | { readonly ok: true; readonly outputs: Readonly<Record<string, OutputTensor>>; readonly ms: number }
  | { readonly ok: false; readonly error: string };

/**
 * Runs `graph` (weights already bound) on a backend. The reference interpreter runs `parsed` with `weights`:
 * the graph before the passes, as the tests' oracle does.
 */
export async function runModel(backend: RunBackend, graph: Graph, parsed: Graph, weights: TensorMap, inputs: TensorMap): Promise<RunResult> {
  try {
    if (backend === "reference") {
      const start = performance.now();
      const outputs = interpret(parsed, inputs, weights);
      return { ok: true, outputs, ms: performance.now() - start };
    }
    const model = await loadCompiled(graph, backend);
    if (!model.ok) return { ok: false, error: formatDiagnostics(model.diagnostics) };
    try {
      const start = performance.now();
      const outputs = await model.value.predict(inputs);
      return { ok: true, outputs, ms: performance.now() - start };
    } finally {
      model.value.dispose?.();
    }
  } catch (cause) {
    return { ok: false, error: cause instanceof Error ? cause.message : String(cause) };
  }
}

/** The largest difference between two outputs, relative to the largest reference magnitude (at least 1). */
export function maxRelativeDifference(actual: OutputTensor, expected: OutputTensor): number {
  if (actual.data.length !== expected.data.length) return Infinity;
  let scale = 1;
  for (let i = 0; i < expected.data.length; i++) scale = Math.max(scale, Math.abs(expected.data[i]!));
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) worst = Math.max(worst, Math.abs(actual.data[i]! - expected.data[i]!) / scale);
  return Number.isNaN(worst) ? Infinity : worst;
}
