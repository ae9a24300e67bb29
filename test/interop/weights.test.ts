// --weights in the formats other tools write: a tfjs layers-model saved by tfjs itself (the format Keras models
// are converted to), NumPy .npy folders and .npz archives (float32 and float64). Each run is checked against the
// same model run on a tensors JSON file of the same weights, and the layers-model also against the Keras-style
// model itself (tfjs layers) with the mask applied to its kernel.
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { mconv, scratchDir } from "../support/cli.js";
import { maxRelativeError } from "../support/random.js";
import { npyBytes, npzBytes, runTensors, saveLayersModel } from "./support.js";

const MASK = [1, 1, 0, 1, 1, 1, 0, 1, 1];
const MODEL = "examples/seed_static.mconv";

/** A tfjs layers model like Keras' Conv2D(2, 3, activation="relu") named `name`, seeded kernel and bias. */
function kerasConv(name: string, seed: number, filters = 2): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ name, filters, kernelSize: 3, activation: "relu", inputShape: [4, 4, 3], kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  const [kernel] = model.layers[0]!.getWeights();
  model.layers[0]!.setWeights([kernel!, tf.randomUniform([filters], -0.5, 0.5, "float32", seed)]);
  return model;
}

/** A scratch folder with random inputs for the seed model (batch 2) written as inputs.json. */
function inputsDir(prefix: string): { dir: string; inputs: string; x: tf.Tensor } {
  const dir = scratchDir(prefix);
  const x = tf.randomUniform([2, 4, 4, 3], -1, 1, "float32", 5);
  writeFileSync(join(dir, "inputs.json"), JSON.stringify({ x: { shape: x.shape, data: Array.from(x.dataSync()) } }));
  return { dir, inputs: join(dir, "inputs.json"), x };
}

/** The same weights as a tensors JSON file: what the imported ones must equal. */
function tensorsFile(dir: string, kernel: ArrayLike<number>, bias: ArrayLike<number>): string {
  const path = join(dir, "weights.json");
  writeFileSync(path, JSON.stringify({ "y.kernel": { shape: [3, 3, 3, 2], data: Array.from(kernel) }, "y.bias": { shape: [2], data: Array.from(bias) } }));
  return path;
}

