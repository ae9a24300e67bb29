// `mconv compile FILE --target tfjs|js [--weights W.json] -o DIR`: writes DIR/model.js, an ES module with
// `load(weights?)` → `{ predict(inputs) }`, and DIR/model.d.ts for TypeScript users. Weights given here are
// embedded; without them the module's load() takes them. `--target tfjs-graph -o DIR` writes a tfjs GraphModel
// (DIR/model.json and weight shards), `--target onnx -o FILE.onnx` an ONNX model; both carry their weights.

import { join } from "node:path";
import { type ExportTarget, type Target, emitGraphModel, emitModule, emitOnnx } from "../codegen/index.js";
import type { Graph } from "../ir/node.js";
import { type Command, EXIT, UsageError, singleFile } from "./command.js";
import { codegenOptions, fastMathOption, prepare, sharedOptions, writeOutput } from "./frontend.js";
import { report } from "./report.js";
import { PassReport, statsOptions } from "./stats.js";

const DECLARATIONS = `// Types of the module mconv generated beside this file.
export interface Tensor {
  shape: number[];
  data: Float32Array;
}
export interface TensorInput {
  shape: readonly number[];
  data: ArrayLike<number>;
}
export interface Model {
  /** Runs the model; inputs and outputs by name. */
  predict(inputs: Record<string, TensorInput>): Promise<Record<string, Tensor>>;
  /** Frees what load() kept (tfjs tensors); the model cannot predict afterwards. */
  dispose(): void;
}
/** Prepares the model; weights not embedded at compile time are given here, by name. */
export function load(weights?: Record<string, TensorInput>, options?: { backend?: string; threads?: number | "auto" }): Promise<Model>;
`;

export const compileCommand: Command = {
  name: "compile",
  summary: "Compile a model to a standalone ES module: tfjs ops, or plain JavaScript loops with no dependencies.",
  usage: "FILE --target tfjs|js|tfjs-graph|onnx [--weights W] [--fast-math] -o DIR|FILE.onnx",
  options: {
    target: { type: "string", value: "T", description: "what to write: an ES module (tfjs, js), a tfjs GraphModel or an ONNX model", choices: ["tfjs", "js", "tfjs-graph", "onnx"] },
    output: { type: "string", short: "o", value: "PATH", description: "the folder for model.js and model.d.ts (tfjs-graph: model.json and shards), or the .onnx file (required)" },
    ...sharedOptions,
    ...fastMathOption,
    ...statsOptions,
  },
  details: [
    "The module exports `load(weights?, options?)`, which resolves to `{ predict(inputs) }`; inputs and outputs are",
    "{ name: { shape: number[], data: Float32Array } }. The tfjs module imports @tensorflow/tfjs; the js one nothing.",
    "tfjs-graph writes DIR/model.json (format graph-model) and group1-shard*of*.bin, for tf.loadGraphModel; onnx",
    "writes an ONNX model (opset 17) for onnxruntime. Both need the weights (--weights or --init); static masks are",
    "folded into the stored kernels, a mask fed at run time is an input. See docs/interop.md.",
    "--fast-math (js): Winograd F(4×4, 3×3) where it does fewer operations; see docs/performance.md for what it",
    "changes: outputs agree to float32 rounding, but exact independence of far inputs (a causality test) is lost.",
    "Examples:",
    "  mconv compile examples/seed_static.mconv --target js -o out/",
    "  mconv compile examples/seed.mconv --target tfjs-graph --weights examples/seed.weights.json -o out/graph",
    "  mconv compile examples/seed.mconv --target onnx --weights examples/seed.weights.json -o out/seed.onnx",
  ].join("\n"),
  async run(args, io) {
    const file = singleFile(args, this);
    const target = args.values["target"] as Target | ExportTarget | undefined;
    const out = args.values["output"];
    if (!target) throw new UsageError("--target tfjs|js|tfjs-graph|onnx is required");
    if (typeof out !== "string") throw new UsageError(target === "onnx" ? "-o FILE.onnx is required" : "-o DIR is required");
    const options = codegenOptions(args, target);
    const passReport = new PassReport(args, io);
    const prepared = passReport.timed("read and parse, passes", () => prepare(file, args, io.cwd, undefined, passReport.timing));
    if (!prepared.ok) return report(prepared, io);
    if (target === "tfjs-graph" || target === "onnx") {
      passReport.print(prepared.value.source, prepared.value.graph);
      return exportModel(prepared.value.graph, target, out, io);
    }
    const emitted = passReport.timed("codegen", () => emitModule(prepared.value.graph, target, options));
    passReport.print(prepared.value.source, prepared.value.graph);
    if (!emitted.ok) return report(emitted, io);
    for (const [file, text] of [["model.js", emitted.value], ["model.d.ts", DECLARATIONS]] as const) {
      const written = writeOutput(join(out, file), io.cwd, text);
      if (!written.ok) return report(written, io);
    }
    io.stderr(`mconv: wrote ${join(out, "model.js")} and ${join(out, "model.d.ts")}\n`);
    return EXIT.ok;
  },
};

/** Writes a tfjs GraphModel folder or an ONNX file. */
function exportModel(graph: Graph, target: ExportTarget, out: string, io: Parameters<Command["run"]>[1]): number {
  if (target === "onnx") {
    const bytes = emitOnnx(graph);
    if (!bytes.ok) return report(bytes, io);
    const written = writeOutput(out, io.cwd, bytes.value);
    if (!written.ok) return report(written, io);
    io.stderr(`mconv: wrote ${out}\n`);
    return EXIT.ok;
  }
  const files = emitGraphModel(graph);
  if (!files.ok) return report(files, io);
  const entries: [string, string | Uint8Array][] = [["model.json", JSON.stringify(files.value.modelJson)], ...files.value.shards];
  for (const [name, data] of entries) {
    const written = writeOutput(join(out, name), io.cwd, data);
    if (!written.ok) return report(written, io);
  }
  io.stderr(`mconv: wrote ${join(out, "model.json")} and ${files.value.shards.size} weight shard${files.value.shards.size === 1 ? "" : "s"}\n`);
  return EXIT.ok;
}
