// The tfjs-graph target through the real client: every example compiled to a GraphModel folder with
// `mconv compile --target tfjs-graph`, loaded by the stock tf.loadGraphModel, executed, and compared with
// `mconv run` on the same weights and inputs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { mconv, repoRoot, scratchDir } from "../support/cli.js";
import { maxRelativeError } from "../support/random.js";
import { EXAMPLES, folderHandler, readTensors, runTensors, weightsArgs } from "./support.js";

async function compileGraphModel(name: string): Promise<string> {
  const dir = scratchDir(`graph-${name}`);
  const r = await mconv("compile", `examples/${name}.mconv`, "--target", "tfjs-graph", ...weightsArgs(name), "-o", dir);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

describe("tfjs-graph target", () => {
  it.each(EXAMPLES)("%s runs on tf.loadGraphModel with the outputs of mconv run", async (name) => {
    const dir = await compileGraphModel(name);
    const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
    expect(json.format).toBe("graph-model");
    const model = await tf.loadGraphModel(folderHandler(dir));
    const inputsFile = `examples/${name}.inputs.json`;
    const inputs = readTensors(join(repoRoot, inputsFile));
    const feeds = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, tf.tensor(t.data, t.shape, "float32")]));
    const outputNames = Object.keys(json.signature.outputs);
    const nodes = outputNames.map((o) => json.signature.outputs[o].name.replace(/:0$/, ""));
    expect(model.inputNodes).toEqual(Object.keys(inputs));
    expect(model.outputNodes).toEqual(nodes);
    const got = model.execute(feeds, nodes);
    const list = Array.isArray(got) ? got : [got];
    const expected = await runTensors("run", `examples/${name}.mconv`, "--inputs", inputsFile, ...weightsArgs(name));
    expect(Object.keys(expected)).toEqual(outputNames);
    for (const [i, o] of outputNames.entries()) {
      expect(list[i]!.shape).toEqual(expected[o]!.shape);
      expect(maxRelativeError(list[i]!.dataSync(), expected[o]!.data)).toBeLessThan(1e-5);
    }
    tf.dispose([...list, ...Object.values(feeds)]);
    model.dispose();
  });

  it("folds a static mask into the stored kernel and fuses bias and relu into _FusedConv2D", async () => {
    const dir = await compileGraphModel("seed_static");
    const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
    const ops = json.modelTopology.node.map((n: { op: string }) => n.op);
    expect(ops).toEqual(["Placeholder", "Const", "Const", "_FusedConv2D", "Identity"]);
    const conv = json.modelTopology.node[3];
    const decode = (s: string) => Buffer.from(s, "base64").toString();
    expect(conv.attr.fused_ops.list.s.map(decode)).toEqual(["BiasAdd", "Relu"]);
    expect(decode(conv.attr.padding.s)).toBe("VALID");
    // The encodings tfjs-converter writes: strings base64, int64 as decimal strings, dtypes by enum name.
    expect(conv.attr.padding).toEqual({ s: "VkFMSUQ=" });
    expect(conv.attr.fused_ops).toEqual({ list: { s: ["Qmlhc0FkZA==", "UmVsdQ=="] } });
    expect(conv.attr.strides).toEqual({ list: { i: ["1", "1", "1", "1"] } });
    expect(conv.attr.num_args).toEqual({ i: "1" });
    expect(conv.attr.T).toEqual({ type: "DT_FLOAT" });
    // The stored kernel is the masked one: the mask's zero taps (0,2) and (2,0) hold zeros for every channel pair.
    const specs = json.weightsManifest[0].weights;
    expect(specs[0]).toEqual({ name: conv.input[1], shape: [3, 3, 3, 2], dtype: "float32" });
    const bytes = readFileSync(join(dir, json.weightsManifest[0].paths[0]));
    const kernel = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 3 * 3 * 3 * 2 * 4));
    const tap = (i: number, j: number) => Array.from(kernel.subarray((i * 3 + j) * 6, (i * 3 + j + 1) * 6));
    // (−0 where a negative weight met a zero tap.)
    expect(tap(0, 2).every((v) => v === 0)).toBe(true);
    expect(tap(2, 0).every((v) => v === 0)).toBe(true);
    expect(tap(1, 1).every((v) => v !== 0)).toBe(true);
  });

  it("keeps a mask fed per call as a second Placeholder multiplied into the filter", async () => {
    const dir = await compileGraphModel("seed");
    const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
    const byName = new Map(json.modelTopology.node.map((n: { name: string }) => [n.name, n]));
    const conv = json.modelTopology.node.find((n: { op: string }) => n.op === "_FusedConv2D");
    const filter = byName.get(conv.input[1]) as { op: string; input: string[] };
    expect(filter.op).toBe("Mul");
    const mask = byName.get(filter.input[1]) as { op: string; input: string[] };
    expect(mask.op).toBe("Reshape");
    expect(byName.get(mask.input[0])).toMatchObject({ name: "m", op: "Placeholder" });
    // Fed a different mask through predict(), the GraphModel follows it: all ones gives 9 live taps × 3 channels = 27.
    const model = await tf.loadGraphModel(folderHandler(dir));
    const out = model.predict({ x: tf.ones([1, 4, 4, 3]), m: tf.ones([3, 3]) }) as tf.Tensor;
    expect(Array.from(out.dataSync())).toEqual(new Array(8).fill(27));
  });

  it("refuses a model whose weights are not given, naming them", async () => {
    const r = await mconv("compile", "examples/seed.mconv", "--target", "tfjs-graph", "-o", scratchDir("graph-noweights"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error MC4010: a tfjs GraphModel carries its weights, but none were given for 'y.kernel', 'y.bias'");
  });
});
