// The backend-neutral plan: stages (load-time vs run-time), explicit padding by the SAME rule, live taps from
// constant data through reshape and mul (per run of groups), pool and transpose padding, generated identifiers,
// symbols, and which outputs own their storage.

import { describe, expect, test } from "vitest";
import { emitModule } from "../../src/codegen/index.js";
import { MAX_GROUP_RUNS, type Plan, planGraph } from "../../src/codegen/lower.js";
import { GraphBuilder } from "../../src/ir/builder.js";
import type { Graph } from "../../src/ir/node.js";
import { foundingDynamic, foundingStatic, graphOf } from "./cases.js";

function plan(graph: Graph): Plan {
  const p = planGraph(graph);
  if (!p.ok) throw new Error(p.diagnostics.map((d) => d.message).join("\n"));
  return p.value;
}


const FOUNDING_LIVE = [[0, 0], [0, 1], [1, 0], [1, 1], [1, 2], [2, 1], [2, 2]];

describe("stages", () => {
  test("params, constants and what is computed from them alone are load-time; the rest run per call", () => {
    const p = plan(foundingStatic("N"));
    const stages = Object.fromEntries(p.values.map((v) => [v.node.name, v.stage]));
    expect(stages).toEqual({
      x: "run", k: "load", b: "load", m: "load", "m.as_kernel": "load", "k.masked": "load", "y.conv": "run", y: "run",
    });
  });

  test("a fed mask makes its masked conv run-time; unused values are not needed", () => {
    const b = new GraphBuilder("Unused");
    const x = b.input("x", [1, 2, 2, 1]);
    b.relu(x, { name: "unused" });
    b.output("y", b.tanh(x, { name: "y" }));
    const p = plan(graphOf(b));
    expect(p.value("unused").needed).toBe(false);
    expect(p.value("y").needed).toBe(true);
    expect(plan(foundingDynamic()).value("y.conv").stage).toBe("run");
  });
});

describe("conv geometry", () => {
  function convPlan(h: number, k: number, attrs: Parameters<GraphBuilder["conv2d"]>[2]) {
    const b = new GraphBuilder("G");
    const x = b.input("x", [1, h, h, 1]);
    b.output("y", b.conv2d(x, b.param("k", [k, k, 1, 1]), attrs, { name: "y" }));
    return plan(graphOf(b)).value("y").conv!;
  }

  test("SAME follows TensorFlow: the extra pixel goes after (bottom, right)", () => {
    expect(convPlan(4, 3, { padding: "same", strides: [2, 2] })).toMatchObject({ pads: [0, 1, 0, 1], outSize: [2, 2] });
    expect(convPlan(5, 4, { padding: "same" })).toMatchObject({ pads: [1, 2, 1, 2], outSize: [5, 5] });
    expect(convPlan(5, 3, { padding: "same", dilations: [2, 2] })).toMatchObject({ pads: [2, 2, 2, 2], outSize: [5, 5] });
  });

  test("valid and explicit padding pass through", () => {
    expect(convPlan(5, 3, {})).toMatchObject({ pads: [0, 0, 0, 0], outSize: [3, 3], inSize: [5, 5], kernelSize: [3, 3] });
    expect(convPlan(5, 3, { padding: [1, 0, 2, 1], strides: [2, 3] })).toMatchObject({ pads: [1, 0, 2, 1], outSize: [2, 2] });
  });
});

describe("live taps", () => {
  test("a constant mask reshaped to [3,3,1,1] and multiplied into a param kernel kills its zero taps", () => {
    expect(plan(foundingStatic()).value("y.conv").conv!.liveTaps).toEqual(FOUNDING_LIVE);
  });

  test("a fed mask kills nothing", () => {
    expect(plan(foundingDynamic()).value("y.conv").conv!.liveTaps).toHaveLength(9);
  });

  test("a constant mask given to masked_conv2d kills its zero taps", () => {
    const b = new GraphBuilder("M");
    const x = b.input("x", [1, 4, 4, 2]);
    const m = b.constant([3, 3], [1, 1, 0, 1, 1, 1, 0, 1, 1]);
    b.output("y", b.maskedConv2d(x, b.param("k", [3, 3, 2, 1]), m, {}, { name: "y" }));
    expect(plan(graphOf(b)).value("y").conv!.liveTaps).toEqual(FOUNDING_LIVE);
  });

  test("a constant kernel: a tap is dead only when all its in × out weights are zero", () => {
    const b = new GraphBuilder("K");
    const x = b.input("x", [1, 3, 3, 2]);
    // [2,1,2,2]: tap (0,0) has one nonzero weight, tap (1,0) none.
    const k = b.constant([2, 1, 2, 2], [0, 0, 0, 5, 0, 0, 0, 0]);
    b.output("y", b.conv2d(x, k, {}, { name: "y" }));
    expect(plan(graphOf(b)).value("y").conv!.liveTaps).toEqual([[0, 0]]);
  });

  test("a rank-3 mask kills a tap only when it is zero for every in channel", () => {
    const b = new GraphBuilder("R3");
    const x = b.input("x", [1, 3, 3, 2]);
    const m = b.constant([1, 2, 2], [0, 1, 0, 0]);
    const m4 = b.reshape(m, [1, 2, 2, 1]);
    const k = b.mul(b.param("k", [1, 2, 2, 3]), m4);
    b.output("y", b.conv2d(x, k, {}, { name: "y" }));
    expect(plan(graphOf(b)).value("y").conv!.liveTaps).toEqual([[0, 0]]);
  });
});

