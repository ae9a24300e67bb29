// The onnx backend of `mconv run` and loadCompiled: the exported ONNX model run by onnxruntime-node, an optional
// dependency detected at run time. Inputs are checked by the same `feed` helper the generated modules carry.

import { type Result, error, failed, ok } from "../../diagnostics.js";
import type { TensorMap } from "../../ir/interpret.js";
import type { Graph } from "../../ir/node.js";
import { helperSource } from "../runtime.js";
import { emitOnnx } from "./emit.js";

/** What this backend needs of onnxruntime-node's API. */
interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
}
interface OrtModule {
  Tensor: new (type: "float32", data: Float32Array, dims: readonly number[]) => OrtTensor;
  InferenceSession: { create(bytes: Uint8Array, options?: object): Promise<{ run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>; release(): Promise<void> }> };
}

type Feed = (kind: string, map: unknown, name: string, declared: readonly (number | string)[], dims: Map<string, number>, copy: boolean) => Float32Array;
const feed = new Function(`${helperSource(new Set(["feed"]))}\nreturn feed;`)() as Feed;

function importOptional(name: string): Promise<unknown> {
  return import(name);
}

export interface OnnxModel {
  predict(inputs: TensorMap): Promise<Record<string, { shape: number[]; data: Float32Array }>>;
  dispose(): void;
}

/**
 * Exports `graph` to ONNX (weights bound, or given here) and opens an onnxruntime session on it. `threads`: a
 * number sets onnxruntime's own intra-op threads (it parallelizes inside each op, not over the batch); "auto" or
 * none leaves onnxruntime's default.
 */
export async function loadOnnx(graph: Graph, weights?: TensorMap, options: { readonly threads?: number | "auto" } = {}): Promise<Result<OnnxModel>> {
  const bytes = emitOnnx(graph, undefined, weights);
  if (!bytes.ok) return failed(bytes.diagnostics);
  let ort: OrtModule;
  try {
    const m = (await importOptional("onnxruntime-node")) as OrtModule & { default?: OrtModule };
    ort = m.InferenceSession ? m : m.default!;
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    return failed([
      error("MC4002", "the onnx backend needs the optional package onnxruntime-node, which is not installed", undefined, [
        { message: "install it with `npm install onnxruntime-node` (its CPU build ships in the package), or use --backend tfjs-wasm" },
        { message: `loading it failed: ${why}` },
      ]),
    ]);
  }
  let session: Awaited<ReturnType<OrtModule["InferenceSession"]["create"]>>;
  try {
    session = await ort.InferenceSession.create(bytes.value, typeof options.threads === "number" ? { intraOpNumThreads: options.threads } : {});
  } catch (cause) {
    return failed([error("MC4003", `the compiled model could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}`)]);
  }
  const inputs = graph.nodes.filter((n) => n.op === "input");
  let disposed = false;
  return ok({
    async predict(fed) {
      if (disposed) throw new Error("predict() after dispose()");
      const dims = new Map<string, number>();
      const feeds: Record<string, OrtTensor> = Object.create(null);
      for (const n of inputs) {
        const data = feed("input", fed, n.name, n.type.shape, dims, false);
        feeds[n.name] = new ort.Tensor("float32", data, fed[n.name]!.shape);
      }
      const results = await session.run(feeds);
      const outputs: Record<string, { shape: number[]; data: Float32Array }> = Object.create(null);
      for (const o of graph.outputs) {
        const t = results[o.name]!;
        outputs[o.name] = { shape: [...t.dims], data: Float32Array.from(t.data as Float32Array) };
      }
      return outputs;
    },
    dispose() {
      if (!disposed) {
        disposed = true;
        void session.release();
      }
    },
  });
}
