// Threads (options.threads, mconv run --threads): a batch shared out over worker threads gives exactly the outputs
// of one thread, joined in batch order, on the js and tfjs-wasm targets, through loadCompiled and through emitted
// module files; models that cannot be split stay whole; bad thread counts and failing shards give clear errors.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { type Backend, batchSplit, emitModule, loadCompiled } from "../../src/codegen/index.js";
import { formatDiagnostics } from "../../src/diagnostics.js";
import type { TensorMap } from "../../src/ir/interpret.js";
import type { Graph } from "../../src/ir/node.js";
import { initWeights } from "../../src/io/init.js";
import { parseModel } from "../../src/parser/parse.js";
import { optimize } from "../../src/passes/pipeline.js";
import { exampleInputs, loadExample } from "../examples/load.js";
import { mconv, scratchDir } from "../support/cli.js";

type Outputs = Record<string, { shape: number[]; data: Float32Array }>;

function model(text: string): Graph {
  const parsed = parseModel({ name: "t.mconv", text });
  if (!parsed.ok) throw new Error(formatDiagnostics(parsed.diagnostics));
  return parsed.value;
}

async function predictWith(graph: Graph, backend: Backend, weights: TensorMap, inputs: TensorMap, threads: number | "auto"): Promise<Outputs> {
  const loaded = await loadCompiled(graph, backend, weights, { threads });
  if (!loaded.ok) throw new Error(formatDiagnostics(loaded.diagnostics));
  try {
    return await loaded.value.predict(inputs);
  } finally {
    loaded.value.dispose?.();
  }
}

/** Bit for bit: the same float32 values (NaN and -0 included) and shapes, output by output. */
function expectIdentical(actual: Outputs, expected: Outputs): void {
  expect(Object.keys(actual)).toEqual(Object.keys(expected));
  for (const name of Object.keys(expected)) {
    expect(actual[name]!.shape, name).toEqual(expected[name]!.shape);
    const a = actual[name]!.data;
    const e = expected[name]!.data;
    expect(a.length, name).toBe(e.length);
    const firstDiff = Array.from(e).findIndex((v, i) => !Object.is(v, a[i]));
    expect(firstDiff, `${name}: first differing index`).toBe(-1);
  }
}

// pixelcnn (the biggest) runs on wasm only: in plain JS it would make this file slow on a shared machine.
const EXAMPLES: [string, Backend[]][] = [
  ["inpainting.mconv", ["js", "tfjs-wasm"]],
  ["gated_pixelcnn.mconv", ["js", "tfjs-wasm"]],
  ["realnvp_masks.mconv", ["js", "tfjs-wasm"]],
  ["pixelcnn.mconv", ["tfjs-wasm"]],
];

describe.each(EXAMPLES)("examples/%s", (file, backends) => {
  const graph = loadExample(file);
  const weights = initWeights(graph, "random", 3);
  const optimized = optimize(graph);
  it.each(backends)("on %s: --threads 2 equals --threads 1 bit for bit, batches 3 and 1", async (backend) => {
    for (const batch of [3, 1]) {
      const inputs = exampleInputs(graph, 7, batch);
      const one = await predictWith(optimized, backend, weights, inputs, 1);
      const two = await predictWith(optimized, backend, weights, inputs, 2);
      expectIdentical(two, one);
    }
  });
});

const SHIFTING = `model Shifting {
  input x: f32[N, 5, 5, 2]
  input m: f32[3, 3]
  y = conv2d(x, filters=3, kernel=3, padding=same, mask=m)
  output y
}`;

