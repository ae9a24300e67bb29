// Every example network compiles and runs on the js and tfjs targets, agreeing with the reference interpreter
// to 1e-4 relative, on weights generated as Keras initializes new layers (--init random) and random inputs.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Backend, loadCompiled } from "../../src/codegen/index.js";
import { formatDiagnostics } from "../../src/diagnostics.js";
import { interpret } from "../../src/ir/interpret.js";
import { initWeights } from "../../src/io/init.js";
import { optimize } from "../../src/passes/pipeline.js";
import { checkFeeds } from "../../src/io/feeds.js";
import { readTensorFile } from "../../src/io/tensorFile.js";
import { mconv, repoRoot } from "../support/cli.js";
import { maxRelativeError } from "../support/random.js";
import { exampleInputs, loadExample } from "./load.js";

const examples = readdirSync(join(repoRoot, "examples")).filter((f) => f.endsWith(".mconv") && !f.startsWith("seed"));

describe.each(examples)("examples/%s", (file) => {
  const graph = loadExample(file);
  const weights = initWeights(graph, "random", 1);
  const inputs = exampleInputs(graph, 2);
  const expected = interpret(graph, inputs, weights);
  const optimized = optimize(graph, { verify: true });

  it.each(["js", "tfjs-wasm", "tfjs-cpu"] satisfies Backend[])("runs on %s like the reference interpreter", async (backend) => {
    const model = await loadCompiled(optimized, backend, weights);
    if (!model.ok) throw new Error(formatDiagnostics(model.diagnostics));
    const actual = await model.value.predict(inputs);
    model.value.dispose?.();
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const name of Object.keys(expected)) {
      expect(actual[name]!.shape).toEqual(expected[name]!.shape);
      expect(maxRelativeError(actual[name]!.data, expected[name]!.data), name).toBeLessThan(1e-4);
    }
  });
});

it("every example but the seeds is covered", () => {
  expect(examples.sort()).toEqual(["gated_conv.mconv", "gated_pixelcnn.mconv", "inpainting.mconv", "pixelcnn.mconv", "pixelcnn_rgb.mconv", "realnvp_masks.mconv"]);
});

describe.each(examples)("examples/%s has an inputs file", (file) => {
  it("that fits its inputs, so the command in its header runs", async () => {
    const graph = loadExample(file);
    const path = join(repoRoot, "examples", file.replace(".mconv", ".inputs.json"));
    const tensors = readTensorFile({ name: path, text: readFileSync(path, "utf8") });
    if (!tensors.ok) throw new Error(formatDiagnostics(tensors.diagnostics));
    expect(formatDiagnostics(checkFeeds(graph, "input", tensors.value))).toBe("");
  });
});

it("runs an example from the command line on generated weights", async () => {
  const r = await mconv("run", "examples/gated_pixelcnn.mconv", "--inputs", "examples/gated_pixelcnn.inputs.json", "--init", "random", "--seed", "1", "--backend", "js");
  expect(r.code, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as Record<string, { shape: number[] }>;
  expect(out["logits"]!.shape).toEqual([1, 16, 16, 256]);
});
