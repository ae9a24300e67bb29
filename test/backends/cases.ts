// Graphs and feeds shared by the backend tests: the founding case (a 3×3 masked conv, every output 21), a seeded
// random generator, and the comparison with interpret() (the float64 oracle).

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "vitest";
import type { CompiledModel } from "../../src/codegen/index.js";
import { GraphBuilder } from "../../src/ir/builder.js";
import type { Graph } from "../../src/ir/node.js";
import type { TensorMap } from "../../src/ir/interpret.js";
import type { Dim } from "../../src/ir/types.js";

export const FOUNDING_MASK = [1, 1, 0, 1, 1, 1, 0, 1, 1];

/** The builder's graph; throws on build errors (tests build valid graphs). */
export function graphOf(b: GraphBuilder): Graph {
  const built = b.build();
  if (!built.ok) throw new Error(built.diagnostics.map((d) => d.message).join("\n"));
  return built.value;
}

/** Record with a null prototype, so that names like `__proto__` are plain keys. */
export function tensors(entries: [string, { shape: number[]; data: ArrayLike<number> }][]): TensorMap {
  const map: Record<string, { shape: number[]; data: ArrayLike<number> }> = Object.create(null);
  for (const [k, v] of entries) map[k] = v;
  return map;
}

export function filled(shape: number[], value: number): { shape: number[]; data: Float32Array } {
  return { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value) };
}

/** The founding case with the mask fed at run time: masked_conv2d(x, k, m) + bias. */
export function foundingDynamic(batch: Dim = 1): Graph {
  const b = new GraphBuilder("Seed");
  const x = b.input("x", [batch, 4, 4, 3]);
  const m = b.input("m", [3, 3]);
  const k = b.param("k", [3, 3, 3, 2]);
  const bias = b.param("b", [2]);
  const y = b.maskedConv2d(x, k, m, {}, { name: "y.conv" });
  b.output("y", b.biasAdd(y, bias, { name: "y" }));
  return graphOf(b);
}

/** The founding case with the mask folded by hand: conv2d(x, k * reshape(constant mask, [3,3,1,1])) + bias. */
export function foundingStatic(batch: Dim = 1): Graph {
  const b = new GraphBuilder("SeedStatic");
  const x = b.input("x", [batch, 4, 4, 3]);
  const k = b.param("k", [3, 3, 3, 2]);
  const bias = b.param("b", [2]);
  const mask = b.constant([3, 3], FOUNDING_MASK, { name: "m" });
  const masked = b.mul(k, b.reshape(mask, [3, 3, 1, 1], { name: "m.as_kernel" }), { name: "k.masked" });
  const y = b.conv2d(x, masked, {}, { name: "y.conv" });
  b.output("y", b.biasAdd(y, bias, { name: "y" }));
  return graphOf(b);
}

export const FOUNDING_WEIGHTS = (): TensorMap => tensors([["k", filled([3, 3, 3, 2], 1)], ["b", filled([2], 0)]]);

export function foundingInputs(batch = 1, dynamic = false): TensorMap {
  const entries: [string, { shape: number[]; data: Float32Array }][] = [["x", filled([batch, 4, 4, 3], 1)]];
  if (dynamic) entries.push(["m", { shape: [3, 3], data: Float32Array.from(FOUNDING_MASK) }]);
  return tensors(entries);
}