describe("sharding a batch", () => {
  const graph = model(SHIFTING);
  const weights = initWeights(graph, "random", 1);
  const mask = { shape: [3, 3], data: Float32Array.from([1, 1, 0, 1, 1, 1, 0, 1, 1]) };
  // Sample n is filled with n + 1 (scaled): a shard out of place would show in the joined output.
  const batchOf = (n: number) => ({
    x: { shape: [n, 5, 5, 2], data: Float32Array.from({ length: n * 50 }, (_, i) => (Math.floor(i / 50) + 1) * 0.25 + (i % 7) * 0.01) },
    m: mask,
  });

  it.each(["js", "tfjs-wasm"] satisfies Backend[])("on %s: odd batches, a batch smaller than the threads, outputs in batch order", async (backend) => {
    for (const [n, threads] of [[3, 2], [5, 3], [1, 2], [2, 4]] as const) {
      const one = await predictWith(graph, backend, weights, batchOf(n), 1);
      const many = await predictWith(graph, backend, weights, batchOf(n), threads);
      expectIdentical(many, one);
      // Each sample on its own, concatenated: the joined output is in batch order.
      const singles = await Promise.all(
        Array.from({ length: n }, (_, i) => predictWith(graph, backend, weights, { x: { shape: [1, 5, 5, 2], data: batchOf(n).x.data.slice(i * 50, (i + 1) * 50) }, m: mask }, 1)),
      );
      const joined = Float32Array.from(singles.flatMap((s) => Array.from(s["y"]!.data)));
      expect(Array.from(many["y"]!.data)).toEqual(Array.from(joined));
    }
  });

  it("keeps one model across calls of different batch sizes, and the given inputs untouched", async () => {
    const loaded = await loadCompiled(graph, "js", weights, { threads: 2 });
    if (!loaded.ok) throw new Error(formatDiagnostics(loaded.diagnostics));
    const m = loaded.value;
    try {
      const inputs = batchOf(4);
      const before = Float32Array.from(inputs.x.data);
      const a = await m.predict(inputs);
      const b = await m.predict(batchOf(1));
      const c = await m.predict(inputs);
      expect(a["y"]!.shape).toEqual([4, 5, 5, 3]);
      expect(b["y"]!.shape).toEqual([1, 5, 5, 3]);
      expectIdentical(c, a);
      expect(Array.from(inputs.x.data)).toEqual(Array.from(before));
      expect(Array.from(mask.data)).toEqual([1, 1, 0, 1, 1, 1, 0, 1, 1]);
    } finally {
      m.dispose?.();
    }
    await expect(m.predict(batchOf(2))).rejects.toThrow("predict() after dispose()");
  });

  it("reports a bad input as one thread would, from whichever shard meets it", async () => {
    const loaded = await loadCompiled(graph, "js", weights, { threads: 2 });
    if (!loaded.ok) throw new Error(formatDiagnostics(loaded.diagnostics));
    try {
      const badMask = { ...batchOf(4), m: { shape: [3, 4], data: new Float32Array(12) } };
      await expect(loaded.value.predict(badMask)).rejects.toThrow("input 'm' must have shape [3, 3], got [3, 4]");
      const disagreeing = { x: batchOf(4).x, m: { shape: [3, 3], data: new Float32Array(8) } };
      await expect(loaded.value.predict(disagreeing)).rejects.toThrow("input 'm' of shape [3, 3] needs 9 values, got 8");
      const shortX = { x: { shape: [4, 5, 5, 2], data: new Float32Array(10) }, m: mask };
      await expect(loaded.value.predict(shortX)).rejects.toThrow("input 'x' of shape [4, 5, 5, 2] needs 200 values, got 10");
      // Still works afterwards.
      expect((await loaded.value.predict(batchOf(2)))["y"]!.shape).toEqual([2, 5, 5, 3]);
    } finally {
      loaded.value.dispose?.();
    }
  });

  it("shards really go to workers: a worker that cannot start is a clear error (a batch of 1 needs none)", async () => {
    // Weights this thread can read but a worker cannot be sent (a Proxy does not clone).
    const kernel = weights["y.kernel"]!;
    const unsendable = { ...weights, "y.kernel": { shape: kernel.shape, data: new Proxy(Array.from(kernel.data), {}) } };
    const loaded = await loadCompiled(graph, "js", unsendable, { threads: 2 });
    if (!loaded.ok) throw new Error(formatDiagnostics(loaded.diagnostics));
    try {
      expect((await loaded.value.predict(batchOf(1)))["y"]!.shape).toEqual([1, 5, 5, 3]);
      await expect(loaded.value.predict(batchOf(2))).rejects.toThrow(/^a worker thread could not be started: .*could not be cloned/);
    } finally {
      loaded.value.dispose?.();
    }
  });

  it("refuses a thread count that is not a whole number of at least 1", async () => {
    for (const threads of [0, -1, 1.5, Number.NaN]) {
      const loaded = await loadCompiled(graph, "js", weights, { threads });
      expect(loaded.ok).toBe(false);
      expect(formatDiagnostics(loaded.diagnostics)).toContain("options.threads must be a whole number of at least 1, or \"auto\"");
    }
  });

  it("\"auto\" keeps a batch of 1 and small work on this thread, and gives the same outputs", async () => {
    const auto = await predictWith(graph, "js", weights, batchOf(3), "auto");
    expectIdentical(auto, await predictWith(graph, "js", weights, batchOf(3), 1));
  });
});

