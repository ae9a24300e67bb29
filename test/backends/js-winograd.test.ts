// The js target's Winograd convs (codegen option fastMath, src/codegen/js/winograd.ts): the transforms compute the
// correlation they stand for; the cost model picks Winograd where it does fewer operations and never where it
// cannot apply; random convs that take it agree with interpret() (float64), around the seams of its tiles (output
// sizes not a multiple of 4, chunks of tile rows, out channels not a multiple of 4), with masks constant and fed,
// bias and activations fused, batches of 0 to 3 and two threads; an input or weight that is not finite runs the
// direct loops, and gives their very numbers (infinities and NaNs where they put them); without fastMath nothing
// changes.

import { describe, expect, test } from "vitest";
import { emitModule, loadCompiled, planGraph } from "../../src/codegen/index.js";
import { transform1D, winogradPlan } from "../../src/codegen/js/winograd.js";
import { formatDiagnostics } from "../../src/diagnostics.js";
import { type TensorMap, interpret } from "../../src/ir/interpret.js";
import type { Graph } from "../../src/ir/node.js";
import type { Padding } from "../../src/ir/types.js";
import { optimize } from "../../src/passes/pipeline.js";
import { expectClose, graphOf, tensors } from "./cases.js";
import { Maker, prng } from "./random.js";

describe("the Toom-Cook transforms", () => {
  test("F(4, 3) is Lavin and Gray's, up to the signs of Bᵀ's rows", () => {
    const t = transform1D(4, 3);
    expect(t.AT).toEqual([
      [1, 1, 1, 1, 1, 0],
      [0, 1, -1, 2, -2, 0],
      [0, 1, 1, 4, 4, 0],
      [0, 1, -1, 8, -8, 1],
    ]);
    const lavin = [
      [4, 0, -5, 0, 1, 0],
      [0, -4, -4, 1, 1, 0],
      [0, 4, -4, -1, 1, 0],
      [0, -2, -1, 2, 1, 0],
      [0, 2, -1, -2, 1, 0],
      [0, 4, 0, -5, 0, 1],
    ];
    t.BT.forEach((row, i) => {
      const sign = row.find((v) => v !== 0)! * lavin[i]!.find((v) => v !== 0)! > 0 ? 1 : -1;
      expect(row.map((v) => v * sign + 0)).toEqual(lavin[i]);
    });
  });

  test.each([1, 2, 3])("F(4, %i): Aᵀ [(G g) ⊙ (Bᵀ d)] is the correlation of d with g, for random integers", (r) => {
    const t = transform1D(4, r);
    expect(t.alpha).toBe(4 + r - 1);
    const next = prng(r);
    for (let trial = 0; trial < 20; trial++) {
      const g = Array.from({ length: r }, () => Math.floor(next() * 19) - 9);
      const d = Array.from({ length: t.alpha }, () => Math.floor(next() * 19) - 9);
      const gt = t.G.map((row) => row.reduce((s, [n, den], j) => s + (n / den) * g[j]!, 0));
      const dt = t.BT.map((row) => row.reduce((s, v, j) => s + v * d[j]!, 0));
      const y = t.AT.map((row) => row.reduce((s, v, p) => s + v * gt[p]! * dt[p]!, 0));
      const want = Array.from({ length: 4 }, (_, k) => g.reduce((s, gj, j) => s + gj * d[k + j]!, 0));
      y.forEach((v, k) => expect(Math.abs(v - want[k]!)).toBeLessThan(1e-9));
      for (const row of t.BT) for (const v of row) expect(Number.isInteger(v)).toBe(true);
    }
  });
});

