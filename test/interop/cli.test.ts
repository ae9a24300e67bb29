// The interop options on the command line: --help text, usage errors, the files `compile` writes, and the
// weights formats' errors as the user sees them (file names in the messages, exit codes).
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mconv, scratchDir } from "../support/cli.js";
import { folderHandler, npyBytes } from "./support.js";

describe("mconv compile and run: interop options", () => {
  it("documents the targets, the backend and --weights-map in --help", async () => {
    const compile = (await mconv("compile", "--help")).stdout;
    expect(compile).toContain("(tfjs | js | tfjs-graph | onnx)");
    expect(compile).toContain("mconv compile examples/seed.mconv --target onnx --weights examples/seed.weights.json -o out/seed.onnx");
    const run = (await mconv("run", "--help")).stdout;
    expect(run).toContain("js | onnx | reference");
    expect(run).toContain("--weights-map MAP.json");
  });

  it("needs --weights for --weights-map, and -o for onnx", async () => {
    const r = await mconv("run", "examples/seed_static.mconv", "--inputs", "examples/seed_static.inputs.json", "--weights-map", "m.json");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--weights-map goes with --weights");
    const o = await mconv("compile", "examples/seed.mconv", "--target", "onnx");
    expect(o.code).toBe(2);
    expect(o.stderr).toContain("-o FILE.onnx is required");
  });

  it("writes a GraphModel folder and an ONNX file", async () => {
    const dir = scratchDir("cli-export");
    const g = await mconv("compile", "examples/pixelcnn.mconv", "--target", "tfjs-graph", "--init", "random", "-o", join(dir, "web"));
    expect(g.code, g.stderr).toBe(0);
    // Its weights (248 kB of float32) fit one 4 MB shard.
    expect(readdirSync(join(dir, "web")).sort()).toEqual(["group1-shard1of1.bin", "model.json"]);
    expect(g.stderr).toBe(`mconv: wrote ${join(dir, "web", "model.json")} and 1 weight shard\n`);
    const o = await mconv("compile", "examples/seed.mconv", "--target", "onnx", "--weights", "examples/seed.weights.json", "-o", join(dir, "seed.onnx"));
    expect(o.code, o.stderr).toBe(0);
    expect(existsSync(join(dir, "seed.onnx"))).toBe(true);
  });

  it("splits weights over 4 MB into shards that tf.loadGraphModel joins", async () => {
    const dir = scratchDir("cli-shards");
    writeFileSync(join(dir, "wide.mconv"), "model Wide {\n  input x: f32[1, 1100]\n  y = dense(x, units=1000)\n  output y\n}\n");
    const r = await mconv("compile", join(dir, "wide.mconv"), "--target", "tfjs-graph", "--init", "random", "-o", join(dir, "web"));
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, "web", "model.json"), "utf8"));
    // 1100 × 1000 + 1000 floats = 4,404,000 bytes: one full 4 MiB shard and the rest.
    expect(json.weightsManifest[0].paths).toEqual(["group1-shard1of2.bin", "group1-shard2of2.bin"]);
    expect(readFileSync(join(dir, "web", "group1-shard1of2.bin")).length).toBe(4 * 1024 * 1024);
    expect(readFileSync(join(dir, "web", "group1-shard2of2.bin")).length).toBe(4_404_000 - 4 * 1024 * 1024);
    const model = await tf.loadGraphModel(folderHandler(join(dir, "web")));
    const x = Array.from({ length: 1100 }, (_, i) => Math.cos(i));
    writeFileSync(join(dir, "x.json"), JSON.stringify({ x: { shape: [1, 1100], data: x } }));
    const expected = JSON.parse((await mconv("run", join(dir, "wide.mconv"), "--init", "random", "--inputs", join(dir, "x.json"))).stdout).y;
    const y = model.execute({ x: tf.tensor(x, [1, 1100]) }, "y") as tf.Tensor;
    const got = y.dataSync();
    const scale = Math.max(1, ...expected.data.map(Math.abs));
    expect(Math.max(...expected.data.map((v: number, i: number) => Math.abs(v - got[i]!))) / scale).toBeLessThan(1e-5);
  });

  it("tells a single .npy file from a folder, and names a broken file", async () => {
    const dir = scratchDir("cli-npy");
    writeFileSync(join(dir, "y.kernel.npy"), npyBytes([3, 3, 3, 2], new Array(54).fill(1)));
    const one = await mconv("run", "examples/seed_static.mconv", "--inputs", "examples/seed_static.inputs.json", "--weights", join(dir, "y.kernel.npy"));
    expect(one.code).toBe(1);
    expect(one.stderr).toContain("is one .npy array; give the folder of .npy files");
    writeFileSync(join(dir, "w.npz"), "not a zip");
    const bad = await mconv("run", "examples/seed_static.mconv", "--inputs", "examples/seed_static.inputs.json", "--weights", join(dir, "w.npz"));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`error MC5030: '${join(dir, "w.npz")}' is not a readable .npz (zip) archive`);
    // The folder lacks y.bias: the usual missing-weight error.
    const missing = await mconv("run", "examples/seed_static.mconv", "--inputs", "examples/seed_static.inputs.json", "--weights", dir);
    expect(missing.stderr).toContain("error MC5021: weight 'y.bias' is missing");
  });

  it("refuses a shard path that leaves the model's folder", async () => {
    const dir = scratchDir("cli-shard");
    const json = { format: "layers-model", modelTopology: {}, weightsManifest: [{ paths: ["../secret.bin"], weights: [{ name: "y/bias", shape: [2], dtype: "float32" }] }] };
    writeFileSync(join(dir, "model.json"), JSON.stringify(json));
    const r = await mconv("run", "examples/seed_static.mconv", "--inputs", "examples/seed_static.inputs.json", "--weights", join(dir, "model.json"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("lists the weight shard '../secret.bin', which cannot be read beside it");
  });
});