it("\"auto\" shares out a batch with milliseconds of work per thread (workers seen failing to start)", async () => {
  const graph = model(`model Big {
  input x: f32[N, 28, 28, 16]
  y = conv2d(x, filters=16, kernel=3, padding=same)
  output y
}`);
  const weights = initWeights(graph, "random", 1);
  const kernel = weights["y.kernel"]!;
  // Weights a worker cannot be sent: a call that uses workers fails, one that stays here does not.
  const unsendable = { ...weights, "y.kernel": { shape: kernel.shape, data: new Proxy(Array.from(kernel.data), {}) } };
  const loaded = await loadCompiled(graph, "js", unsendable, { threads: "auto" });
  if (!loaded.ok) throw new Error(formatDiagnostics(loaded.diagnostics));
  const x = (n: number) => ({ x: { shape: [n, 28, 28, 16], data: new Float32Array(n * 28 * 28 * 16).fill(0.5) } });
  try {
    expect((await loaded.value.predict(x(1)))["y"]!.shape).toEqual([1, 28, 28, 16]);
    // 28·28·16·9·16 multiply-adds a sample: 8 samples are some 14 ms of plain JS, worth 2 threads on 2 cores.
    const big = loaded.value.predict(x(8));
    if (availableParallelism() >= 2) await expect(big).rejects.toThrow("a worker thread could not be started");
    else expect((await big)["y"]!.shape).toEqual([8, 28, 28, 16]);
  } finally {
    loaded.value.dispose?.();
  }
});

describe("which models split", () => {
  const split = (text: string) => batchSplit(model(text));
  it("splits the inputs with the batch on axis 0 and passes the others whole", () => {
    expect(split(SHIFTING)).toMatchObject({ symbol: "N", inputs: ["x"], macsPerSample: 5 * 5 * 3 * 3 * 3 * 2 });
  });
  it("does not split a fixed batch, or a softmax across the batch", () => {
    expect(split("model A {\n  input x: f32[1, 4, 4, 3]\n  y = relu(x)\n  output y\n}")).toBeUndefined();
    expect(split("model A {\n  input x: f32[N, 4]\n  y = softmax(x, axis=0)\n  output y\n}")).toBeUndefined();
    expect(split("model A {\n  input x: f32[N, 4]\n  y = softmax(x, axis=1)\n  output y\n}")).toMatchObject({ inputs: ["x"] });
  });
});