describe("names", () => {
  test("identifiers are generated, symbols get their own", () => {
    const b = new GraphBuilder("Names");
    const x = b.input("x\"`${a}`*/\n", ["batch_size", 2, 2, 1]);
    b.output("__proto__", b.relu(x, { name: "constructor" }));
    const p = plan(graphOf(b));
    expect(p.values.map((v) => v.id)).toEqual(["v0", "v1"]);
    expect([...p.symbols]).toEqual([["batch_size", "s0"]]);
  });
});

describe("output storage", () => {
  test("an output owns its storage unless it is an input, load-time, or already handed out", () => {
    const b = new GraphBuilder("Outs");
    const x = b.input("x", [1, 2]);
    const r = b.relu(x, { name: "r" });
    b.output("r", r);
    b.output("r again", r);
    b.output("r reshaped", b.reshape(r, [2, 1]));
    b.output("x", x);
    b.output("x reshaped", b.reshape(x, [2, 1]));
    b.output("c", b.constant([1], [3]));
    const p = plan(graphOf(b));
    expect(p.outputs.map((o) => [o.name, o.owned])).toEqual([
      ["r", true], ["r again", false], ["r reshaped", false], ["x", false], ["x reshaped", false], ["c", false],
    ]);
    expect(p.value("r").returned).toBe(true);
  });
});

describe("graphs the verifier rejects", () => {
  test("are refused with its diagnostics, not emitted", () => {
    const g = foundingStatic();
    // A hand-made graph whose recorded type disagrees with the shape rule.
    const broken = { ...g, nodes: g.nodes.map((n) => (n.name === "y.conv" ? { ...n, type: { dtype: "f32" as const, shape: [1, 3, 3, 2] } } : n)) };
    const p = planGraph(broken);
    expect(p.ok).toBe(false);
    expect(p.diagnostics[0]!.code).toBe("MC3001");
    const m = emitModule(broken, "js");
    expect(m.ok).toBe(false);
  });
});

describe("groups", () => {
  /** Depthwise over `c` channels with a constant [1, 2, 1, c] mask whose channel o keeps tap (0, pattern[o]). */
  function depthwiseRuns(pattern: number[]) {
    const c = pattern.length;
    const b = new GraphBuilder("Runs");
    const x = b.input("x", [1, 2, 3, c]);
    const mask = b.constant([1, 2, 1, c], [0, 1].flatMap((j) => pattern.map((p) => (p === j ? 1 : 0))));
    b.output("y", b.maskedConv2d(x, b.param("k", [1, 2, 1, c]), mask, { groups: c }, { name: "y" }));
    return plan(graphOf(b)).value("y").conv!;
  }

  test("the plan records groups; live taps come per run of groups that share them", () => {
    const c = depthwiseRuns([0, 0, 1, 0]);
    expect(c).toMatchObject({ groups: 4, inChannels: 4, outChannels: 4, liveTaps: [[0, 0], [0, 1]] });
    expect(c.groupRuns).toEqual([
      { from: 0, to: 2, taps: [[0, 0]] },
      { from: 2, to: 3, taps: [[0, 1]] },
      { from: 3, to: 4, taps: [[0, 0]] },
    ]);
  });

  test(`beyond ${MAX_GROUP_RUNS} runs, one run over all groups with the union of the taps`, () => {
    const alternating = Array.from({ length: MAX_GROUP_RUNS + 1 }, (_, i) => i % 2);
    expect(depthwiseRuns(alternating).groupRuns).toEqual([{ from: 0, to: MAX_GROUP_RUNS + 1, taps: [[0, 0], [0, 1]] }]);
    expect(depthwiseRuns(alternating.slice(0, MAX_GROUP_RUNS)).groupRuns).toHaveLength(MAX_GROUP_RUNS);
  });

  test("a rank-3 mask [kh, kw, in / groups] is shared by every group", () => {
    const b = new GraphBuilder("G2");
    const x = b.input("x", [1, 3, 3, 4]);
    const mask = b.constant([2, 2, 2], [1, 1, 0, 0, 0, 0, 1, 0]);
    b.output("y", b.maskedConv2d(x, b.param("k", [2, 2, 2, 6]), mask, { groups: 2 }, { name: "y" }));
    expect(plan(graphOf(b)).value("y").conv!.groupRuns).toEqual([{ from: 0, to: 2, taps: [[0, 0], [1, 1]] }]);
  });
});

describe("pool and transpose geometry", () => {
  test("pools resolve SAME to pixels with the extra after, as convs do", () => {
    const b = new GraphBuilder("P");
    const x = b.input("x", ["N", 5, 4, 3]);
    b.output("y", b.add("avg_pool", [x], { window: [2, 3], strides: [2, 2], padding: "same" }, { name: "y" }));
    // rows: out 3, total (3-1)*2 + 2 - 5 = 1 → 0 before, 1 after; columns: out 2, total 2 + 3 - 4 = 1 → 0, 1.
    expect(plan(graphOf(b)).value("y").pool).toEqual({
      batch: "N", inSize: [5, 4], channels: 3, window: [2, 3], strides: [2, 2], pads: [0, 1, 0, 1], outSize: [3, 2],
    });
  });

  test("conv2d_transpose takes the padding of the forward conv from its output back to its input", () => {
    const b = new GraphBuilder("T");
    const x = b.input("x", [1, 3, 3, 2]);
    b.output("y", b.add("conv2d_transpose", [x, b.param("k", [4, 3, 5, 2])], { strides: [2, 2], padding: "same" }, { name: "y" }));
    // out 6×6; forward 6 → 3 with k 4, s 2: total (3-1)*2 + 4 - 6 = 2 → 1, 1; with k 3: total 1 → 0, 1.
    expect(plan(graphOf(b)).value("y").transpose).toMatchObject({ outSize: [6, 6], pads: [1, 1, 0, 1], inChannels: 2, outChannels: 5 });
  });
});