/** A conv graph: x [batch, h, w, ci] → out channels, a [kh, kw] kernel, an optional mask and bias + activation. */
function convGraph(o: {
  batch: number | "N";
  h: number;
  w: number;
  ci: number;
  co: number;
  k: readonly [number, number];
  padding: Padding;
  mask: "none" | "causal" | "sparse" | "fed" | "fed-full" | "fed-in" | "fed-out";
  strides?: [number, number];
  dilations?: [number, number];
  groups?: number;
  epilogue?: "relu" | "sigmoid" | "bias";
  seed: number;
}) {
  const m = new Maker(prng(o.seed));
  const [kh, kw] = o.k;
  const groups = o.groups ?? 1;
  const x = m.input("x", [o.batch, o.h, o.w, o.ci]);
  const k = m.param("k", [kh, kw, o.ci / groups, o.co]);
  const attrs = { padding: o.padding, strides: o.strides ?? [1, 1], dilations: o.dilations ?? [1, 1], groups } as const;
  let mask;
  if (o.mask === "causal") {
    const [ci, cj] = [kh >> 1, kw >> 1];
    mask = m.b.constant([kh, kw], Array.from({ length: kh * kw }, (_, t) => (Math.floor(t / kw) < ci || (Math.floor(t / kw) === ci && t % kw <= cj) ? 1 : 0)), { name: "m" });
  } else if (o.mask === "sparse") mask = m.b.constant([kh, kw], Array.from({ length: kh * kw }, (_, t) => (t === 0 || m.r() < 0.6 ? m.r() * 2 - 1 : 0)), { name: "m" });
  else if (o.mask === "fed") mask = m.input("m", [kh, kw]);
  else if (o.mask === "fed-full") mask = m.input("m", [kh, kw, o.ci, o.co]);
  else if (o.mask === "fed-in") mask = m.input("m", [kh, kw, o.ci]);
  else if (o.mask === "fed-out") mask = m.input("m", [kh, kw, 1, o.co]);
  let y = mask ? m.b.maskedConv2d(x, k, mask, attrs, { name: "conv" }) : m.b.conv2d(x, k, attrs, { name: "conv" });
  if (o.epilogue) y = m.b.biasAdd(y, m.param("b", [o.co]));
  if (o.epilogue === "relu") y = m.b.relu(y);
  if (o.epilogue === "sigmoid") y = m.b.sigmoid(y);
  m.b.output("y", y);
  return { graph: graphOf(m.b), weights: tensors(m.weights), m };
}

const usesWinograd = (text: string) => text.includes("by Winograd F(4×4");

describe("the cost model", () => {
  const planOf = (o: Parameters<typeof convGraph>[0]) => {
    const planned = planGraph(optimize(convGraph(o).graph, { target: "js" }));
    if (!planned.ok) throw new Error("plan failed");
    const c = planned.value.values.find((v) => v.conv !== undefined)!.conv!;
    return winogradPlan(c, c.liveTaps);
  };
  const base = { batch: 2, h: 28, w: 28, ci: 64, co: 64, k: [3, 3], padding: "same", mask: "none", seed: 1 } as const;

  test("takes the bench's convs: 3×3 type B at 64 channels (cropped to 2×3) and 7 of 9 at 32 → 64", () => {
    const b = planOf({ ...base, mask: "causal" });
    expect(b && [b.rows.r, b.cols.r, b.tilesH, b.tilesW, b.extraH, b.extraW]).toEqual([2, 3, 7, 7, 0, 0]);
    const valid = planOf({ ...base, h: 64, w: 64, ci: 32, padding: "valid" });
    // 62 × 62 outputs: 16 × 16 tiles, the last row and column of tiles half outside.
    expect(valid && [valid.rows.r, valid.tilesH, valid.extraH, valid.chunkRows * valid.tilesW <= 64]).toEqual([3, 16, 2, true]);
  });

  test.each([
    ["stride 2", { strides: [2, 2] }],
    ["dilation 2", { dilations: [2, 2] }],
    ["2 groups", { groups: 2 }],
    ["a 5×5 kernel", { k: [5, 5] }],
    ["a 1×1 kernel", { k: [1, 1] }],
    ["4 channels (the compile bench's chain)", { ci: 4, co: 4, h: 8, w: 8 }],
    ["1 input channel (a first layer)", { ci: 1 }],
    ["a 1×1 output", { h: 3, w: 3, padding: "valid" }],
  ] as const)("leaves the direct loops for %s", (_, change) => {
    expect(planOf({ ...base, ...change } as Parameters<typeof convGraph>[0])).toBeUndefined();
  });
});