describe("emitted module files", () => {
  it.each(["js", "tfjs"] as const)("a %s module starts its workers on its own file, with the same outputs", async (target) => {
    const graph = model(SHIFTING);
    const weights = initWeights(graph, "random", 2);
    const emitted = emitModule(optimize(graph), target);
    if (!emitted.ok) throw new Error(formatDiagnostics(emitted.diagnostics));
    if (target === "js") expect(emitted.value).not.toMatch(/^import /m);
    const dir = scratchDir(`threads-${target}`);
    const file = join(dir, "model.mjs");
    writeFileSync(file, emitted.value);
    const { load } = (await import(pathToFileURL(file).href)) as {
      load: (w: TensorMap, o: object) => Promise<{ predict(i: TensorMap): Promise<Outputs>; dispose(): void }>;
    };
    const inputs = { x: { shape: [3, 5, 5, 2], data: Float32Array.from({ length: 150 }, (_, i) => Math.sin(i)) }, m: { shape: [3, 3], data: new Float32Array(9).fill(1) } };
    const one = await load(weights, { threads: 1 });
    const two = await load(weights, { threads: 2 });
    try {
      expectIdentical(await two.predict(inputs), await one.predict(inputs));
    } finally {
      one.dispose();
      two.dispose();
    }
  });

  it("idle workers never keep the process alive, even without dispose()", () => {
    const graph = model(SHIFTING);
    const emitted = emitModule(optimize(graph), "js");
    if (!emitted.ok) throw new Error(formatDiagnostics(emitted.diagnostics));
    const dir = scratchDir("threads-exit");
    writeFileSync(join(dir, "model.mjs"), emitted.value);
    const weights = initWeights(graph, "random", 2);
    writeFileSync(
      join(dir, "main.mjs"),
      [
        `import { load } from "./model.mjs";`,
        `const weights = ${JSON.stringify(Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, { shape: v.shape, data: Array.from(v.data) }])))};`,
        `const m = await load(weights, { threads: 2 });`,
        `const out = await m.predict({ x: { shape: [4, 5, 5, 2], data: new Float32Array(200).fill(1) }, m: { shape: [3, 3], data: new Float32Array(9).fill(1) } });`,
        `console.log(JSON.stringify(out.y.shape));`,
      ].join("\n"),
    );
    const r = spawnSync(process.execPath, [join(dir, "main.mjs")], { encoding: "utf8", timeout: 30_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe("[4,5,5,3]");
  });
});

describe("mconv run --threads", () => {
  const args = ["examples/seed_static.mconv", "--weights", "examples/seed.weights.json"];
  it("gives the outputs of one thread", async () => {
    const dir = scratchDir("threads-run");
    const inputs = join(dir, "x.json");
    writeFileSync(inputs, JSON.stringify({ x: { shape: [3, 4, 4, 3], data: Array.from({ length: 144 }, (_, i) => (i % 11) / 10) } }));
    for (const backend of ["js", "tfjs-wasm"]) {
      const one = await mconv("run", ...args, "--inputs", inputs, "--backend", backend, "--threads", "1");
      const two = await mconv("run", ...args, "--inputs", inputs, "--backend", backend, "--threads", "2");
      expect(two.stderr).toBe("");
      expect(two.code).toBe(0);
      expect(two.stdout).toBe(one.stdout);
      expect(JSON.parse(two.stdout).y.shape).toEqual([3, 2, 2, 2]);
    }
  });
  it.each(["0", "-1", "abc", "1.5", ""])("refuses --threads '%s' as a usage error", async (n) => {
    const r = await mconv("run", ...args, "--inputs", "examples/seed_static.inputs.json", `--threads=${n}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`mconv run: --threads takes a whole number of at least 1, or auto; got '${n}' (see mconv run --help)\n`);
  });
  it("refuses --threads with the reference interpreter", async () => {
    const r = await mconv("run", ...args, "--inputs", "examples/seed_static.inputs.json", "--threads", "2", "--backend", "reference");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--threads does not apply to --backend reference");
  });
  it("documents --threads in --help", async () => {
    const r = await mconv("run", "--help");
    expect(r.stdout).toMatch(/--threads N\s+split the batch over up to N threads/);
    expect(r.stdout).toContain("the outputs are the same");
  });
});
