// `mconv compile FILE --target tfjs|js [--weights W.json] -o DIR`: writes DIR/model.js, an ES module with
// `load(weights?)` → `{ predict(inputs) }`, and DIR/model.d.ts for TypeScript users. Weights given here are
// embedded; without them the module's load() takes them.

import { join } from "node:path";
import { type Target, emitModule } from "../codegen/index.js";
import { type Command, EXIT, UsageError, singleFile } from "./command.js";
import { prepare, sharedOptions, writeOutput } from "./frontend.js";
import { report } from "./report.js";

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
  usage: "FILE --target tfjs|js [--weights W.json] -o DIR",
  options: {
    target: { type: "string", value: "T", description: "what the module runs on", choices: ["tfjs", "js"] },
    output: { type: "string", short: "o", value: "DIR", description: "the folder to write model.js and model.d.ts into (required)" },
    ...sharedOptions,
  },
  details: [
    "The module exports `load(weights?, options?)`, which resolves to `{ predict(inputs) }`; inputs and outputs are",
    "{ name: { shape: number[], data: Float32Array } }. The tfjs module imports @tensorflow/tfjs; the js one nothing.",
    "Example:",
    "  mconv compile examples/seed_static.mconv --target js -o out/",
  ].join("\n"),
  async run(args, io) {
    const file = singleFile(args, this);
    const target = args.values["target"] as Target | undefined;
    const out = args.values["output"];
    if (!target) throw new UsageError("--target tfjs|js is required");
    if (typeof out !== "string") throw new UsageError("-o DIR is required");
    const prepared = prepare(file, args, io.cwd);
    if (!prepared.ok) return report(prepared, io);
    const emitted = emitModule(prepared.value.graph, target);
    if (!emitted.ok) return report(emitted, io);
    for (const [file, text] of [["model.js", emitted.value], ["model.d.ts", DECLARATIONS]] as const) {
      const written = writeOutput(join(out, file), io.cwd, text);
      if (!written.ok) return report(written, io);
    }
    io.stderr(`mconv: wrote ${join(out, "model.js")} and ${join(out, "model.d.ts")}\n`);
    return EXIT.ok;
  },
};
