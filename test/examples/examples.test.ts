// Every example network compiles and runs on the js and tfjs targets, agreeing with the reference interpreter
// to 1e-4 relative, on weights generated as Keras initializes new layers (--init random) and random inputs.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Backend, loadCompiled } from "../../src/codegen/index.js";
import { formatDiagnostics } from "../../src/diagnostics.js";
import { interpret } from "../../src/ir/interpret.js";
import { initWeights } from "../../src/io/init.js";
import { optimize } from "../../src/passes/pipeline.js";
import { repoRoot } from "../support/cli.js";
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