describe("weights import", () => {
  it("reads a tfjs layers-model by the <layer>/<weight> convention, as the Keras model computes it", async () => {
    const { dir, inputs, x } = inputsDir("layers");
    const keras = kerasConv("y", 3);
    await saveLayersModel(keras, join(dir, "keras_model"));
    const got = await runTensors("run", MODEL, "--inputs", inputs, "--weights", join(dir, "keras_model/model.json"));
    // The Keras-side truth: the same layer with its kernel multiplied by the mask.
    const [kernel, bias] = keras.layers[0]!.getWeights();
    const masked = tf.mul(kernel!, tf.tensor(MASK, [3, 3, 1, 1]));
    keras.layers[0]!.setWeights([masked, bias!]);
    const expected = (keras.predict(x) as tf.Tensor).dataSync();
    expect(got["y"]!.shape).toEqual([2, 2, 2, 2]);
    expect(maxRelativeError(got["y"]!.data, expected)).toBeLessThan(1e-5);
    const viaJson = await runTensors("run", MODEL, "--inputs", inputs, "--weights", tensorsFile(dir, kernel!.dataSync(), bias!.dataSync()));
    expect(got["y"]!.data).toEqual(viaJson["y"]!.data);
  });

  it("renames Keras weight names with --weights-map", async () => {
    const { dir, inputs } = inputsDir("layers-map");
    const keras = kerasConv("conv2d_1", 4);
    await saveLayersModel(keras, join(dir, "keras_model"));
    writeFileSync(join(dir, "map.json"), JSON.stringify({ "conv2d_1/kernel": "y.kernel", "conv2d_1/bias": "y.bias" }));
    const args = ["run", MODEL, "--inputs", inputs, "--weights", join(dir, "keras_model/model.json")];
    const got = await runTensors(...args, "--weights-map", join(dir, "map.json"));
    const [kernel, bias] = keras.layers[0]!.getWeights();
    const viaJson = await runTensors("run", MODEL, "--inputs", inputs, "--weights", tensorsFile(dir, kernel!.dataSync(), bias!.dataSync()));
    expect(got["y"]!.data).toEqual(viaJson["y"]!.data);
    // Without the map the names do not match the model's, and the error lists what it has.
    const r = await mconv(...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error MC5021: weight 'y.kernel' is missing");
    expect(r.stderr).toContain("error MC5022: unknown weight 'conv2d_1.kernel'");
  });

  it("checks a layers-model's shapes against the model", async () => {
    const { dir, inputs } = inputsDir("layers-shape");
    await saveLayersModel(kerasConv("y", 1, 4), join(dir, "keras_model"));
    const r = await mconv("run", MODEL, "--inputs", inputs, "--weights", join(dir, "keras_model/model.json"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error MC5023: weight 'y.kernel' must have shape [3, 3, 3, 2] [height, width, in_channels, out_channels], got [3, 3, 3, 4]");
  });

  it("reads a folder of .npy files (float32 and float64) and an .npz archive", async () => {
    const { dir, inputs } = inputsDir("npy");
    const kernel = Array.from({ length: 54 }, (_, i) => Math.sin(i + 1) / 3);
    const bias = [0.25, -0.125];
    const viaJson = await runTensors("run", MODEL, "--inputs", inputs, "--weights", tensorsFile(dir, kernel, bias));
    const folder = join(dir, "weights");
    mkdirSync(folder);
    writeFileSync(join(folder, "y.kernel.npy"), npyBytes([3, 3, 3, 2], kernel));
    writeFileSync(join(folder, "y.bias.npy"), npyBytes([2], bias, { dtype: "<f8" }));
    const fromFolder = await runTensors("run", MODEL, "--inputs", inputs, "--weights", folder);
    expect(fromFolder["y"]!.data).toEqual(viaJson["y"]!.data);
    writeFileSync(join(dir, "w.npz"), npzBytes({ "y/kernel": npyBytes([3, 3, 3, 2], kernel, { dtype: "<f8" }), "y/bias": npyBytes([2], bias) }));
    const fromNpz = await runTensors("run", MODEL, "--inputs", inputs, "--weights", join(dir, "w.npz"));
    expect(fromNpz["y"]!.data).toEqual(viaJson["y"]!.data);
  });

  it("refuses Fortran order, other dtypes and wrong shapes with clear errors", async () => {
    const { dir, inputs } = inputsDir("npy-bad");
    const run = async (arrays: Record<string, Uint8Array>) => {
      const file = join(dir, `bad${Object.keys(arrays).join("")}.npz`.replace(/\//g, "_"));
      writeFileSync(file, npzBytes(arrays));
      return mconv("run", MODEL, "--inputs", inputs, "--weights", file);
    };
    const bias = npyBytes([2], [0, 0]);
    const fortran = await run({ "y.kernel": npyBytes([3, 3, 3, 2], new Array(54).fill(1), { fortran: true }), "y.bias": bias });
    expect(fortran.code).toBe(1);
    expect(fortran.stderr).toContain("error MC5031: 'y.kernel.npy' in");
    expect(fortran.stderr).toContain("is stored in Fortran (column-major) order");
    const ints = await run({ "y.kernel": npyBytes([3, 3, 3, 2], new Array(54).fill(1), { dtype: "<i4" }), "y.bias": bias });
    expect(ints.stderr).toContain("holds <i4 values; weights must be float32 ('<f4') or float64 ('<f8')");
    const shape = await run({ "y.kernel": npyBytes([3, 3, 2, 3], new Array(54).fill(1)), "y.bias": bias });
    expect(shape.stderr).toContain("error MC5023: weight 'y.kernel' must have shape [3, 3, 3, 2] [height, width, in_channels, out_channels], got [3, 3, 2, 3]");
  });
});
