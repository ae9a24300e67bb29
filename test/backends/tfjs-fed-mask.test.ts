// The tfjs target multiplies a load-time kernel by a mask fed with each call in JS (src/codegen/tfjs/conv.ts,
// jsMaskedKernel): masks of rank 2, 3 and 4, read through slices and reshapes, declared zeros ('within') that make
// taps dead, grouped and depthwise convs, fused convs, empty and larger batches. Each agrees with interpret() and is
// bit-identical to the same graph with the kernel fed too (which takes the tf.mul path), and leaks no tensor.

import * as tf from "@tensorflow/tfjs";
import { describe, expect, test } from "vitest";
import { type Backend, emitModule, loadCompiled } from "../../src/codegen/index.js";
import { type Value, GraphBuilder } from "../../src/ir/builder.js";
import type { Graph } from "../../src/ir/node.js";
import type { Dim } from "../../src/ir/types.js";
import { interpret } from "../../src/ir/interpret.js";
import { expectClose, graphOf, tensors } from "./cases.js";

type Feed = { shape: number[]; data: Float32Array };

/** Deterministic values in [-1, 1), about a quarter of them exactly 0 when `zeros`. */
function values(count: number, seed: number, zeros = false): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32;
    return zeros && u < 0.25 ? 0 : u * 2 - 1;
  });
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

interface Case {
  readonly name: string;
  /** Whether the JS product path is expected (false: the mask does not come straight from fed data). */
  readonly inJs: boolean;
  readonly channels: number;
  readonly kernel: [number, number, number, number];
  readonly maskInput: number[];
  /** Flat indices of the fed mask declared zero ('within'), if any. */
  readonly zeros?: readonly number[];
  /** The mask operand of the conv, made from the fed mask. */
  readonly mask: (b: GraphBuilder, m: Value) => Value;
  readonly groups?: number;
  readonly fused?: boolean;
  readonly padding?: "same" | "valid";
}

const CASES: Case[] = [
  { name: "rank-2 mask", inJs: true, channels: 3, kernel: [3, 3, 3, 4], maskInput: [3, 3], mask: (_b, m) => m },
  {
    name: "rank-2 mask through two slices, with declared zeros",
    inJs: true,
    channels: 2,
    kernel: [3, 3, 2, 3],
    maskInput: [5, 5],
    zeros: [6, 7, 8, 13, 18, 0, 24],
    mask: (b, m) => b.add("slice", [b.add("slice", [m], { axis: 0, begin: 1, size: 3 })], { axis: 1, begin: 2, size: 3 }),
  },
  { name: "rank-3 mask", inJs: true, channels: 3, kernel: [2, 3, 3, 2], maskInput: [2, 3, 3], mask: (_b, m) => m },
  { name: "rank-4 mask per out channel", inJs: true, channels: 2, kernel: [3, 2, 2, 3], maskInput: [3, 2, 1, 3], mask: (_b, m) => m },
  { name: "rank-4 mask, full", inJs: true, channels: 2, kernel: [2, 2, 2, 3], maskInput: [2, 2, 2, 3], mask: (_b, m) => m },
  {
    name: "mask reshaped, then sliced",
    inJs: true,
    channels: 1,
    kernel: [2, 3, 1, 4],
    maskInput: [12, 4],
    mask: (b, m) => b.add("slice", [b.reshape(m, [4, 3, 1, 4])], { axis: 0, begin: 1, size: 2 }),
  },
  { name: "grouped", inJs: true, channels: 4, kernel: [3, 3, 2, 6], maskInput: [3, 3], groups: 2, mask: (_b, m) => m },
  { name: "depthwise, mask per channel", inJs: true, channels: 3, kernel: [3, 3, 1, 6], maskInput: [3, 3, 1, 6], groups: 3, mask: (_b, m) => m },
  {
    name: "fused, mask sliced",
    inJs: true,
    channels: 3,
    kernel: [2, 3, 3, 4],
    maskInput: [3, 3],
    zeros: [6, 7, 8],
    mask: (b, m) => b.add("slice", [m], { axis: 0, begin: 0, size: 2 }),
    fused: true,
  },
  { name: "fused depthwise", inJs: true, channels: 2, kernel: [3, 3, 1, 2], maskInput: [3, 3], groups: 2, fused: true, mask: (_b, m) => m },
  {
    name: "a slice reshaped (not contiguous): tf ops",
    inJs: false,
    channels: 2,
    kernel: [3, 3, 2, 2],
    maskInput: [3, 4],
    mask: (b, m) => b.reshape(b.add("slice", [m], { axis: 1, begin: 0, size: 3 }), [3, 3, 1, 1]),
  },
  { name: "a mask computed by tf ops", inJs: false, channels: 1, kernel: [3, 3, 1, 2], maskInput: [3, 3], mask: (b, m) => b.relu(m) },
];

