// The steps the commands share: read a model (.mconv, or .ir text), read and check tensor files against it, run
// the pass pipeline. Each step returns diagnostics; the command prints them and picks the exit code.

import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type Result, type Source, error, failed, ok } from "../diagnostics.js";
import type { TensorMap } from "../ir/interpret.js";
import type { Graph } from "../ir/node.js";
import { readGraph } from "../ir/text/read.js";
import { type FeedRole, checkFeeds, tensorMap } from "../io/feeds.js";
import { type WeightInit, initWeights } from "../io/init.js";
import { readTensorFile } from "../io/tensorFile.js";
import { parseModel } from "../parser/parse.js";
import { type OptLevel, type PipelineTarget, optimize, passByName } from "../passes/pipeline.js";
import type { Pass } from "../passes/pass.js";
import { type ParsedArgs, UsageError } from "./command.js";
import { loadWeights } from "./importWeights.js";

/**
 * Files larger than this are refused before they are read: a JSON tensors file costs some fifty times its size
 * in memory while it is parsed, so 64 MiB stays well inside Node's default heap.
 */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export function readSource(path: string, cwd: string, what: string): Result<Source> {
  const full = resolve(cwd, path);
  try {
    const stat = statSync(full);
    if (stat.isDirectory()) return failed([error("MC5001", `cannot read ${what} '${path}': it is a folder`)]);
    if (!stat.isFile()) return failed([error("MC5001", `cannot read ${what} '${path}': it is not a regular file`)]);
    if (stat.size > MAX_FILE_BYTES) return failed([error("MC5002", `${what} '${path}' is ${stat.size} bytes, more than the limit of ${MAX_FILE_BYTES}`)]);
    return ok({ name: path, text: readFileSync(full, "utf8") });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : code === "EACCES" ? "permission denied" : (e as Error).message;
    return failed([error("MC5001", `cannot read ${what} '${path}': ${why}`)]);
  }
}

/** A model from a .mconv file, or from IR text when the file ends in .ir. */
export function loadModel(path: string, cwd: string): Result<Graph> {
  const source = readSource(path, cwd, "model file");
  if (!source.ok) return source;
  if (path.endsWith(".ir")) return readGraph(source.value);
  // load("masks.json") in a model: the path comes joined to the model file's folder.
  const readFile = (p: string): string | undefined => {
    const file = readSource(p, cwd, "mask file");
    return file.ok ? file.value.text : undefined;
  };
  return parseModel(source.value, { readFile });
}

/** Reads a tensors file and checks it against the model's inputs or weights. */
export function loadFeeds(graph: Graph, role: FeedRole, path: string, args: ParsedArgs, cwd: string): Result<TensorMap> {
  const source = readSource(path, cwd, `${role}s file`);
  if (!source.ok) return source;
  const file = readTensorFile(source.value, { allowNonFinite: args.values["allow-non-finite"] === true });
  if (!file.ok) return file;
  const ds = checkFeeds(graph, role, file.value);
  return ds.length > 0 ? failed(ds) : ok(tensorMap(file.value));
}

