// The cases `npm run bench` times: a workload × variant × backend × thread count, each a `run()` that makes one
// call with fresh inputs already in memory, and a reference (the float64 interpreter) its output must agree with.
// The hand-written baseline is what a Keras user's code does in tfjs: tf.mul(kernel, mask), then tf.conv2d, per call.

import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { type Backend, loadCompiled } from "../src/codegen/index.js";
import { formatDiagnostics } from "../src/diagnostics.js";
import { type TensorMap, interpret } from "../src/ir/interpret.js";
import type { Graph } from "../src/ir/node.js";
import { initWeights } from "../src/io/init.js";
import { parseModel } from "../src/parser/parse.js";
import { optimize } from "../src/passes/pipeline.js";
import { type ConvWorkload, type Variant, type Workload, convModel } from "./workloads.js";

/** A backend, or `js-fast`: the js target compiled with fastMath (`--fast-math`: Winograd convs). */
export type BenchBackend = Extract<Backend, "tfjs-wasm" | "tfjs-cpu" | "js"> | "js-fast";

/** Where the compiled variants run: tfjs-cpu on one thread only (a second would not change its standing). */
export const PLACES: readonly { backend: BenchBackend; threads: 1 | 2 }[] = [
  { backend: "tfjs-wasm", threads: 1 },
  { backend: "tfjs-wasm", threads: 2 },
  { backend: "tfjs-cpu", threads: 1 },
  { backend: "js", threads: 1 },
  { backend: "js", threads: 2 },
  { backend: "js-fast", threads: 1 },
  { backend: "js-fast", threads: 2 },
];

export interface Case {
  /** `workload/variant/backend@threads`, what --filter matches. */
  readonly id: string;
  readonly workload: string;
  readonly variant: Variant;
  readonly backend: BenchBackend;
  readonly threads: 1 | 2;
  /** One call; resolves to the first output's values. */
  run(): Promise<Float32Array>;
  /** The float64 interpreter's output for the same call. */
  readonly reference: ArrayLike<number>;
  dispose(): void;
}

function parse(text: string, name: string): Graph {
  const parsed = parseModel({ name, text });
  if (!parsed.ok) throw new Error(formatDiagnostics(parsed.diagnostics));
  return parsed.value;
}

/** Uniform values in [-1, 1) from a fixed seed (xorshift32), so every run of the bench feeds the same numbers. */
export function values(count: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = (s / 0x100000000) * 2 - 1;
  }
  return out;
}

const firstOutput = (outputs: Record<string, { data: Float32Array }>) => Object.values(outputs)[0]!.data;

async function compiled(id: string, source: Graph, weights: TensorMap, inputs: TensorMap, backend: BenchBackend, threads: 1 | 2) {
  // The pipeline of the target the backend runs (as `mconv run --backend` picks it): tfjs-only passes for tfjs.
  const target = backend === "js" || backend === "js-fast" ? "js" : "tfjs";
  const options = { threads, ...(backend === "js-fast" ? { fastMath: true } : {}) };
  const loaded = await loadCompiled(optimize(source, { weights, target }), backend === "js-fast" ? "js" : backend, undefined, options);
  if (!loaded.ok) throw new Error(`${id}: ${formatDiagnostics(loaded.diagnostics)}`);
  const model = loaded.value;
  return { run: async () => firstOutput(await model.predict(inputs)), dispose: () => model.dispose?.() };
}

/** The hand-written tfjs code: the mask multiplied into the kernel and the conv, both on every call. */
async function baseline(w: ConvWorkload, weights: TensorMap, x: { shape: number[]; data: Float32Array }, mask: Float32Array, backend: string) {
  if (tf.getBackend() !== backend) await tf.setBackend(backend);
  const k = weights["y.kernel"]!;
  const b = weights["y.bias"]!;
  const kernel = tf.tensor4d(Float32Array.from(k.data), k.shape as [number, number, number, number]);
  const bias = tf.tensor1d(Float32Array.from(b.data));
  return {
    run: async () => {
      if (tf.getBackend() !== backend) await tf.setBackend(backend);
      const y = tf.tidy(() => {
        const m = tf.tensor4d(mask, [w.kernel, w.kernel, 1, 1]);
        const input = tf.tensor4d(x.data, x.shape as [number, number, number, number]);
        return tf.add(tf.conv2d(input, tf.mul(kernel, m) as tf.Tensor4D, 1, w.padding), bias);
      });
      try {
        return (await y.data()) as Float32Array;
      } finally {
        y.dispose();
      }
    },
    dispose: () => tf.dispose([kernel, bias]),
  };
}

/** Every case of a workload whose id passes `keep`; models load here, once. */
export async function casesOf(w: Workload, keep: (id: string) => boolean): Promise<Case[]> {
  tf.env().set("PROD", true);
  const out: Case[] = [];
  const variants: Exclude<Variant, "baseline">[] = w.kind === "conv" ? ["dense", "static", "dynamic"] : ["dense", "static"];
  const sources = new Map(variants.map((v) => [v, parse(w.kind === "conv" ? convModel(w, v) : v === "dense" ? w.denseText : w.text, `${w.name}-${v}`)]));
  const weights = initWeights(sources.get("dense")!, "random", 7);
  const first = sources.get("dense")!.nodes.find((n) => n.op === "input")!;
  const shape = first.type.shape.map((d) => (typeof d === "number" ? d : w.batch));
  const x = { shape, data: values(shape.reduce((a, b) => a * b, 1), 11) };
  const mask = w.kind === "conv" ? Float32Array.from(w.mask) : undefined;
  const inputsOf = (v: Variant): TensorMap => (v === "dynamic" ? { x, m: { shape: [mask!.length ** 0.5, mask!.length ** 0.5], data: mask! } } : { x });
  const references = new Map<Variant, ArrayLike<number>>();
  const referenceOf = (v: Exclude<Variant, "baseline">) => {
    if (!references.has(v)) references.set(v, Object.values(interpret(sources.get(v)!, inputsOf(v), weights))[0]!.data);
    return references.get(v)!;
  };
  for (const { backend, threads } of PLACES) {
    for (const variant of [...variants, ...(w.kind === "conv" && threads === 1 && !backend.startsWith("js") ? (["baseline"] as const) : [])]) {
      const id = `${w.name}/${variant}/${backend}@${threads}`;
      if (!keep(id)) continue;
      const made =
        variant === "baseline"
          ? await baseline(w as ConvWorkload, weights, x, mask!, backend === "tfjs-wasm" ? "wasm" : "cpu")
          : await compiled(id, sources.get(variant)!, weights, inputsOf(variant), backend, threads);
      const reference = referenceOf(variant === "baseline" || variant === "dynamic" ? "static" : variant);
      out.push({ id, workload: w.name, variant, backend, threads, reference, ...made });
    }
  }
  return out;
}