/** The case's graph; with `fedKernel` the kernel is an input too, so that the product is made by tf.mul. */
function graph(c: Case, fedKernel: boolean): Graph {
  const b = new GraphBuilder("FedMask");
  const x = b.input("x", ["N", 6, 5, c.channels] as Dim[]);
  const support = c.zeros && Float32Array.from({ length: size(c.maskInput) }, (_, i) => (c.zeros!.includes(i) ? 0 : 1));
  const m = b.input("m", c.maskInput, support ? { support } : {});
  const k = fedKernel ? b.input("k", c.kernel) : b.param("k", c.kernel);
  const attrs = { groups: c.groups ?? 1, padding: c.padding ?? "same" };
  if (c.fused) {
    const bias = b.param("b", [c.kernel[3]]);
    b.output("y", b.add("fused_conv2d", [x, k, bias, c.mask(b, m)], { strides: [1, 1], dilations: [1, 1], ...attrs, activation: "relu", alpha: 0 }));
  } else {
    b.output("y", b.maskedConv2d(x, k, c.mask(b, m), attrs));
  }
  return graphOf(b);
}

function feeds(c: Case, batch: number, seed: number): { weights: Record<string, Feed>; inputs: Record<string, Feed> } {
  const mask = values(size(c.maskInput), seed + 1, true);
  for (const i of c.zeros ?? []) mask[i] = 0;
  const weights: Record<string, Feed> = { k: { shape: c.kernel, data: values(size(c.kernel), seed + 2) } };
  if (c.fused) weights.b = { shape: [c.kernel[3]], data: values(c.kernel[3], seed + 3) };
  const inputs = { x: { shape: [batch, 6, 5, c.channels], data: values(batch * 30 * c.channels, seed) }, m: { shape: c.maskInput, data: mask } };
  return { weights, inputs };
}

const bits = (data: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(data).buffer));

describe.each(["tfjs-wasm", "tfjs-cpu"] as Backend[])("%s", (backend) => {
  test.each(CASES)("$name", async (c) => {
    const g = graph(c, false);
    const text = emitModule(g, "tfjs");
    if (!text.ok) throw new Error("emit failed");
    expect(text.value.includes("maskKernel("), "takes the JS product path").toBe(c.inJs);
    const before = tf.memory().numTensors;
    const { weights } = feeds(c, 1, 0);
    const loaded = await loadCompiled(g, backend, tensors(Object.entries(weights)));
    const withTfMul = await loadCompiled(graph(c, true), backend, c.fused ? tensors([["b", weights.b!]]) : {});
    if (!loaded.ok || !withTfMul.ok) throw new Error("load failed");
    const kept = tf.memory().numTensors;
    // Batches 3, 0, 1 and 3 again, each with a new mask: the product buffer kept between calls is rewritten.
    for (const [i, batch] of [3, 0, 1, 3].entries()) {
      const { inputs } = feeds(c, batch, 10 * i);
      const got = (await loaded.value.predict(tensors(Object.entries(inputs)))).y!;
      expectClose(got, interpret(g, tensors(Object.entries(inputs)), tensors(Object.entries(weights))).y!, `batch ${batch}`);
      const viaTf = (await withTfMul.value.predict(tensors([...Object.entries(inputs), ["k", weights.k!]]))).y!;
      expect(bits(got.data), `batch ${batch}: bit-identical to the tf.mul product`).toEqual(bits(viaTf.data));
      expect(tf.memory().numTensors).toBe(kept);
    }
    loaded.value.dispose!();
    withTfMul.value.dispose!();
    expect(tf.memory().numTensors).toBe(before);
  });

  test("a nonzero outside the declared support is refused, also on the JS path", async () => {
    const c = CASES[1]!;
    const g = graph(c, false);
    const { weights, inputs } = feeds(c, 1, 0);
    const loaded = await loadCompiled(g, backend, tensors(Object.entries(weights)));
    if (!loaded.ok) throw new Error("load failed");
    inputs.m!.data[7] = 0.5;
    await expect(loaded.value.predict(tensors(Object.entries(inputs)))).rejects.toThrow("must be 0 outside its declared support");
    loaded.value.dispose!();
  });
});
