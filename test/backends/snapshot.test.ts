// Emitted modules are for people too: small cases per target pinned as files, read when they change. The same
// graphs also run here, so a snapshot never pins code that computes the wrong thing.

import { describe, expect, test } from "vitest";
import { type Target, emitModule, loadCompiled } from "../../src/codegen/index.js";
import { GraphBuilder } from "../../src/ir/builder.js";
import { interpret } from "../../src/ir/interpret.js";
import { FOUNDING_WEIGHTS, expectClose, foundingDynamic, foundingInputs, foundingStatic, graphOf, tensors } from "./cases.js";

/** A strided, dilated conv with SAME padding and a relu: shows the padding code (js) and the decomposition (tfjs). */
function stridedDilated() {
  const b = new GraphBuilder("StridedDilated");
  const x = b.input("x", ["N", 5, 5, 1]);
  const k = b.param("k", [2, 2, 1, 1]);
  b.output("y", b.relu(b.conv2d(x, k, { strides: [2, 2], dilations: [2, 1], padding: "same" }, { name: "y.conv" }), { name: "y" }));
  return graphOf(b);
}

/**
 * A depthwise conv whose constant mask differs per channel (js: a loop per run of groups), batch_norm from params
 * (folded in load()), a SAME avg_pool and a softmax off the last axis (tfjs: the shifted form).
 */
function grouped() {
  const b = new GraphBuilder("Grouped");
  const x = b.input("x", ["N", 3, 3, 2]);
  const mask = b.constant([2, 2, 1, 2], [1, 1, 1, 0, 1, 0, 0, 1], { name: "m" });
  const y = b.maskedConv2d(x, b.param("k", [2, 2, 1, 2]), mask, { groups: 2, padding: "same" }, { name: "y.conv" });
  const stats = ["gamma", "beta", "mean", "variance"].map((name) => b.param(name, [2]));
  const bn = b.add("batch_norm", [y, ...stats], { epsilon: 0.001 }, { name: "y.norm" });
  const pooled = b.add("avg_pool", [bn], { window: [2, 2], strides: [2, 2], padding: "same" }, { name: "y.pool" });
  b.output("y", b.add("softmax", [pooled], { axis: 1 }, { name: "y" }));
  return graphOf(b);
}

const CASES = [
  ["seed-static", foundingStatic("N"), FOUNDING_WEIGHTS(), foundingInputs(2)],
  ["seed", foundingDynamic(), FOUNDING_WEIGHTS(), foundingInputs(1, true)],
  [
    "strided-dilated",
    stridedDilated(),
    tensors([["k", { shape: [2, 2, 1, 1], data: [1, -2, 3, 0.5] }]]),
    tensors([["x", { shape: [2, 5, 5, 1], data: Float32Array.from({ length: 50 }, (_, i) => Math.sin(i)) }]]),
  ],
  [
    "grouped",
    grouped(),
    tensors([
      ["k", { shape: [2, 2, 1, 2], data: [1, -2, 3, 0.5, -1, 2, 0.25, 4] }],
      ["gamma", { shape: [2], data: [1, 2] }],
      ["beta", { shape: [2], data: [0, 0.5] }],
      ["mean", { shape: [2], data: [0.1, -0.2] }],
      ["variance", { shape: [2], data: [1, 4] }],
    ]),
    tensors([["x", { shape: [2, 3, 3, 2], data: Float32Array.from({ length: 36 }, (_, i) => Math.sin(i)) }]]),
  ],
] as const;

describe.each(["js", "tfjs"] as Target[])("%s", (target) => {
  test.each(CASES)("%s", async (name, graph, weights, inputs) => {
    const m = emitModule(graph, target);
    if (!m.ok) throw new Error("emit failed");
    await expect(m.value).toMatchFileSnapshot(`__snapshots__/${name}.${target}.mjs`);
    const loaded = await loadCompiled(graph, target === "js" ? "js" : "tfjs-cpu", weights);
    if (!loaded.ok) throw new Error("load failed");
    expectClose((await loaded.value.predict(inputs)).y!, interpret(graph, inputs, weights).y!);
    loaded.value.dispose?.();
  });
});