/** Writes a file the user asked for; a failure (no such folder, no permission) is their error, not a crash. */
export function writeOutput(path: string, cwd: string, text: string | Uint8Array): Result<string> {
  const full = resolve(cwd, path);
  try {
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    return ok(full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "EISDIR" ? "it is a folder" : code === "EACCES" || code === "EPERM" ? "permission denied" : code === "ENOTDIR" || code === "EEXIST" ? "a part of the path is a file" : (e as Error).message;
    return failed([error("MC5003", `cannot write '${path}': ${why}`)]);
  }
}

/**
 * The target the pipeline optimizes for: --target (compile, ir), or the family of --backend (run: js, or a tfjs
 * backend); none for the reference interpreter or when not given (then only target-neutral passes run).
 */
export function pipelineTarget(args: ParsedArgs): PipelineTarget | undefined {
  const target = args.values["target"] ?? args.values["backend"];
  if (target === "js") return "js";
  return typeof target === "string" && target.startsWith("tfjs") ? "tfjs" : undefined;
}

export function optLevel(args: ParsedArgs): OptLevel {
  const o = args.values["optimize"];
  if (o === undefined) return 1;
  if (o === "0" || o === "1") return Number(o) as OptLevel;
  throw new UsageError(`-O takes 0 or 1 (as -O0 or -O1); got '${String(o)}'`);
}

/** The passes --print-ir-after names (a list, or `all`), checked against the pass list. */
export function printAfterSet(args: ParsedArgs): ((p: Pass) => boolean) | undefined {
  const raw = args.values["print-ir-after"];
  if (raw === undefined) return undefined;
  const names = (Array.isArray(raw) ? raw : [String(raw)]).flatMap((s) => s.split(","));
  if (names.includes("all")) return () => true;
  for (const n of names) if (!passByName(n)) throw new UsageError(`--print-ir-after: no pass named '${n}'`);
  return (p) => names.includes(p.name);
}

export interface Prepared {
  /** The model as written (the interface that weights and inputs are checked against). */
  readonly source: Graph;
  /** After the pipeline. */
  readonly graph: Graph;
  readonly weights?: TensorMap;
}

/** Model + optional weights through the pipeline of the chosen level. */
export function prepare(
  file: string,
  args: ParsedArgs,
  cwd: string,
  after?: (pass: Pass, graph: Graph) => void,
  timing?: (pass: Pass, ms: number) => void,
): Result<Prepared> {
  const model = loadModel(file, cwd);
  if (!model.ok) return model;
  const weightsPath = args.values["weights"];
  let weights: TensorMap | undefined = generatedWeights(model.value, args);
  if (weights && typeof weightsPath === "string") throw new UsageError("give either --weights or --init, not both");
  if (args.values["weights-map"] !== undefined && typeof weightsPath !== "string") throw new UsageError("--weights-map goes with --weights");
  if (typeof weightsPath === "string") {
    const w = loadWeights(model.value, weightsPath, args, cwd, { readSource, loadTensorsFile: (p) => loadFeeds(model.value, "weight", p, args, cwd) });
    if (!w.ok) return w;
    weights = w.value;
  }
  const graph = optimize(model.value, { level: optLevel(args), target: pipelineTarget(args), weights, verify: args.values["verify"] === true, after, timing });
  return ok({ source: model.value, graph, weights }, model.diagnostics);
}

/** Weights from --init random|zeros and --seed S, or undefined when --init is not given. */
export function generatedWeights(graph: Graph, args: ParsedArgs): TensorMap | undefined {
  const init = args.values["init"];
  const seedText = args.values["seed"];
  if (init === undefined) {
    if (seedText !== undefined) throw new UsageError("--seed goes with --init random");
    return undefined;
  }
  const seed = seedText === undefined ? 0 : Number(seedText);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`--seed takes a whole number from 0 to 4294967295; got '${String(seedText)}'`);
  return initWeights(graph, init as WeightInit, seed);
}

export const initOptions = {
  init: {
    type: "string",
    value: "KIND",
    description: "generate the weights as Keras initializes a new layer (kernels glorot_uniform, biases 0)",
    choices: ["random", "zeros"],
  },
  seed: { type: "string", value: "S", description: "the seed of --init random (default 0)" },
} as const;

export const sharedOptions = {
  weights: {
    type: "string",
    value: "W",
    description: "weights: a tensors JSON file, a tfjs layers-model model.json, an .npz archive or a folder of .npy files (compile embeds them)",
  },
  "weights-map": { type: "string", value: "MAP.json", description: 'renames imported weights to the model\'s: { "conv2d_1/kernel": "y.kernel" } (default: "/" becomes ".")' },
  ...initOptions,
  optimize: { type: "string", short: "O", value: "LEVEL", description: "optimization level: -O0 (no optimization passes) or -O1 (default)" },
  verify: { type: "boolean", description: "run the IR verifier after every pass" },
  "allow-non-finite": { type: "boolean", description: 'accept NaN and Infinity in tensors files (as "NaN", "Infinity", "-Infinity")' },
} as const;

/** --fast-math, of compile and run: the js target only. */
export const fastMathOption = {
  "fast-math": {
    type: "boolean",
    description: "js target: Winograd for convs up to 3×3 where it pays (1.1–1.3× faster than the direct loops at 32–64 channels); rounding differs, and an output gets ~1e-16 relative noise from inputs outside its receptive field",
  },
} as const;

/** The codegen options of --fast-math; a usage error when the target is not js. */
export function codegenOptions(args: ParsedArgs, target: string): { fastMath?: boolean } {
  if (args.values["fast-math"] !== true) return {};
  if (target !== "js") throw new UsageError(`--fast-math applies to js only (compile --target js, run --backend js), not ${target}`);
  return { fastMath: true };
}
