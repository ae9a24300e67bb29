// `mconv weights FILE --init random [--seed S] [-o W.json]`: writes a weights file for a model — every parameter
// by name and shape, initialized as Keras initializes a new layer — to start from or to try a model with.

import { formatTensorJson } from "../io/tensorJson.js";
import { type Command, EXIT, UsageError, singleFile } from "./command.js";
import { generatedWeights, initOptions, loadModel, writeOutput } from "./frontend.js";
import { report } from "./report.js";

export const weightsCommand: Command = {
  name: "weights",
  summary: "Write a weights file for a model, generated from a seed (Keras' initializers).",
  usage: "FILE --init random|zeros [--seed S] [-o W.json]",
  options: {
    ...initOptions,
    output: { type: "string", short: "o", value: "W.json", description: "write to this file instead of stdout" },
  },
  details: [
    "Names and shapes follow the model: a layer y = conv2d(...) has y.kernel [kh, kw, in, out] and y.bias [out].",
    "Kernels: glorot_uniform; bias, beta, moving_mean: 0; gamma, moving_variance: 1.",
    "Example:",
    "  mconv weights examples/seed_static.mconv --init random --seed 1 -o w.json",
  ].join("\n"),
  async run(args, io) {
    const file = singleFile(args, this);
    if (args.values["init"] === undefined) throw new UsageError("--init random|zeros is required");
    const model = loadModel(file, io.cwd);
    if (!model.ok) return report(model, io);
    const text = formatTensorJson(generatedWeights(model.value, args)!);
    const out = args.values["output"];
    if (typeof out !== "string") io.stdout(text);
    else {
      const written = writeOutput(out, io.cwd, text);
      if (!written.ok) return report(written, io);
    }
    return EXIT.ok;
  },
};
