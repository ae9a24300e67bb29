// The js target: dead taps emit no code (per run of groups), load-time values are computed in load(), the emitted
// module imports as an ES module from a file, and fed tensors that do not fit are refused naming the tensor,
// expected and given shape. The erf helper is the reference's, bit for bit.

import { tmpdir } from "node:os";
import { afterAll, describe, expect, test } from "vitest";
import { emitModule, loadCompiled } from "../../src/codegen/index.js";
import { GraphBuilder } from "../../src/ir/builder.js";
import type { Graph } from "../../src/ir/node.js";
import { interpret } from "../../src/ir/interpret.js";
import { helperSource } from "../../src/codegen/runtime.js";
import { erf } from "../../src/ir/ops/activation.js";
import { FOUNDING_WEIGHTS, expectClose, filled, foundingDynamic, foundingInputs, foundingStatic, graphOf, importModuleFile, manyOps, manyOpsFeeds, removeModuleFiles, tensors } from "./cases.js";

afterAll(removeModuleFiles);

function source(graph: Graph): string {
  const m = emitModule(graph, "js");
  if (!m.ok) throw new Error(m.diagnostics.map((d) => d.message).join("\n"));
  return m.value;
}

const count = (text: string, what: string) => text.split(what).length - 1;

/** A standalone module needs no package around it: the system's temporary folder will do. */
const importModule = (text: string) => importModuleFile(text, tmpdir());

