// What the interop tests share: running the CLI for tensors, opening an exported GraphModel from its folder with a
// file IO handler (as tf.loadGraphModel's own file:// handler would), and writing weight fixtures in the exact
// formats other tools write — NumPy .npy/.npz bytes, and tfjs layers-models saved by tfjs itself.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { zipSync } from "fflate";
import { expect } from "vitest";
import { mconv } from "../support/cli.js";

/** The examples every client must run: the seed (dynamic and static mask) and the bigger networks. */
export const EXAMPLES = ["seed", "seed_static", "pixelcnn", "pixelcnn_rgb", "gated_pixelcnn", "inpainting", "gated_conv", "realnvp_masks"];

/** --weights for the seed (its weights file), --init random for the others. */
export const weightsArgs = (name: string) => (name === "seed" ? ["--weights", "examples/seed.weights.json"] : ["--init", "random", "--seed", "7"]);

export type Tensors = Record<string, { shape: number[]; data: number[] }>;

/** Runs `mconv ARGS…` in-process and returns its stdout parsed as tensors JSON (exit 0 expected). */
export async function runTensors(...argv: string[]): Promise<Tensors> {
  const r = await mconv(...argv);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Tensors;
}

/** Reads a tensors JSON file (an example's inputs) for feeding a client. */
export function readTensors(path: string): Tensors {
  return JSON.parse(readFileSync(path, "utf8")) as Tensors;
}

/** An IO handler over a GraphModel folder: model.json and the shard files its manifest lists. */
export function folderHandler(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
      const specs: tf.io.WeightsManifestEntry[] = [];
      const parts: Buffer[] = [];
      for (const group of json.weightsManifest) {
        specs.push(...group.weights);
        for (const p of group.paths) parts.push(readFileSync(join(dir, p)));
      }
      const all = Buffer.concat(parts);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        signature: json.signature,
        userDefinedMetadata: json.userDefinedMetadata,
        weightSpecs: specs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.length),
      };
    },
  };
}

/** NumPy's .npy bytes (format 1.0) for an array: float32 or float64, C or Fortran order flag as given. */
export function npyBytes(shape: readonly number[], data: ArrayLike<number>, options: { dtype?: "<f4" | "<f8" | "<i4"; fortran?: boolean } = {}): Uint8Array {
  const dtype = options.dtype ?? "<f4";
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(", ");
  let header = `{'descr': '${dtype}', 'fortran_order': ${options.fortran ? "True" : "False"}, 'shape': (${dims}), }`;
  // NumPy pads the header with spaces and a newline so the data starts at a multiple of 64 bytes.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, " ") + "\n";
  const size = dtype === "<f8" ? 8 : 4;
  const out = new Uint8Array(total + data.length * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  for (let i = 0; i < data.length; i++) {
    if (dtype === "<f8") view.setFloat64(total + i * 8, data[i]!, true);
    else if (dtype === "<i4") view.setInt32(total + i * 4, data[i]!, true);
    else view.setFloat32(total + i * 4, data[i]!, true);
  }
  return out;
}

/** An .npz archive (np.savez): a zip of NAME.npy members. */
export function npzBytes(arrays: Record<string, Uint8Array>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(arrays).map(([k, v]) => [`${k}.npy`, v])));
}

/**
 * Saves a tfjs layers model the way tfjs writes it to disk (model.json with format "layers-model" and a
 * weightsManifest, plus one .bin), through tfjs's own save(): the same artifacts Keras models are converted to.
 */
export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save({
    save: async (artifacts) => {
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ["group1-shard1of1.bin"], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, "model.json"), JSON.stringify(json));
      writeFileSync(join(dir, "group1-shard1of1.bin"), new Uint8Array(artifacts.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    },
  });
}