/** |a - b| <= 1e-5 · max(1, |b|) element by element, b from the float64 oracle. */
export function expectClose(got: { shape: readonly number[]; data: ArrayLike<number> }, want: { shape: readonly number[]; data: ArrayLike<number> }, what = ""): void {
  expect(got.shape, `${what} shape`).toEqual([...want.shape]);
  expect(got.data.length, `${what} length`).toBe(want.data.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.data.length; i++) {
    const err = Math.abs(got.data[i]! - want.data[i]!) / Math.max(1, Math.abs(want.data[i]!));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${what} worst relative error at ${at}: got ${got.data[at]}, want ${want.data[at]}`).toBeLessThanOrEqual(1e-5);
}

/** What an emitted module exports. */
export interface EmittedModule {
  load(weights?: TensorMap, options?: { backend?: string; threads?: number | "auto" }): Promise<CompiledModel>;
}

/**
 * Writes module text to a fresh .mjs file in a new folder under `parent` and imports it. A tfjs module must live
 * inside the repository (e.g. node_modules/.cache) so that `@tensorflow/tfjs` resolves from it.
 */
export async function importModuleFile(text: string, parent: string): Promise<EmittedModule> {
  const folder = mkdtempSync(join(parent, "mconv-"));
  written.push(folder);
  const file = join(folder, "model.mjs");
  writeFileSync(file, text);
  return (await import(pathToFileURL(file).href)) as EmittedModule;
}

const written: string[] = [];

/** Removes the folders importModuleFile made (a module stays loaded once imported). */
export function removeModuleFiles(): void {
  for (const folder of written.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/**
 * Most ops in one graph with a symbolic batch: a grouped conv with a constant mask (its kernel masked and split in
 * load()), a depthwise conv with a fed mask, batch_norm from params (scale and shift kept), pools, a transposed conv,
 * softmax off the last axis, concat, slice, pad, upsample, dense, broadcasting arithmetic and the activations.
 */
export function manyOps(): Graph {
  const b = new GraphBuilder("Many");
  const same = { strides: [1, 1], dilations: [1, 1], padding: "same" } as const;
  const x = b.input("x", ["N", 6, 6, 4]);
  const mask = b.constant([3, 3], [1, 1, 1, 1, 0, 0, 0, 0, 0]);
  const g = b.tanh(b.biasAdd(b.maskedConv2d(x, b.param("k1", [3, 3, 2, 6]), mask, { ...same, groups: 2 }), b.param("b1", [6])));
  const d = b.maskedConv2d(g, b.param("k2", [3, 3, 1, 12]), b.input("m2", [3, 3, 1, 12]), { ...same, groups: 6, strides: [2, 2] });
  const stats = ["gamma", "beta", "mean", "variance"].map((name) => b.param(name, [12]));
  const bn = b.add("batch_norm", [d, ...stats], { epsilon: 1e-3 });
  const pooled = b.add("avg_pool", [b.add("gelu", [bn], {})], { window: [2, 2], strides: [1, 1], padding: "same" });
  const mp = b.add("max_pool", [pooled], { window: [3, 3], strides: [2, 2], padding: "same" });
  const up = b.add("elu", [b.add("conv2d_transpose", [mp, b.param("kt", [2, 2, 5, 12])], { strides: [2, 2], padding: "valid" })], { alpha: 0.5 });
  const us = b.add("upsample", [b.add("slice", [mp], { axis: 3, begin: 10, size: 2 })], { factors: [2, 2] });
  const pd = b.add("pad", [b.add("slice", [pooled], { axis: 3, begin: 0, size: 1 })], { pads: [0, 0, 1, 0, 0, 1, 0, 0], value: 0.5 });
  const joined = b.add("concat", [up, us, pd], { axis: 3 });
  const soft = b.add("softmax", [b.add("leaky_relu", [joined], { alpha: 0.1 })], { axis: 1 });
  const logs = b.add("log_softmax", [b.add("clamp", [soft], { min: 0, max: 0.5 })], { axis: 3 });
  const dense = b.add("dense", [logs, b.param("kd", [8, 3])], {});
  const shifted = b.add("sub", [b.add("add", [dense, b.constant([1, 1, 1, 3], [1, 2, 3])], {}), b.param("shift", [1, 4, 1, 1])], {});
  const scaled = b.add("div", [shifted, b.constant([1, 1, 1, 1], [4])], {});
  const factor = b.add("pad", [b.constant([1, 1, 1, 1], [2])], { pads: [0, 0, 0, 3, 0, 3, 0, 2], value: 3 });
  b.output("y", b.reshape(b.sigmoid(b.add("mul", [scaled, factor], {})), ["N", 48]));
  return graphOf(b);
}

/** Weights for manyOps (variance kept positive) and its inputs for a batch size. */
export function manyOpsFeeds(graph: Graph): { weights: TensorMap; inputs: (batch: number) => TensorMap } {
  const weights = tensors(
    graph.nodes
      .filter((n) => n.op === "param")
      .map((n, i) => {
        const shape = n.type.shape as number[];
        const wave = (j: number) => Math.sin(i * 7 + j);
        const data = Float32Array.from({ length: shape.reduce((a, c) => a * c, 1) }, (_, j) => (n.name === "variance" ? 1 + wave(j) / 2 : wave(j)));
        return [n.name, { shape, data }];
      }),
  );
  const inputs = (batch: number) =>
    tensors([
      ["x", { shape: [batch, 6, 6, 4], data: Float32Array.from({ length: batch * 144 }, (_, j) => Math.cos(j * 0.37)) }],
      ["m2", { shape: [3, 3, 1, 12], data: Float32Array.from({ length: 108 }, (_, j) => (j % 5 === 0 ? 0 : Math.sin(j))) }],
    ]);
  return { weights, inputs };
}
