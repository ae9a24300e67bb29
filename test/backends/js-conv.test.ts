// The js conv kernel's edge cases against interpret() (float64): random convs drawn to hit the seams of the
// register blocking — output rows not a multiple of the pixel block, out channels not a multiple of 4, groups,
// depthwise with multipliers 1–4 (blocks across groups), strides, dilations, asymmetric explicit padding, batches of
// 0, 1 and 3, 1×1 and 7×7 kernels, sparse, diagonal and causal masks (constant: dead taps; fed: packed per call).
// Then the fused epilogue: convCode with a bias and each activation, against conv2d → bias_add → activation; and
// the dense kernel (3 rows × 4 out channels) on row counts and out channels around its blocks.

import { tmpdir } from "node:os";
import { afterAll, describe, expect, test } from "vitest";
import { emitModule, loadCompiled } from "../../src/codegen/index.js";
import { convCode } from "../../src/codegen/js/conv.js";
import { denseCode } from "../../src/codegen/js/linear.js";
import { JsContext } from "../../src/codegen/js/context.js";
import type { FusedActivation } from "../../src/codegen/js/epilogue.js";
import { planGraph } from "../../src/codegen/lower.js";
import { helperSource } from "../../src/codegen/runtime.js";
import { formatDiagnostics } from "../../src/diagnostics.js";
import { type TensorMap, interpret } from "../../src/ir/interpret.js";
import type { Padding } from "../../src/ir/types.js";
import { expectClose, graphOf, importModuleFile, removeModuleFiles, tensors } from "./cases.js";
import { Maker, prng } from "./random.js";

type MaskKind = "none" | "sparse" | "diagonal" | "causal" | "fed" | "fed-full";

/** A [kh, kw] mask: sparse (each tap dead with probability 1/2), diagonal (i = j live) or causal type A/B. */
function spatialMask(m: Maker, kind: "sparse" | "diagonal" | "causal", kh: number, kw: number): number[] {
  const typeA = m.r() < 0.5;
  const [ci, cj] = [Math.floor(kh / 2), Math.floor(kw / 2)];
  return Array.from({ length: kh * kw }, (_, t) => {
    const [i, j] = [Math.floor(t / kw), t % kw];
    if (kind === "sparse") return m.r() < 0.5 ? 0 : m.r() * 2 - 1;
    if (kind === "diagonal") return i === j ? 1 : 0;
    return i < ci || (i === ci && (j < cj || (!typeA && j === cj))) ? 1 : 0;
  });
}

interface ConvCase {
  readonly label: string;
  readonly graph: ReturnType<typeof graphOf>;
  readonly weights: TensorMap;
  readonly feeds: readonly TensorMap[];
}

function tryConv(seed: number): ConvCase | undefined {
  const m = new Maker(prng(seed));
  const [kh, kw] = m.pick([[1, 1], [7, 7], [3, 3], [2, 5], [1, 3], [4, 2]] as const);
  const shape = m.pick(["plain", "grouped", "depthwise"] as const);
  const per = m.pick([1, 2, 3, 4, 5, 6, 7, 9, 13]);
  const kin = shape === "depthwise" ? 1 : m.int(1, 3);
  const groups = shape === "plain" ? 1 : shape === "depthwise" ? m.int(2, 5) : m.int(2, 3);
  const out = shape === "depthwise" ? groups * m.int(1, 4) : groups * per;
  const c = kin * groups;
  const strides: [number, number] = [m.int(1, 3), m.int(1, 3)];
  const dilations: [number, number] = m.r() < 0.4 ? [m.int(1, 3), m.int(1, 3)] : [1, 1];
  const padding = m.pick<Padding>(["valid", "same", [m.int(0, 3), m.int(0, 3), m.int(0, 3), m.int(0, 3)]]);
  const symbolic = m.r() < 0.5;
  const batch = m.int(1, 3);
  const [h, w] = [m.int(1, 9), m.int(1, 14)];
  const maskKind = m.pick<MaskKind>(["none", "sparse", "diagonal", "causal", "fed", "fed-full"]);
  const x = m.input("x", [symbolic ? "N" : batch, h, w, c]);
  const k = m.param("k", [kh, kw, c / groups, out]);
  const attrs = { strides, dilations, padding, groups };
  let mask;
  if (maskKind === "fed") mask = m.input("m", [kh, kw]);
  else if (maskKind === "fed-full") mask = m.input("m", [kh, kw, c / groups, out]);
  else if (maskKind !== "none") mask = m.b.constant([kh, kw], spatialMask(m, maskKind, kh, kw), { name: "m" });
  const y = mask ? m.b.maskedConv2d(x, k, mask, attrs, { name: "y" }) : m.b.conv2d(x, k, attrs, { name: "y" });
  m.b.output("y", y);
  const built = m.b.build();
  if (!built.ok) return undefined;
  const feeds = symbolic ? [m.feed(1), m.feed(3), m.feed(0), m.feed(3)] : [m.feed(batch)];
  const label = `x[${symbolic ? "N" : batch},${h},${w},${c}] k${kh}x${kw} ${shape} g${groups} out${out} s${strides} d${dilations} p${padding} ${maskKind}`;
  return { label, graph: built.value, weights: tensors(m.weights), feeds };
}

