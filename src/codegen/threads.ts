// Running one compiled model on several worker_threads: which inputs a model's batch splits along (if any), about
// how much work one sample is, and the `load` wrapper every emitted module gets (its code is in threadsRuntime.ts).
// Not the thread pool itself: that is code of the emitted module, so that a compiled file runs threads on its own.

import { InternalError } from "../diagnostics.js";
import { positionIndex } from "../ir/analysis.js";
import type { Graph } from "../ir/node.js";
import type { Dim } from "../ir/types.js";
import type { ModuleParts } from "./emitter.js";
import { jsString } from "./escape.js";
import { jsNumber } from "./literals.js";
import { THREADS_OPTION_SOURCE, THREADS_SOURCE, WORKER_SOURCE } from "./threadsRuntime.js";

/** How a model's calls split into shards: the inputs cut along axis 0, and the work of one sample. */
export interface BatchSplit {
  /** The symbolic size of axis 0 (`N`). */
  readonly symbol: string;
  /** Inputs whose axis 0 is the batch; the others go whole to every shard. */
  readonly inputs: readonly string[];
  /** Multiply-adds of the convs and linear layers for one sample; Infinity when a size is symbolic. */
  readonly macsPerSample: number;
}

/**
 * Where splitting the batch gives the very same numbers as one call: a symbolic size `N` that is axis 0 of an
 * input, of every output and of every value that mentions it (never another axis), where no value without `N`
 * is computed from one with it (a reduction over the batch), and no op with an `axis` attribute works on axis 0
 * of a batched value (softmax across samples). Undefined when there is no such size.
 */
export function batchSplit(graph: Graph): BatchSplit | undefined {
  const nodes = graph.nodes;
  const symbol = nodes.find((n) => n.op === "input" && typeof n.type.shape[0] === "string")?.type.shape[0];
  if (typeof symbol !== "string") return undefined;
  const positions = positionIndex(graph);
  // By position: 1 for the values whose axis 0 is the batch.
  const batched = new Uint8Array(nodes.length);
  const isBatched = (name: string) => {
    const at = positions.get(name);
    return at !== undefined && batched[at] === 1;
  };
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const shape = n.type.shape;
    const at = shape.indexOf(symbol);
    if (at > 0 || shape.lastIndexOf(symbol) !== at) return undefined;
    const fromBatched = n.operands.some(isBatched);
    if (at < 0) {
      if (fromBatched) return undefined;
      continue;
    }
    const axis = (n.attrs as { axis?: unknown }).axis;
    if (typeof axis === "number" && (axis === 0 || axis === -shape.length)) return undefined;
    batched[i] = 1;
  }
  if (graph.outputs.length === 0 || !graph.outputs.every((o) => isBatched(o.value))) return undefined;
  const inputs = nodes.filter((n) => n.op === "input" && n.type.shape[0] === symbol).map((n) => n.name);
  let macs = 0;
  for (let i = 0; i < nodes.length; i++) {
    if (batched[i] === 0) continue;
    const n = nodes[i]!;
    // A conv or linear layer: a weight operand of rank ≥ 2 whose last axis is the output channels.
    const weight = n.operands
      .slice(1)
      .map((o) => nodes[positions.get(o)!]!)
      .find((o) => !isBatched(o.name) && o.type.shape.length >= 2);
    if (weight === undefined) continue;
    const perOut = weight.type.shape.slice(0, -1);
    macs += product(n.type.shape.slice(1)) * product(perOut);
  }
  return { symbol, inputs, macsPerSample: macs };
}

const product = (dims: readonly Dim[]) => dims.reduce<number>((a, d) => a * (typeof d === "number" ? d : Infinity), 1);

/**
 * Multiply-adds per millisecond of one thread, by where the model runs (rough, a little optimistic, so that "auto"
 * errs towards one thread). tfjs-node runs its own threads: never split.
 */
const MACS_PER_MS: Readonly<Record<string, number>> = { js: 2e6, wasm: 1.2e7, cpu: 3e5 };
/**
 * The milliseconds of work each thread must get for "auto" to use it. Measured on a 2-core machine (3×3 conv,
 * 28×28×16, batch 2–16, interleaved): plain JS on 2 threads ran 1.5–1.8× faster from 3 ms of work on; tfjs-wasm
 * was still 0.85× at 3 ms (its calls cost more to hand over), so it needs more.
 */
