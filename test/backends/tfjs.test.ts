// The tfjs target: no tensor outlives a call, the emitted module imports from a file inside the repository and
// runs, strides > 1 with dilations > 1 are decomposed, and a missing tfjs-node is a diagnostic, not a throw.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, test } from "vitest";
import { type Backend, emitModule, loadCompiled } from "../../src/codegen/index.js";
import { GraphBuilder } from "../../src/ir/builder.js";
import type { Graph } from "../../src/ir/node.js";
import { interpret } from "../../src/ir/interpret.js";
import { FOUNDING_WEIGHTS, expectClose, foundingDynamic, foundingInputs, foundingStatic, graphOf, importModuleFile, manyOps, manyOpsFeeds, removeModuleFiles, tensors } from "./cases.js";

afterAll(removeModuleFiles);

/** Inside the repository, so that the module's `@tensorflow/tfjs` import resolves; node_modules is git-ignored. */
const CACHE = join(process.cwd(), "node_modules", ".cache", "mconv-test");

function source(graph: Graph): string {
  const m = emitModule(graph, "tfjs");
  if (!m.ok) throw new Error(m.diagnostics.map((d) => d.message).join("\n"));
  return m.value;
}

describe.each(["tfjs-wasm", "tfjs-cpu"] as Backend[])("%s", (backend) => {
  test.each([
    ["fed mask", foundingDynamic("N"), true],
    ["folded mask", foundingStatic("N"), false],
  ] as const)("no tensor leaks across calls (%s)", async (_what, graph, dynamic) => {
    const before = tf.memory().numTensors;
    const loaded = await loadCompiled(graph, backend, FOUNDING_WEIGHTS());
    if (!loaded.ok) throw new Error("load failed");
    const kept = tf.memory().numTensors;
    for (const batch of [1, 2, 2, 3]) {
      const out = await loaded.value.predict(foundingInputs(batch, dynamic));
      expect(out.y!.data).toBeInstanceOf(Float32Array);
      expect(Array.from(out.y!.data)).toEqual(new Array(batch * 8).fill(21));
      expect(tf.memory().numTensors).toBe(kept);
    }
    loaded.value.dispose!();
    expect(tf.memory().numTensors).toBe(before);
  });

  test("a failing call leaks nothing either", async () => {
    const loaded = await loadCompiled(foundingDynamic(), backend, FOUNDING_WEIGHTS());
    if (!loaded.ok) throw new Error("load failed");
    const kept = tf.memory().numTensors;
    await expect(loaded.value.predict(foundingInputs(1, false))).rejects.toThrow("input 'm' is missing");
    expect(tf.memory().numTensors).toBe(kept);
    loaded.value.dispose!();
  });
});

test.each(["tfjs-wasm", "tfjs-cpu"] as Backend[])("%s: outputs of inputs and load-time values are copies, and leak nothing", async (backend) => {
  const b = new GraphBuilder("Alias");
  const x = b.input("x", [2]);
  const r = b.relu(x);
  b.output("x", x);
  b.output("r", r);
  b.output("r2", b.reshape(r, [2, 1]));
  b.output("c", b.constant([2], [5, 6]));
  b.output("w", b.param("w", [2]));
  const weights = tensors([["w", { shape: [2], data: [7, 8] }]]);
  const loaded = await loadCompiled(graphOf(b), backend, weights);
  if (!loaded.ok) throw new Error("load failed");
  const kept = tf.memory().numTensors;
  const data = Float32Array.from([-1, 2]);
  const out = await loaded.value.predict(tensors([["x", { shape: [2], data }]]));
  expect(tf.memory().numTensors).toBe(kept);
  const arrays = [data, ...["x", "r", "r2", "c", "w"].map((k) => out[k]!.data)];
  expect(new Set(arrays.map((a) => a.buffer)).size).toBe(arrays.length);
  out.c!.data[0] = 99;
  out.w!.data[0] = 99;
  const again = await loaded.value.predict(tensors([["x", { shape: [2], data }]]));
  expect(Object.fromEntries(Object.entries(again).map(([k, v]) => [k, [v.shape, Array.from(v.data)]]))).toEqual({
    x: [[2], [-1, 2]], r: [[2], [0, 2]], r2: [[2, 1], [0, 2]], c: [[2], [5, 6]], w: [[2], [7, 8]],
  });
  loaded.value.dispose!();
});

test("load-time values are computed in load(), inside its tidy, and only those the calls read are kept", () => {
  const text = source(foundingStatic());
  expect(text.indexOf("const v5 = tf.mul(v1, v4);")).toBeLessThan(text.indexOf("async function predict("));
  expect(text).toContain("return { v2, v5 };");
});