/** The same numbers, NaN for NaN. */
function expectSame(got: { data: ArrayLike<number> }, want: { data: ArrayLike<number> }, what = "") {
  expect(got.data.length).toBe(want.data.length);
  for (let i = 0; i < want.data.length; i++) {
    if (!Object.is(got.data[i], want.data[i])) expect(got.data[i], `${what} at ${i}`).toBe(want.data[i]);
  }
}

/** The model (after the js pipeline) without fast math and with it, loaded on one thread; fast math takes Winograd. */
async function bothWays(source: Graph, weights: TensorMap) {
  const graph = optimize(source, { target: "js" });
  const text = emitModule(graph, "js", { fastMath: true });
  expect(text.ok && usesWinograd(text.value)).toBe(true);
  const [direct, fast] = await Promise.all([loadCompiled(graph, "js", weights, { threads: 1 }), loadCompiled(graph, "js", weights, { fastMath: true, threads: 1 })]);
  if (!direct.ok || !fast.ok) throw new Error("load failed");
  return { direct: direct.value, fast: fast.value };
}

interface Case {
  readonly label: string;
  readonly graph: ReturnType<typeof convGraph>["graph"];
  readonly weights: TensorMap;
  readonly feeds: readonly TensorMap[];
}

function randomCase(seed: number): Case | undefined {
  const r = new Maker(prng(seed));
  const k = r.pick([[3, 3], [2, 3], [3, 2], [2, 2], [1, 3], [3, 1]] as const);
  const symbolic = r.r() < 0.5;
  const batch = r.int(1, 3);
  const o = {
    batch: symbolic ? ("N" as const) : batch,
    // Sizes around tiles of 4, up to 10 tiles across and 6 down: a chunk of tile rows is the whole image here
    // (several chunks: "the chunks of tile rows" below).
    h: r.int(2, 21),
    w: r.pick([r.int(2, 13), r.int(25, 40)]),
    ci: r.r() < 0.7 ? r.int(6, 20) : r.int(28, 40),
    co: r.r() < 0.7 ? r.int(6, 21) : r.int(28, 40),
    k,
    padding: r.pick<Padding>(["same", "valid", [r.int(0, 2), r.int(0, 2), r.int(0, 2), r.int(0, 2)]]),
    mask: r.pick(["none", "causal", "sparse", "fed", "fed-full", "fed-in", "fed-out"] as const),
    ...(r.r() < 0.5 ? { epilogue: r.pick(["relu", "sigmoid", "bias"] as const) } : {}),
    seed,
  };
  let made;
  try {
    made = convGraph(o);
  } catch {
    return undefined; // no output (a valid conv wider than its input)
  }
  const { graph, weights, m } = made;
  const optimized = optimize(graph, { target: "js" });
  const text = emitModule(optimized, "js", { fastMath: true });
  if (!text.ok || !usesWinograd(text.value)) return undefined;
  const feeds = symbolic ? [m.feed(3), m.feed(0), m.feed(1), m.feed(3)] : [m.feed(batch)];
  return { label: `x[${o.batch},${o.h},${o.w},${o.ci}] k${k} out${o.co} p${o.padding} ${o.mask} ${o.epilogue ?? ""}`, graph, weights, feeds };
}

function winogradCase(seed: number): Case {
  for (let s = seed; ; s += 1000) {
    const c = randomCase(s);
    if (c) return c;
  }
}

const SEEDS = Array.from({ length: 60 }, (_, i) => 52000 + i);