function convCase(seed: number): ConvCase {
  for (let s = seed; ; s += 1000) {
    const c = tryConv(s);
    if (c) return c;
  }
}

const SEEDS = Array.from({ length: 120 }, (_, i) => 31000 + i);

test("the seeds reach the kernel's seams", () => {
  const labels = SEEDS.map((s) => convCase(s).label).join("\n");
  for (const wanted of [/k1x1/, /k7x7/, / plain /, / grouped /, / depthwise /, /out(5|6|7|9|13) /, /s[23],/, /d[23],|d\d,[23]/,
    /p\d,\d,\d,\d/, /psame/, /pvalid/, /x\[N,/, /x\[3,/, / sparse/, / diagonal/, / causal/, / fed$/m, / fed-full/]) {
    expect(labels, String(wanted)).toMatch(wanted);
  }
  // Depthwise with 1 out channel per group (blocks across groups).
  expect(labels).toMatch(/depthwise g(\d) out\1 /);
  // Output rows of several 3-pixel blocks and a rest of 1 or 2, and rows narrower than a block.
  const widths = SEEDS.map((s) => {
    const planned = planGraph(convCase(s).graph);
    if (!planned.ok) throw new Error("plan failed");
    return planned.value.value("y").conv!.outSize[1];
  });
  for (const rest of [1, 2]) expect(widths.some((w) => w > 3 && w % 3 === rest), `a row of blocks and ${rest} more`).toBe(true);
  expect(widths.some((w) => w < 3)).toBe(true);
});

describe("js conv kernel agrees with interpret()", () => {
  test.each(SEEDS)("seed %i", async (seed) => {
    const c = convCase(seed);
    const loaded = await loadCompiled(c.graph, "js", c.weights);
    if (!loaded.ok) throw new Error(`${c.label}\n${formatDiagnostics(loaded.diagnostics)}`);
    for (const feed of c.feeds) {
      expectClose((await loaded.value.predict(feed)).y!, interpret(c.graph, feed, c.weights).y!, `seed ${seed} (${c.label})`);
    }
  });
});

/**
 * The module text (or helpers) with convRun's asm.js heap never made, so that every conv runs the plain loops, as
 * past 1 GiB. Fails if the helper no longer reads as expected.
 */
function plainLoopsOnly(text: string): string {
  const limit = "if (bytes > 1073741824) {";
  expect(text).toContain(limit);
  return text.replace(limit, "if (true) {");
}

/** Equal element by element as Object.is has it: the same float32 values, NaN for NaN, -0 for -0. */
function expectSameBits(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  const differ = Array.from(got).findIndex((v, i) => !Object.is(v, want[i]));
  expect(differ, `${what}: first difference at ${differ}: ${got[differ]} against ${want[differ]}`).toBe(-1);
}

// Every module these tests load must be taken as asm.js: test/support/v8-warnings.ts fails the file otherwise.
afterAll(removeModuleFiles);

describe("the asm.js loops and the plain loops agree bit for bit", () => {
  // Grouped and depthwise convs have the plain loops only.
  const ungrouped = SEEDS.filter((s) => / plain /.test(convCase(s).label));
  test("there are enough of them", () => expect(ungrouped.length).toBeGreaterThan(25));
  test.each(ungrouped)("seed %i", async (seed) => {
    const c = convCase(seed);
    const emitted = emitModule(c.graph, "js");
    if (!emitted.ok) throw new Error(`${c.label}\n${formatDiagnostics(emitted.diagnostics)}`);
    const [asm, plain] = await Promise.all([emitted.value, plainLoopsOnly(emitted.value)].map((t) => importModuleFile(t, tmpdir())));
    const [a, p] = await Promise.all([asm!.load(c.weights, { threads: 1 }), plain!.load(c.weights, { threads: 1 })]);
    // The feeds, then the first again with infinities and NaN among its inputs.
    const first = c.feeds[0]!;
    const x = Float32Array.from(first.x!.data, (v, i) => (i % 7 === 3 ? [Infinity, -Infinity, NaN][i % 3]! : v));
    for (const feed of [...c.feeds, { ...first, x: { shape: first.x!.shape, data: x } }]) {
      expectSameBits((await a!.predict(feed)).y!.data, (await p!.predict(feed)).y!.data, `seed ${seed} (${c.label})`);
    }
  });
});

/** The outputs of a module and of its plain-loops twin, feed by feed, bit for bit; and against the oracle. */
async function expectBothLoops(graph: ReturnType<typeof graphOf>, weights: TensorMap, feeds: readonly TensorMap[], what: string) {
  const emitted = emitModule(graph, "js");
  if (!emitted.ok) throw new Error(`${what}\n${formatDiagnostics(emitted.diagnostics)}`);
  const [asm, plain] = await Promise.all([emitted.value, plainLoopsOnly(emitted.value)].map((t) => importModuleFile(t, tmpdir())));
  const [a, p] = await Promise.all([asm!.load(weights, { threads: 1 }), plain!.load(weights, { threads: 1 })]);
  for (const feed of feeds) {
    const got = (await a!.predict(feed)).y!;
    expectSameBits(got.data, (await p!.predict(feed)).y!.data, what);
    expectClose(got, interpret(graph, feed, weights).y!, what);
  }
}

test("two convs share the heap: batches that grow, shrink and grow again, each conv's weights and borders restored", async () => {
  const m = new Maker(prng(77));
  const x = m.input("x", ["N", 5, 6, 3]);
  const h = m.b.conv2d(x, m.param("k1", [3, 3, 3, 4]), { padding: "same" }, { name: "h" });
  m.b.output("y", m.b.conv2d(h, m.param("k2", [2, 2, 4, 9]), { padding: [1, 0, 2, 1], strides: [1, 2] }, { name: "y" }));
  // Batch 40 needs more than the first heap of 64 KiB: it grows, and each conv's module links to the new one.
  await expectBothLoops(graphOf(m.b), tensors(m.weights), [1, 40, 2, 40, 0, 7, 1].map((n) => m.feed(n)), "two convs");
});

test("a row too wide for an asm.js int literal product uses Math.imul", async () => {
  // 300 pixels × 440 channels × 8 bytes = 1,056,000 bytes per input row: 2^20 or more.
  const m = new Maker(prng(78));
  const x = m.input("x", ["N", 2, 300, 440]);
  m.b.output("y", m.b.conv2d(x, m.param("k", [1, 2, 440, 3]), {}, { name: "y" }));
  const graph = graphOf(m.b);
  const emitted = emitModule(graph, "js");
  expect(emitted.ok && emitted.value).toMatch(/imul\(/);
  await expectBothLoops(graph, tensors(m.weights), [m.feed(1), m.feed(2)], "wide rows");
});

describe("the fused epilogue: bias and activation in the store", () => {
  const ACTIVATIONS: FusedActivation[] = [
    { kind: "linear" },
    { kind: "relu" },
    { kind: "relu6" },
    { kind: "sigmoid" },
    { kind: "tanh" },
    { kind: "elu", alpha: 0.7 },
    { kind: "leaky_relu", alpha: 0.2 },
  ];

  /** conv2d (5 out channels: a block of 4 and 1) → bias_add → the activation, as separate ops. */
  function unfused(activation: FusedActivation) {
    const m = new Maker(prng(5));
    const x = m.input("x", [2, 5, 7, 3]);
    const k = m.param("k", [3, 3, 3, 5]);
    const b = m.param("b", [5], Float32Array.from([3, -3, 0.5, 7, -0.5]));
    const conv = m.b.conv2d(x, k, { padding: "same" }, { name: "conv" });
    let y = m.b.biasAdd(conv, b);
    if (activation.kind === "relu") y = m.b.relu(y);
    if (activation.kind === "relu6") y = m.b.add("clamp", [y], { min: 0, max: 6 });
    if (activation.kind === "sigmoid") y = m.b.sigmoid(y);
    if (activation.kind === "tanh") y = m.b.tanh(y);
    if (activation.kind === "elu") y = m.b.add("elu", [y], { alpha: activation.alpha });
    if (activation.kind === "leaky_relu") y = m.b.add("leaky_relu", [y], { alpha: activation.alpha });
    m.b.output("y", y);
    return { graph: graphOf(m.b), weights: tensors(m.weights), feed: m.feed(2) };
  }

  test.each(ACTIVATIONS)("$kind", (activation) => {
    const { graph, weights, feed } = unfused(activation);
    const planned = planGraph(graph);
    if (!planned.ok) throw new Error("plan failed");
    const plan = planned.value;
    const ctx = new JsContext(plan);
    const conv = plan.value("conv");
    const e = convCode(conv, ctx, { x: "x", kernel: "k", bias: "b" }, activation);
    const [x, k, b] = ["x", "k", "b"].map((n) => plan.value(n).id) as [string, string, string];
    expect(e.reads).toEqual(["x", "b"]);
    const body = [...ctx.takeDecls(), ...(e.setup ?? []), ...e.code, `return ${conv.id};`].join("\n");
    const make = (helpers: string) => new Function(x, k, b, `${helpers}\n${body}`) as (...a: Float32Array[]) => Float32Array;
    const args = [feed.x!.data as Float32Array, weights.k!.data as Float32Array, weights.b!.data as Float32Array];
    const got = make(helperSource(ctx.helpers))(...args);
    expectClose({ shape: [2, 5, 7, 5], data: got }, interpret(graph, feed, weights).y!, activation.kind);
    // The plain loops (kept for heaps past asm.js's size) give the same numbers, bit for bit.
    expectSameBits(make(plainLoopsOnly(helperSource(ctx.helpers)))(...args), got, activation.kind);
  });
});

test("a fed mask with narrowed live taps: only those taps are packed and computed, the rest count as zero", () => {
  // What a declared support (`m: f32[7,7] within causal(7, type=A)`) gives the plan: 24 of 49 live taps.
  const m = new Maker(prng(9));
  const x = m.input("x", [2, 6, 8, 2]);
  const mask = m.input("m", [7, 7]);
  m.b.output("y", m.b.maskedConv2d(x, m.param("k", [7, 7, 2, 6]), mask, { padding: "same" }, { name: "y" }));
  const graph = graphOf(m.b);
  const planned = planGraph(graph);
  if (!planned.ok) throw new Error("plan failed");
  const plan = planned.value;
  const causal = spatialMaskOf(7, true);
  const planned7 = plan.value("y");
  const value = { ...planned7, conv: { ...planned7.conv!, liveTaps: planned7.conv!.liveTaps.filter(([i, j]) => causal[i * 7 + j] === 1) } };
  const ctx = new JsContext(plan);
  const e = convCode(value, ctx, { x: "x", kernel: "k", mask: "m" });
  const text = [...ctx.takeDecls(), ...(e.setup ?? []), ...e.code].join("\n");
  // 24 taps in each of 4 blocks: 3 pixels or the row's last 2, times out channels 0–3 or 4–5; in the asm.js loops
  // and again in the plain ones.
  expect(text.split("// tap (").length - 1).toBe(2 * 24 * 4);
  expect(text).not.toContain("// tap (3, 3)");
  const ids = ["x", "k", "m"].map((n) => plan.value(n).id);
  const run = new Function(...ids, `${helperSource(ctx.helpers)}\n${text}\nreturn ${value.id};`) as (...a: Float32Array[]) => Float32Array;
  const feed = m.feed(2);
  // The fed mask is nonzero everywhere, also off its support: those taps must not count.
  const fed = Float32Array.from({ length: 49 }, (_, t) => 0.5 + t / 49);
  const onSupport = Float32Array.from(fed, (v, t) => v * causal[t]!);
  const got = run(feed.x!.data as Float32Array, m.weights[0]![1].data, fed);
  const want = interpret(graph, tensors([["x", feed.x! as { shape: number[]; data: Float32Array }], ["m", { shape: [7, 7], data: onSupport }]]), tensors(m.weights)).y!;
  expectClose({ shape: want.shape, data: got }, want);
});

/** The causal mask of PixelCNN, [k, k] flat: rows above the centre, the centre row left of it (type B: and it). */
function spatialMaskOf(k: number, typeA: boolean): number[] {
  const c = Math.floor(k / 2);
  return Array.from({ length: k * k }, (_, t) => {
    const [i, j] = [Math.floor(t / k), t % k];
    return i < c || (i === c && (j < c || (!typeA && j === c))) ? 1 : 0;
  });
}

describe("the dense kernel", () => {
  // Rows 0–7 (blocks of 3 and each tail), out channels around blocks of 4 (a loop of them from 8 on).
  const CASES = [1, 3, 4, 5, 8, 9, 13].flatMap((out, i) => [{ out, rows: i % 8, kernel: i % 2 === 0 ? "param" : "input" }, { out, rows: 7 - (i % 4), kernel: "param" }]);

  test.each(CASES)("$rows rows to $out out channels, kernel a $kernel", async ({ out, rows, kernel }) => {
    const m = new Maker(prng(out * 10 + rows));
    const x = m.input("x", ["N", 2, 5]);
    const k = kernel === "param" ? m.param("k", [5, out]) : m.input("k", [5, out]);
    m.b.output("y", m.b.add("dense", [x, k], {}, { name: "y" }));
    const graph = graphOf(m.b);
    const loaded = await loadCompiled(graph, "js", tensors(m.weights));
    if (!loaded.ok) throw new Error(formatDiagnostics(loaded.diagnostics));
    // rows = N · 2; an odd row count comes from a rank-2 input below.
    for (const n of [Math.floor(rows / 2), Math.ceil(rows / 2)]) {
      const feed = m.feed(n);
      expectClose((await loaded.value.predict(feed)).y!, interpret(graph, feed, tensors(m.weights)).y!, `N = ${n}`);
    }
  });

  test.each([1, 2, 3, 4, 5, 7])("%i rows of a rank-2 input, bias and elu fused", (rows) => {
    const m = new Maker(prng(rows));
    const x = m.input("x", [rows, 6]);
    const k = m.param("k", [6, 9]);
    const b = m.param("b", [9]);
    const d = m.b.add("dense", [x, k], {}, { name: "d" });
    m.b.output("y", m.b.add("elu", [m.b.biasAdd(d, b)], { alpha: 0.5 }));
    const graph = graphOf(m.b);
    const planned = planGraph(graph);
    if (!planned.ok) throw new Error("plan failed");
    const plan = planned.value;
    const ctx = new JsContext(plan);
    const value = plan.value("d");
    const e = denseCode(value, ctx, { x: "x", kernel: "k", bias: "b" }, { kind: "elu", alpha: 0.5 });
    const ids = ["x", "k", "b"].map((n) => plan.value(n).id);
    const body = [...ctx.takeDecls(), ...(e.setup ?? []), ...e.code, `return ${value.id};`].join("\n");
    const run = new Function(...ids, `${helperSource(ctx.helpers)}\n${body}`) as (...a: Float32Array[]) => Float32Array;
    const feed = m.feed(1);
    const got = run(feed.x!.data as Float32Array, m.weights[0]![1].data, m.weights[1]![1].data);
    expectClose({ shape: [rows, 9], data: got }, interpret(graph, feed, tensors(m.weights)).y!);
  });
});

describe("the conv2d_transpose kernel", () => {
  // Out channels around blocks of 4 (a loop of them from 8 on), strides 1–3, both paddings, kernel param or input.
  const CASES = [1, 3, 4, 5, 8, 9, 13].flatMap((out, i) => [
    { out, strides: [1 + (i % 3), 1 + ((i + 1) % 3)] as [number, number], padding: "same" as const, kernel: "param" },
    { out, strides: [1 + ((i + 2) % 3), 2] as [number, number], padding: "valid" as const, kernel: i % 2 === 0 ? "input" : "param" },
  ]);

  test.each(CASES)("to $out out channels, strides $strides, $padding, kernel a $kernel", async ({ out, strides, padding, kernel }) => {
    const m = new Maker(prng(out * 7 + strides[0]));
    const x = m.input("x", ["N", 3, 4, 3]);
    const shape = [m.int(1, 4), m.int(1, 4), out, 3];
    const k = kernel === "param" ? m.param("k", shape) : m.input("k", shape);
    m.b.output("y", m.b.add("conv2d_transpose", [x, k], { strides, padding }, { name: "y" }));
    const graph = graphOf(m.b);
    const loaded = await loadCompiled(graph, "js", tensors(m.weights));
    if (!loaded.ok) throw new Error(formatDiagnostics(loaded.diagnostics));
    for (const n of [2, 0, 1]) {
      const feed = m.feed(n);
      expectClose((await loaded.value.predict(feed)).y!, interpret(graph, feed, tensors(m.weights)).y!, `N = ${n}`);
    }
  });
});
