// Code generation's public face: emit an ES module for a target, or load the same emitted code in this process for
// a backend (what `mconv run` uses). One generator per target; the in-process path evaluates the module's code.

import { type Result, error, failed, ok } from "../diagnostics.js";
import type { Graph } from "../ir/node.js";
import type { TensorMap } from "../ir/interpret.js";
import { type ModuleParts, functionBody, moduleText } from "./emitter.js";
import { emitJs } from "./js/emit.js";
import { planGraph } from "./lower.js";
import { emitTfjs } from "./tfjs/emit.js";
import { loadOnnx } from "./onnx/run.js";
import type { CodegenOptions } from "./options.js";
import { withThreads } from "./threads.js";

export type { CodegenOptions } from "./options.js";

export { jsComment, jsIdentifier, jsString } from "./escape.js";
export { type BatchSplit, batchSplit } from "./threads.js";
export { type ConvPlan, type GroupRun, type Plan, type PlannedValue, type PoolPlan, type Stage, type Tap, type TransposePlan, planGraph } from "./lower.js";

export { type GraphModelFiles, type GraphModelJson, SHARD_BYTES, emitGraphModel } from "./tfjs-graph/emit.js";
export { emitOnnx } from "./onnx/emit.js";

/** The ES module targets. The exchange formats (a tfjs GraphModel, ONNX) are ExportTargets. */
export type Target = "tfjs" | "js";
export type ExportTarget = "tfjs-graph" | "onnx";
/** Where a compiled model runs. "tfjs" means tfjs-wasm; "onnx" is the ONNX export on onnxruntime-node. */
export type Backend = "tfjs" | "tfjs-wasm" | "tfjs-cpu" | "tfjs-node" | "js" | "onnx";

export interface CompiledModel {
  predict(inputs: TensorMap): Promise<Record<string, { shape: number[]; data: Float32Array }>>;
  dispose?(): void;
}

/** The pieces of the module for a target; emitModule joins them, loadCompiled evaluates them. */
export function emitParts(graph: Graph, target: Target, options: CodegenOptions = {}): Result<ModuleParts> {
  const plan = planGraph(graph);
  if (!plan.ok) return failed(plan.diagnostics);
  const parts = target === "js" ? emitJs(plan.value, options) : emitTfjs(plan.value);
  return parts.ok ? ok(withThreads(parts.value, graph), parts.diagnostics) : parts;
}

/** The ES module source for `graph` on `target`: `export async function load(weights?, options?)`. */
export function emitModule(graph: Graph, target: Target, options: CodegenOptions = {}): Result<string> {
  const parts = emitParts(graph, target, options);
  return parts.ok ? ok(moduleText(parts.value), parts.diagnostics) : failed(parts.diagnostics);
}

/** How many threads a compiled model may use: a whole number, or "auto" (more only where the batch pays). */
export type Threads = number | "auto";

export interface LoadOptions extends CodegenOptions {
  /** Shards each call's batch over this many threads (worker_threads); default "auto". */
  readonly threads?: Threads;
}

type LoadFunction = (weights?: TensorMap, options?: { backend?: string; threads?: Threads }) => Promise<CompiledModel>;

const TFJS_BACKENDS: Record<Exclude<Backend, "js" | "onnx">, string> = {
  tfjs: "wasm",
  "tfjs-wasm": "wasm",
  "tfjs-cpu": "cpu",
  "tfjs-node": "tensorflow",
};

/** Imports a package by a name held in a variable, so TypeScript and bundlers leave an optional one alone. */
function importOptional(name: string): Promise<unknown> {
  return import(name);
}

/** A module a worker thread imports in place of one the body was given: by URL; `lazy` passes `() => import()`. */
interface WorkerModule {
  readonly name: string | null;
  readonly url: string;
  readonly lazy?: boolean;
  /** tfjs: set production mode, as loadCompiled does here. */
  readonly prod?: boolean;
}

/**
 * The URL of an installed package as this module resolves it; the bare name when it is not installed or outside
 * Node. Node's modules are imported when called (not statically), so that this file also bundles for a browser.
 */
async function packageUrl(name: string): Promise<string> {
  try {
    const { createRequire } = (await importOptional("node:module")) as typeof import("node:module");
    const { pathToFileURL } = (await importOptional("node:url")) as typeof import("node:url");
    return pathToFileURL(createRequire(import.meta.url).resolve(name)).href;
  } catch {
    return name;
  }
}

/**
 * Evaluates a module body with its imports injected, as the module would run it. Worker threads (options.threads)
 * get the same body and import `modules` themselves, in this order, for the injects other than threadSource.
 */
function evaluate(parts: ModuleParts, injected: readonly unknown[], modules: readonly WorkerModule[]): LoadFunction {
  const body = functionBody(parts);
  const make = new Function(...parts.injects, body);
  return make(...injected, { importNode: importOptional, worker: { body, modules } }) as LoadFunction;
}

/**
 * Compiles `graph` for `backend` and loads it in this process, running the very code emitModule emits, with
 * `weights` for the params left in the graph. Problems (a backend that is not installed, weights that do not fit)
 * come back as diagnostics, not throws.
 */
export async function loadCompiled(
  graph: Graph,
  backend: Backend,
  weights?: TensorMap,
  options: LoadOptions = {},
): Promise<Result<CompiledModel>> {
  if (backend === "onnx") return loadOnnx(graph, weights, options);
  const target = backend === "js" ? "js" : "tfjs";
  const parts = emitParts(graph, target, options);
  if (!parts.ok) return failed(parts.diagnostics);
  let load: LoadFunction;
  if (backend === "js") {
    load = evaluate(parts.value, [], []);
  } else {
    const tf = await import("@tensorflow/tfjs");
    await import("@tensorflow/tfjs-backend-wasm");
    // Production mode: tfjs-cpu would otherwise print an advert for tfjs-node on first use, and `mconv run`
    // promises nothing but its results on stdout and nothing but diagnostics on stderr.
    tf.env().set("PROD", true);
    if (backend === "tfjs-node") {
      try {
        await importOptional("@tensorflow/tfjs-node");
      } catch (cause) {
        const why = cause instanceof Error ? cause.message : String(cause);
        return failed([
          error("MC4002", "the tfjs-node backend needs the optional package @tensorflow/tfjs-node, which is not installed", undefined, [
            { message: "install it with `npm install @tensorflow/tfjs-node`, or use --backend tfjs-wasm" },
            { message: `loading it failed: ${why}` },
          ]),
        ]);
      }
    }
    load = evaluate(parts.value, [tf, () => importOptional("@tensorflow/tfjs-node")], [
      { name: "tf", url: await packageUrl("@tensorflow/tfjs"), prod: true },
      { name: null, url: await packageUrl("@tensorflow/tfjs-backend-wasm") },
      { name: "importTfjsNode", url: await packageUrl("@tensorflow/tfjs-node"), lazy: true },
    ]);
  }
  try {
    const threads = options.threads === undefined ? {} : { threads: options.threads };
    const model = await load(weights ?? {}, backend === "js" ? threads : { backend: TFJS_BACKENDS[backend], ...threads });
    return ok(model, parts.diagnostics);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    return failed([error("MC4003", `the compiled model could not be loaded: ${why}`)]);
  }
}
