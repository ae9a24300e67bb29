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
  load(weights?: TensorMap, options?: { backend?: string }): Promise<CompiledModel>;
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