const MS_PER_THREAD: Readonly<Record<string, number>> = { js: 1, wasm: 4, cpu: 4 };

const HEAD = "async function load(weights, options) {";

/**
 * The module with threads: the target's `load` becomes `loadOnThisThread`, and a new `load` takes
 * `options.threads` (a number, or "auto"), shards the batch across worker threads and joins the outputs.
 * A module whose model cannot be split keeps its batch on one thread whatever `threads` says.
 */
export function withThreads(parts: ModuleParts, graph: Graph): ModuleParts {
  if (!parts.load.startsWith(HEAD)) throw new InternalError("an emitted load() does not start as expected");
  const split = batchSplit(graph);
  const single = `/** The model on this thread only. */\n${parts.load.replace(HEAD, "async function loadOnThisThread(weights, options) {")}`;
  // The target's doc comment, line by line without its own "/**", " * " and "*/", then the threads paragraph.
  const summary = parts.loadDoc
    .replace(/^\/\*\*/, "")
    .replace(/\*\/\s*$/, "")
    .split("\n")
    .map((line) => line.replace(/^\s*\*? ?/, "").trimEnd())
    .filter((line) => line !== "");
  const loadDoc = [
    "/**",
    ...summary.map((line) => ` * ${line}`),
    ' * options.threads (Node): a whole number, or "auto" (the default: more than one only where the batch pays for',
    " * them) — each call's batch is shared out over worker threads, with the same outputs as on one thread.",
    " */",
  ].join("\n");
  if (split === undefined) {
    // Nothing to split: the option is checked, and the model runs on this thread.
    return {
      ...parts,
      helpers: [parts.helpers, THREADS_OPTION_SOURCE, single].join("\n"),
      loadDoc,
      load: [HEAD, "  threadsOption(options);", "  return loadOnThisThread(weights, options);", "}", ""].join("\n"),
    };
  }
  const splitLiteral =
    `{ inputs: [${split.inputs.map(jsString).join(", ")}], macsPerSample: ${jsNumber(split.macsPerSample)}, ` +
    `macsPerMs: ${JSON.stringify(MACS_PER_MS)}, msPerThread: ${JSON.stringify(MS_PER_THREAD)} }`;
  const js = parts.injects.length === 0;
  const load = [
    HEAD,
    "  const threads = threadsOption(options);",
    "  const model = await loadOnThisThread(weights, options);",
    "  if (threads === 1) return model;",
    "  if (!(await hasWorkerThreads(threadSource.importNode))) {",
    "    if (threads === \"auto\") return model;",
    "    model.dispose();",
    "    throw new Error(\"options.threads above 1 needs Node's worker_threads\");",
    "  }",
    js
      ? "  const backend = \"js\";"
      : "  const backend = options != null && options.backend != null ? String(options.backend) : \"wasm\";",
    "  const workerOptions = options != null && options.backend != null ? { backend: options.backend, threads: 1 } : { threads: 1 };",
    "  const weightEntries = tensorEntries(weights);",
    "  const start = () => startWorker(threadSource, weightEntries, workerOptions);",
    "  return threadedModel(model, threads, SPLIT, backend, start, threadSource.importNode);",
    "}",
    "",
  ].join("\n");
  return {
    header: parts.header,
    // import.meta lives in the module's text only: loadCompiled injects \`threadSource\` instead.
    imports: [
      parts.imports,
      "// Worker threads (options.threads) load this very module.",
      "const threadSource = { importNode: (name) => import(name), worker: { url: import.meta.url } };",
    ]
      .filter((s) => s.length > 0)
      .join("\n"),
    injects: [...parts.injects, "threadSource"],
    helpers: [
      parts.helpers,
      `/** How a call splits along the batch for worker threads. */\nconst SPLIT = ${splitLiteral};\n`,
      THREADS_OPTION_SOURCE,
      THREADS_SOURCE,
      WORKER_SOURCE,
      single,
    ].join("\n"),
    loadDoc,
    load,
  };
}
