// `mconv run FILE --inputs I.json [--weights W.json] [--backend B]`: compiles the model for a backend, runs it
// once and prints the outputs as tensors JSON on stdout (nothing else goes to stdout).

import { error, failed } from "../diagnostics.js";
import { type Backend, type Threads, loadCompiled } from "../codegen/index.js";
import { interpret } from "../ir/interpret.js";
import { paramsOf } from "../ir/node.js";
import { formatTensorJson } from "../io/tensorJson.js";
import { type Command, EXIT, UsageError, singleFile } from "./command.js";
import { codegenOptions, fastMathOption, loadFeeds, prepare, sharedOptions, writeOutput } from "./frontend.js";
import { report } from "./report.js";
import { PassReport, statsOptions } from "./stats.js";

/** The compiled backends, and `reference`: the float64 interpreter over the model as written (the oracle). */
export const backends: readonly (Backend | "reference")[] = ["tfjs", "tfjs-wasm", "tfjs-cpu", "tfjs-node", "js", "onnx", "reference"];

export const runCommand: Command = {
  name: "run",
  summary: "Compile a model and run it once on the given inputs; print the outputs as JSON.",
  usage: "FILE --inputs I.json [--weights W.json] [--backend B] [--threads N] [--fast-math] [--out O.json]",
  options: {
    inputs: { type: "string", value: "I.json", description: "the inputs as a tensors JSON file (required)" },
    ...sharedOptions,
    backend: {
      type: "string",
      value: "B",
      description: "where to run; tfjs means tfjs-wasm (default tfjs); onnx needs the optional onnxruntime-node; reference is the float64 interpreter",
      choices: backends,
    },
    threads: {
      type: "string",
      value: "N",
      description: "split the batch over up to N threads (worker_threads), or auto: more than one only where the batch pays (default auto)",
    },
    ...fastMathOption,
    out: { type: "string", value: "O.json", description: "write the outputs to this file instead of stdout" },
    ...statsOptions,
  },
  details: [
    "Tensors JSON: { \"name\": { \"shape\": [1, 4, 4, 3], \"data\": [ ...flat, row-major... ] } }.",
    "--threads: each thread runs the same code on its share of the batch (axis 0), so the outputs are the same",
    "as on one thread; a model whose batch cannot be split, or a batch of 1, runs on one thread.",
    "Example:",
    "  mconv run examples/seed.mconv --inputs examples/seed.inputs.json --weights examples/seed.weights.json",
  ].join("\n"),
  async run(args, io) {
    const file = singleFile(args, this);
    const inputsPath = args.values["inputs"];
    if (typeof inputsPath !== "string") {
      io.stderr("mconv run: --inputs I.json is required (see mconv run --help)\n");
      return EXIT.usage;
    }
    const passReport = new PassReport(args, io);
    const prepared = passReport.timed("read and parse, passes", () => prepare(file, args, io.cwd, undefined, passReport.timing));
    if (!prepared.ok) return report(prepared, io);
    const { source, graph } = prepared.value;
    passReport.print(source, graph);
    const missingWeights = paramsOf(prepared.value.weights ? graph : source);
    if (missingWeights.length > 0) {
      const names = missingWeights.map((p) => `'${p.name}'`).join(", ");
      return report(failed([error("MC5024", `the model has weights (${names}); give them with --weights W.json, or generate them with --init random`)]), io);
    }
    const inputs = loadFeeds(source, "input", inputsPath, args, io.cwd);
    if (!inputs.ok) return report(inputs, io);
    const backend = (args.values["backend"] as Backend | "reference" | undefined) ?? "tfjs";
    const threads = threadsOption(args.values["threads"]);
    if (threads !== undefined && backend === "reference") throw new UsageError("--threads does not apply to --backend reference");
    const options = { ...codegenOptions(args, backend), ...(threads === undefined ? {} : { threads }) };
    let outputs: Record<string, { shape: readonly number[]; data: ArrayLike<number> }>;
    if (backend === "reference") {
      outputs = interpret(source, inputs.value, prepared.value.weights);
    } else {
      const model = await loadCompiled(graph, backend, undefined, options);
      if (!model.ok) return report(model, io);
      try {
        outputs = await model.value.predict(inputs.value);
      } finally {
        model.value.dispose?.();
      }
    }
    const text = formatTensorJson(outputs);
    const out = args.values["out"];
    if (typeof out !== "string") io.stdout(text);
    else {
      const written = writeOutput(out, io.cwd, text);
      if (!written.ok) return report(written, io);
    }
    return EXIT.ok;
  },
};

/** --threads N: a whole number of at least 1, or auto. */
function threadsOption(raw: unknown): Threads | undefined {
  if (raw === undefined) return undefined;
  if (raw === "auto") return "auto";
  const text = String(raw);
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--threads takes a whole number of at least 1, or auto; got '${text}'`);
  return n;
}