describe("dead taps", () => {
  // Each conv's loops are written twice: as asm.js (js/asm.ts) and as the plain loops kept for heaps past its size.
  test("the folded founding mask leaves 7 of 9 tap blocks", () => {
    const text = source(foundingStatic());
    expect(count(text, "// tap (")).toBe(2 * 7);
    expect(count(text.slice(text.indexOf('"use asm"')), "// tap (")).toBe(7);
    expect(text).not.toContain("// tap (0, 2)");
    expect(text).not.toContain("// tap (2, 0)");
  });

  test("a fed mask leaves all 9, applied once per call into the packed kernel", () => {
    const text = source(foundingDynamic());
    expect(count(text, "// tap (")).toBe(2 * 9);
    const run = text.indexOf("function run(");
    expect(text.indexOf("const packed4Taps = [0, 1, 2, 3, 4, 5, 6, 7, 8];")).toBeLessThan(run);
    expect(text.indexOf("const tap = packed4Taps[t];")).toBeGreaterThan(run);
    expect(text.slice(run)).toMatch(/packed4\[.*\] = v2\[.*\] \* v1\[/);
  });

  test("a constant mask given to masked_conv2d: 7 taps, masked and packed once in load()", () => {
    const b = new GraphBuilder("M");
    const x = b.input("x", [1, 4, 4, 3]);
    const m = b.constant([3, 3], [1, 1, 0, 1, 1, 1, 0, 1, 1], { name: "m" });
    b.output("y", b.maskedConv2d(x, b.param("k", [3, 3, 3, 2]), m, {}, { name: "y" }));
    const text = source(graphOf(b));
    expect(count(text, "// tap (")).toBe(2 * 7);
    const packing = text.indexOf("const tap = packed3Taps[t];");
    expect(text).toContain("const packed3Taps = [0, 1, 3, 4, 5, 7, 8];");
    expect(packing).toBeGreaterThan(0);
    expect(packing).toBeLessThan(text.indexOf("function run("));
  });
});

test("load-time values are computed in load(), before the per-call function", () => {
  const text = source(foundingStatic());
  expect(text.indexOf("broadcastMul(v5")).toBeGreaterThan(0);
  expect(text.indexOf("broadcastMul(v5")).toBeLessThan(text.indexOf("function run("));
});

test("emitting is deterministic", () => {
  expect(source(foundingDynamic("N"))).toBe(source(foundingDynamic("N")));
});

test("the emitted module imports from a file and runs", async () => {
  const mod = await importModule(source(foundingStatic("N")));
  // Weights may be plain arrays of numbers.
  const model = await mod.load({ k: { shape: [3, 3, 3, 2], data: new Array(54).fill(1) }, b: { shape: [2], data: [0, 0] } });
  const out = await model.predict(foundingInputs(2));
  expect(out.y.shape).toEqual([2, 2, 2, 2]);
  expect(out.y.data).toBeInstanceOf(Float32Array);
  expect(Array.from(out.y.data)).toEqual(new Array(16).fill(21));
});

test("large constants are embedded as base64 float32 and decoded exactly", async () => {
  const b = new GraphBuilder("Big");
  const x = b.input("x", [1, 5, 5, 4]);
  const data = Float32Array.from({ length: 5 * 5 * 4 * 3 }, (_, i) => (i % 7 === 0 ? 0 : Math.fround(Math.sin(i) * 1e3)));
  data[1] = -0;
  data[2] = 1e-40; // subnormal
  b.output("y", b.conv2d(x, b.constant([5, 5, 4, 3], data), { padding: "same" }, { name: "y" }));
  const graph = graphOf(b);
  const text = source(graph);
  expect(text).toContain('decodeF32("');
  const model = await (await importModule(text)).load();
  const inputs = tensors([["x", { shape: [1, 5, 5, 4], data: Float32Array.from({ length: 100 }, (_, i) => Math.cos(i)) }]]);
  expectClose((await model.predict(inputs)).y, interpret(graph, inputs).y!);
});

describe("fed tensors that do not fit", () => {
  async function seed() {
    const loaded = await loadCompiled(foundingDynamic("N"), "js", FOUNDING_WEIGHTS());
    if (!loaded.ok) throw new Error("load failed");
    return loaded.value;
  }

  test.each([
    ["a missing input", tensors([["x", filled([1, 4, 4, 3], 1)]]), "input 'm' is missing; expected shape [3, 3]"],
    ["a wrong shape", tensors([["x", filled([1, 4, 4, 2], 1)], ["m", filled([3, 3], 1)]]), "input 'x' must have shape [N, 4, 4, 3], got [1, 4, 4, 2]"],
    ["a wrong rank", tensors([["x", filled([1, 4, 4, 3], 1)], ["m", filled([9], 1)]]), "input 'm' must have shape [3, 3], got [9]"],
    ["too few values", tensors([["x", { shape: [2, 4, 4, 3], data: new Float32Array(48) }], ["m", filled([3, 3], 1)]]), "input 'x' of shape [2, 4, 4, 3] needs 96 values, got 48"],
  ])("%s is refused", async (_what, inputs, message) => {
    await expect((await seed()).predict(inputs)).rejects.toThrow(message);
  });

  test("a symbol bound twice must agree", async () => {
    const b = new GraphBuilder("Two");
    const x = b.input("x", ["N", 2]);
    const y = b.input("y", ["N", 2]);
    b.output("z", b.mul(x, y));
    const loaded = await loadCompiled(graphOf(b), "js");
    if (!loaded.ok) throw new Error("load failed");
    const inputs = tensors([["x", filled([2, 2], 1)], ["y", filled([3, 2], 1)]]);
    await expect(loaded.value.predict(inputs)).rejects.toThrow("input 'y' must have shape [N, 2] with N = 2 as elsewhere, got [3, 2]");
  });

  test("missing and ill-shaped weights are refused at load with a diagnostic", async () => {
    const missing = await loadCompiled(foundingStatic(), "js", tensors([["k", filled([3, 3, 3, 2], 1)]]));
    expect(missing.ok).toBe(false);
    expect(missing.diagnostics[0]).toMatchObject({ code: "MC4003", message: expect.stringContaining("weight 'b' is missing; expected shape [2]") });
    const bad = await loadCompiled(foundingStatic(), "js", tensors([["k", filled([3, 3, 3, 1], 1)], ["b", filled([2], 0)]]));
    expect(bad.diagnostics[0]!.message).toContain("weight 'k' must have shape [3, 3, 3, 2], got [3, 3, 3, 1]");
  });
});

test("outputs never alias inputs, constants or each other", async () => {
  const b = new GraphBuilder("Alias");
  const x = b.input("x", [2]);
  const r = b.relu(x);
  b.output("x", x);
  b.output("r", r);
  b.output("r2", b.reshape(r, [2, 1]));
  b.output("c", b.constant([2], [5, 6]));
  const loaded = await loadCompiled(graphOf(b), "js");
  if (!loaded.ok) throw new Error("load failed");
  const data = Float32Array.from([-1, 2]);
  const out = await loaded.value.predict(tensors([["x", { shape: [2], data }]]));
  const arrays = [data, out.x!.data, out.r!.data, out.r2!.data, out.c!.data];
  expect(new Set(arrays.map((a) => a.buffer)).size).toBe(arrays.length);
  out.c!.data[0] = 99;
  const again = await loaded.value.predict(tensors([["x", { shape: [2], data }]]));
  expect(Array.from(again.c!.data)).toEqual([5, 6]);
  expect(Array.from(again.r2!.data)).toEqual([0, 2]);
});

describe("groups", () => {
  /** Depthwise over 2 channels with multiplier 2 and a constant [2,2,1,4] mask: taps (0,0), (0,1) for channel 0, (1,1) for 1. */
  function depthwise(mask: number[]): Graph {
    const b = new GraphBuilder("Depthwise");
    const x = b.input("x", [1, 3, 3, 2]);
    const m = b.constant([2, 2, 1, 4], mask, { name: "m" });
    b.output("y", b.maskedConv2d(x, b.param("k", [2, 2, 1, 4]), m, { groups: 2, padding: "same" }, { name: "y" }));
    return graphOf(b);
  }
  // [tap][out channel]: out channels 0, 1 belong to input channel 0, out channels 2, 3 to input channel 1.
  const PER_GROUP = [1, 1, 0, 0, /* (0,1) */ 1, 0, 0, 0, /* (1,0) */ 0, 0, 0, 0, /* (1,1) */ 0, 0, 1, 1];

  test("each run of groups has code for its own live taps only", () => {
    const text = source(depthwise(PER_GROUP));
    expect(text).toContain("// group 0: 2 live taps");
    expect(text).toContain("// group 1: 1 live tap");
    expect(count(text, "// tap (")).toBe(3);
    expect(text).not.toContain("// tap (1, 0)");
  });

  test("depthwise groups that share their live taps share blocks of 4 out channels across groups", () => {
    const text = source(depthwise([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]));
    expect(text).toContain("// groups 0 to 1: 2 live taps, 2 out channels each, in blocks across groups");
    // One block of 3 pixels × 4 channels per row: out channels 0, 1 read in channel 0, out channels 2, 3 in channel 1.
    expect(count(text, "// tap (")).toBe(2);
    // Inputs by their offset from the window: pixel p, in channel d at 2p + d.
    expect(text).toContain("const x0 = xp[at], x1 = xp[at + 1], x2 = xp[at + 2], x3 = xp[at + 3], x4 = xp[at + 4], x5 = xp[at + 5];");
    expect(text).toContain("a0_0 += x0 * w0; a0_1 += x0 * w1; a0_2 += x1 * w2; a0_3 += x1 * w3;");
    // Tap (1, 1): one padded row (4 pixels of 2 channels) and one pixel on, 10 values further.
    expect(text).toContain("a0_0 += x10 * w0; a0_1 += x10 * w1; a0_2 += x11 * w2; a0_3 += x11 * w3;");
  });

  test("one in channel: each input is loaded once per block, neighbouring taps reuse what earlier ones loaded", () => {
    // A 1×3 kernel over 5 pixels of 1 channel, VALID: one block of 3 output pixels reading input pixels 0 to 4.
    const b = new GraphBuilder("Row");
    const x = b.input("x", [1, 1, 5, 1]);
    b.output("y", b.conv2d(x, b.param("k", [1, 3, 1, 4]), {}, { name: "y" }));
    const text = source(graphOf(b));
    expect(count(text, "= xp[")).toBe(5);
    expect(text).toContain("const x0 = xp[at], x1 = xp[at + 1], x2 = xp[at + 2];");
    expect(text).toContain("const x3 = xp[at + 3];");
    expect(text).toContain("const x4 = xp[at + 4];");
    // Tap (0, 2): pixel 0 reads input 2, pixel 2 input 4.
    expect(text).toContain("a0_0 += x2 * w0;");
    expect(text).toContain("a2_3 += x4 * w3;");
  });

  test("groups with several in channels each loop over the groups of a run", () => {
    const b = new GraphBuilder("Grouped");
    const x = b.input("x", [1, 3, 3, 4]);
    b.output("y", b.conv2d(x, b.param("k", [2, 2, 2, 6]), { groups: 2 }, { name: "y" }));
    const text = source(graphOf(b));
    expect(text).toContain("for (let g = 0, xg = 0, og = 0, kg = 0; g < 2; g++, xg += 2, og += 3, kg += 24) {");
  });

  test("per-group taps compute what interpret() does", async () => {
    const graph = depthwise(PER_GROUP);
    const weights = tensors([["k", { shape: [2, 2, 1, 4], data: Float32Array.from({ length: 16 }, (_, i) => Math.sin(i + 1)) }]]);
    const inputs = tensors([["x", { shape: [1, 3, 3, 2], data: Float32Array.from({ length: 18 }, (_, i) => Math.cos(i)) }]]);
    const loaded = await loadCompiled(graph, "js", weights);
    if (!loaded.ok) throw new Error("load failed");
    expectClose((await loaded.value.predict(inputs)).y!, interpret(graph, inputs, weights).y!);
  });
});

test("the erf helper of the modules is the reference interpreter's erf, to the last bit", () => {
  const moduleErf = new Function(`${helperSource(new Set(["erf"]))}\nreturn erf;`)() as (x: number) => number;
  for (let i = -4000; i <= 4000; i++) {
    const x = i / 701;
    expect(Object.is(moduleErf(x), erf(x)), `erf(${x})`).toBe(true);
  }
});

test("batch_norm statistics fold into a scale and shift once, in load()", () => {
  const b = new GraphBuilder("Norm");
  const x = b.input("x", ["N", 3]);
  const stats = ["gamma", "beta", "mean", "variance"].map((name) => b.param(name, [3]));
  b.output("y", b.add("batch_norm", [x, ...stats], { epsilon: 1e-3 }, { name: "y" }));
  const text = source(graphOf(b));
  const run = text.indexOf("function run(");
  expect(text.indexOf("Math.sqrt(")).toBeGreaterThan(0);
  expect(text.indexOf("Math.sqrt(")).toBeLessThan(run);
  expect(text.slice(run)).toMatch(/ \* scale5\[c\] \+ shift5\[c\]/);
});

test("a graph with most ops agrees with interpret() for several batch sizes", async () => {
  const graph = manyOps();
  const { weights, inputs } = manyOpsFeeds(graph);
  const loaded = await loadCompiled(graph, "js", weights);
  if (!loaded.ok) throw new Error("load failed");
  for (const batch of [1, 3, 3, 2]) expectClose((await loaded.value.predict(inputs(batch))).y!, interpret(graph, inputs(batch), weights).y!, `batch ${batch}`);
});