test("the random cases reach Winograd's seams", () => {
  const labels = SEEDS.map((s) => winogradCase(s).label).join("\n");
  for (const wanted of [/k3,3/, /k2,3/, /k1,3|k3,1/, /k2,2/, /x\[N,/, /pvalid/, /psame/, /p\d,\d,\d,\d/, / causal/, / sparse/, / fed /, / fed-full/, / fed-in/, / fed-out/, / none/, /relu/, /sigmoid/, /bias/, /out(6|7|9|10|11|13|14|15|17|18|19|21) /]) {
    expect(labels, String(wanted)).toMatch(wanted);
  }
});

describe("Winograd convs agree with interpret()", () => {
  test.each(SEEDS)("seed %i", async (seed) => {
    const c = winogradCase(seed);
    const graph = optimize(c.graph, { target: "js" });
    const loaded = await loadCompiled(graph, "js", c.weights, { fastMath: true, threads: 1 });
    if (!loaded.ok) throw new Error(`${c.label}\n${formatDiagnostics(loaded.diagnostics)}`);
    for (const feed of c.feeds) {
      expectClose((await loaded.value.predict(feed)).y!, interpret(c.graph, feed, c.weights).y!, `seed ${seed} (${c.label})`);
    }
  });
});

describe("the chunks of tile rows", () => {
  test.each([
    // 10 × 10 tiles: 2 chunks of 5 tile rows.
    { h: 40, w: 40, chunkRows: 5, tilesW: 10 },
    // 66 tiles across, more than a chunk's 64: chunks of one tile row.
    { h: 6, w: 262, chunkRows: 1, tilesW: 66 },
  ])("$h × $w: chunks of $chunkRows tile rows of $tilesW tiles agree with interpret()", async ({ h, w, chunkRows, tilesW }) => {
    const { graph, weights, m } = convGraph({ batch: "N", h, w, ci: 16, co: 13, k: [3, 3], padding: "same", mask: "none", epilogue: "bias", seed: 3 });
    const optimized = optimize(graph, { target: "js" });
    const planned = planGraph(optimized);
    if (!planned.ok) throw new Error("plan failed");
    const c = planned.value.values.find((v) => v.conv !== undefined)!.conv!;
    const plan = winogradPlan(c, c.liveTaps);
    expect(plan && [plan.chunkRows, plan.tilesW]).toEqual([chunkRows, tilesW]);
    const loaded = await loadCompiled(optimized, "js", weights, { fastMath: true, threads: 1 });
    if (!loaded.ok) throw new Error("load failed");
    for (const n of [2, 1]) {
      const feed = m.feed(n);
      expectClose((await loaded.value.predict(feed)).y!, interpret(graph, feed, weights).y!);
    }
  });
});

describe("what fastMath changes and what it keeps", () => {
  const typeB = { batch: "N", h: 12, w: 12, ci: 24, co: 20, k: [3, 3], padding: "same", mask: "causal", epilogue: "relu", seed: 7 } as const;

  test("without it, no Winograd; with it, the module says so in its header", () => {
    const graph = optimize(convGraph(typeB).graph, { target: "js" });
    const plain = emitModule(graph, "js");
    const fast = emitModule(graph, "js", { fastMath: true });
    if (!plain.ok || !fast.ok) throw new Error("emit failed");
    expect(usesWinograd(plain.value)).toBe(false);
    expect(plain.value).not.toContain("Fast math");
    expect(usesWinograd(fast.value)).toBe(true);
    expect(fast.value).toContain("Fast math: Winograd convs");
  });

  test("two threads give what one gives", async () => {
    const { graph: source, weights, m } = convGraph(typeB);
    const graph = optimize(source, { target: "js" });
    const feed = m.feed(6);
    const one = await loadCompiled(graph, "js", weights, { fastMath: true, threads: 1 });
    const two = await loadCompiled(graph, "js", weights, { fastMath: true, threads: 2 });
    if (!one.ok || !two.ok) throw new Error("load failed");
    const [a, b] = [(await one.value.predict(feed)).y!, (await two.value.predict(feed)).y!];
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    expectClose(a, interpret(graph, feed, weights).y!);
    two.value.dispose?.();
  });

  test("an image whose input is not finite runs the direct loops, with their very numbers; the other images do not change", async () => {
    const { graph, weights, m } = convGraph({ ...typeB, epilogue: undefined });
    const { direct, fast } = await bothWays(graph, weights);
    const two = await loadCompiled(optimize(graph, { target: "js" }), "js", weights, { fastMath: true, threads: 2 });
    if (!two.ok) throw new Error("load failed");
    const feed = m.feed(3);
    const clean = (await fast.predict(feed)).y!;
    const image = 12 * 12 * 20;
    for (const bad of [Infinity, -Infinity, NaN]) {
      const data = (feed.x!.data as Float32Array).slice();
      data[(1 * 12 * 12 + 4 * 12 + 5) * 24 + 3] = bad;
      const fed = { x: { shape: feed.x!.shape, data } };
      const got = (await fast.predict(fed)).y!;
      // Image 1: the direct loops' numbers, some not finite; images 0 and 2: Winograd's, as without the bad input.
      expectSame({ data: got.data.subarray(image, 2 * image) }, { data: (await direct.predict(fed)).y!.data.subarray(image, 2 * image) }, String(bad));
      expect(Array.from(got.data.subarray(image, 2 * image)).some((v) => !Number.isFinite(v))).toBe(true);
      for (const i of [0, 2]) expectSame({ data: got.data.subarray(i * image, (i + 1) * image) }, { data: clean.data.subarray(i * image, (i + 1) * image) }, `image ${i}`);
      // Two threads (images 0–1 and 2 apart) give the same numbers.
      expectSame((await two.value.predict(fed)).y!, got, `two threads, ${bad}`);
    }
    expectClose((await fast.predict(feed)).y!, interpret(graph, feed, weights).y!);
    two.value.dispose?.();
  });

  test("an infinite weight at a live tap runs the direct loops; at a dead tap it counts as zero, and Winograd runs", async () => {
    // Tap 8 (2, 2) is cropped away; tap 5 (1, 2) is dead inside the cropped 2×3 box, where the transform reads.
    for (const [tap, live] of [[4, true], [5, false], [8, false]] as const) {
      const { graph, weights, m } = convGraph({ ...typeB, epilogue: undefined });
      const k = weights.k!.data as Float32Array;
      const at = (tap * 24 + 2) * 20 + 1;
      k[at] = Infinity;
      const { direct, fast } = await bothWays(graph, weights);
      const feed = m.feed(2);
      const got = (await fast.predict(feed)).y!;
      if (live) {
        expectSame(got, (await direct.predict(feed)).y!);
        expect(Array.from(got.data).some((v) => !Number.isFinite(v))).toBe(true);
      } else {
        // The rule of ir/zeros.ts: a structurally dead tap is zero whatever the kernel holds there.
        expect(Array.from(got.data).every(Number.isFinite)).toBe(true);
        k[at] = 0;
        expectClose(got, interpret(graph, feed, weights).y!);
      }
    }
  });

  test("a fed kernel and mask with an infinity: the direct loops for that call, Winograd for the next", async () => {
    const m = new Maker(prng(11));
    const x = m.input("x", [2, 12, 12, 24]);
    const k = m.input("k", [3, 3, 24, 16]);
    const mask = m.input("m", [3, 3]);
    m.b.output("y", m.b.maskedConv2d(x, k, mask, { padding: "same" }, { name: "y" }));
    const graph = graphOf(m.b);
    const { direct, fast } = await bothWays(graph, {});
    const feed = m.feed(2);
    const bad = (feed.m!.data as Float32Array).slice();
    bad[3] = -Infinity;
    const badFeed = { ...feed, m: { shape: [3, 3], data: bad } };
    expectSame((await fast.predict(badFeed)).y!, (await direct.predict(badFeed)).y!);
    expectClose((await fast.predict(feed)).y!, interpret(graph, feed, {}).y!);
  });
});