test("strides > 1 with dilations > 1: a stride-1 dilated conv, then an exact strided slice", async () => {
  const b = new GraphBuilder("StridedDilated");
  const x = b.input("x", [2, 9, 8, 2]);
  b.output("y", b.conv2d(x, b.param("k", [3, 2, 2, 3]), { strides: [2, 3], dilations: [2, 2], padding: "same" }, { name: "y" }));
  const graph = graphOf(b);
  expect(source(graph)).toContain("tf.stridedSlice(tf.conv2d(v0, v1, [1, 1], [[0, 0], [2, 2], [0, 1], [0, 0]], \"NHWC\", [2, 2])");
  const weights = tensors([["k", { shape: [3, 2, 2, 3], data: Float32Array.from({ length: 36 }, (_, i) => Math.sin(i)) }]]);
  const inputs = tensors([["x", { shape: [2, 9, 8, 2], data: Float32Array.from({ length: 288 }, (_, i) => Math.cos(i)) }]]);
  for (const backend of ["tfjs-wasm", "tfjs-cpu"] as const) {
    const loaded = await loadCompiled(graph, backend, weights);
    if (!loaded.ok) throw new Error("load failed");
    expectClose((await loaded.value.predict(inputs)).y!, interpret(graph, inputs, weights).y!, backend);
    loaded.value.dispose!();
  }
});

test("the emitted module imports from a file and runs on the backend its options name", async () => {
  mkdirSync(CACHE, { recursive: true });
  const mod = await importModuleFile(source(foundingStatic("N")), CACHE);
  for (const backend of ["cpu", "wasm", undefined]) {
    const model = await mod.load(FOUNDING_WEIGHTS(), backend ? { backend } : undefined);
    expect(tf.getBackend()).toBe(backend ?? "wasm");
    const out = await model.predict(foundingInputs(2));
    expect(Array.from(out.y!.data)).toEqual(new Array(16).fill(21));
    model.dispose!();
  }
  await expect(mod.load(FOUNDING_WEIGHTS(), { backend: "nope" })).rejects.toThrow("tfjs has no backend named 'nope'");
});

describe("tfjs-node, an optional peer that is not installed here", () => {
  test("loadCompiled reports MC4002 instead of throwing", async () => {
    const loaded = await loadCompiled(foundingStatic(), "tfjs-node", FOUNDING_WEIGHTS());
    expect(loaded.ok).toBe(false);
    expect(loaded.diagnostics).toHaveLength(1);
    expect(loaded.diagnostics[0]).toMatchObject({ severity: "error", code: "MC4002" });
    expect(loaded.diagnostics[0]!.message).toContain("@tensorflow/tfjs-node");
  });

  test("the emitted module's load() rejects with a clear message", async () => {
    mkdirSync(CACHE, { recursive: true });
    const mod = await importModuleFile(source(foundingStatic()), CACHE);
    await expect(mod.load(FOUNDING_WEIGHTS(), { backend: "tensorflow" })).rejects.toThrow(
      "the tensorflow backend needs the optional package @tensorflow/tfjs-node, which is not installed",
    );
  });
});

describe("a graph with most ops", () => {
  const graph = manyOps();
  const { weights, inputs } = manyOpsFeeds(graph);

  test.each(["tfjs-wasm", "tfjs-cpu"] as Backend[])("%s: agrees with interpret() and no tensor outlives a call or the model", async (backend) => {
    const before = tf.memory().numTensors;
    const loaded = await loadCompiled(graph, backend, weights);
    if (!loaded.ok) throw new Error("load failed");
    const kept = tf.memory().numTensors;
    for (const batch of [1, 2, 2, 3]) {
      const out = await loaded.value.predict(inputs(batch));
      expectClose(out.y!, interpret(graph, inputs(batch), weights).y!, `batch ${batch}`);
      expect(tf.memory().numTensors).toBe(kept);
    }
    loaded.value.dispose!();
    expect(tf.memory().numTensors).toBe(before);
  });

  test("load() prepares the constant-masked grouped kernel (split) and the batch_norm factors; calls do not", () => {
    const text = source(graph);
    const predict = text.indexOf("async function predict(");
    for (const made of [/const (v\d+)kernels = tf\.split\(/, /const (v\d+)scale = /, /const (v\d+)shift = /]) {
      const at = text.search(made);
      expect(at, String(made)).toBeGreaterThan(0);
      expect(at, String(made)).toBeLessThan(predict);
    }
    // The depthwise conv's mask is fed: its kernel is masked and reshaped per call.
    expect(text.slice(predict)).toMatch(/tf\.depthwiseConv2d\(/);
    expect(text.slice(predict)).toMatch(/const v\d+depthwise = tf\.reshape\(/);
  });
});
