// docs/interop.md's walk-through is run as written: its `npx mconv` command lines run in a folder holding the
// examples it names and a Keras-style layers-model saved by tfjs itself (keras_model/, layer "y"); then the
// GraphModel it writes is loaded by tf.loadGraphModel and the ONNX file by onnxruntime-node, both giving the
// outputs `mconv run` wrote.
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/app.js";
import { repoRoot, scratchDir } from "../support/cli.js";
import { maxRelativeError } from "../support/random.js";
import { folderHandler, saveLayersModel } from "./support.js";

const doc = readFileSync(join(repoRoot, "docs/interop.md"), "utf8");
const commands = [...doc.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].flatMap((m) => m[1]!.split("\n").filter((l) => l.startsWith("npx mconv ")));

describe("docs/interop.md", () => {
  it("has the walk-through's commands", () => {
    expect(commands.length).toBe(3);
  });

  it("runs the walk-through: Keras layers-model → mconv → tfjs GraphModel and ONNX", async () => {
    const dir = scratchDir("interop-doc");
    mkdirSync(join(dir, "examples"));
    for (const f of ["seed_static.mconv", "seed_static.inputs.json"]) copyFileSync(join(repoRoot, "examples", f), join(dir, "examples", f));
    const keras = tf.sequential();
    // Seeded weights leaning positive, so that relu over a ones input leaves something above zero (an unseeded
    // Glorot kernel made every output negative about one run in four).
    const kernelInitializer = tf.initializers.randomUniform({ minval: -0.5, maxval: 1, seed: 7 });
    const biasInitializer = tf.initializers.randomNormal({ seed: 8 });
    keras.add(tf.layers.conv2d({ name: "y", filters: 2, kernelSize: 3, activation: "relu", inputShape: [4, 4, 3], kernelInitializer, biasInitializer }));
    await saveLayersModel(keras, join(dir, "keras_model"));
    for (const line of commands) {
      let stderr = "";
      const code = await runCli(line.split(/\s+/).slice(2), { stdout: () => {}, stderr: (t) => (stderr += t), cwd: dir });
      expect(code, `${line}\n${stderr}`).toBe(0);
    }
    const expected = JSON.parse(readFileSync(join(dir, "outputs.json"), "utf8")).y as { shape: number[]; data: number[] };
    const x = tf.ones([1, 4, 4, 3]);
    const model = await tf.loadGraphModel(folderHandler(join(dir, "web_model")));
    const y = model.execute({ x }, "y") as tf.Tensor;
    expect(y.shape).toEqual(expected.shape);
    expect(maxRelativeError(y.dataSync(), expected.data)).toBeLessThan(1e-5);
    const session = await ort.InferenceSession.create(join(dir, "seed_static.onnx"));
    const out = await session.run({ x: new ort.Tensor("float32", new Float32Array(48).fill(1), [1, 4, 4, 3]) });
    expect(maxRelativeError(out["y"]!.data as Float32Array, expected.data)).toBeLessThan(1e-5);
    // And the outputs are not trivially zero: relu of a random kernel over ones leaves something positive.
    expect(expected.data.some((v) => v > 0)).toBe(true);
    await session.release();
  });
});
