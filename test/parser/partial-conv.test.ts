// partial_conv2d checked by hand against NVIDIA's PartialConv2d formula on tiny inputs, through the reference
// interpreter: renormalization by window size / valid pixels, a window with no valid pixel (output 0, mask 0),
// the updated mask, single- and multi-channel masks.

import { describe, expect, test } from "vitest";
import { formatDiagnostics } from "../../src/diagnostics.js";
import { interpret } from "../../src/ir/interpret.js";
import type { Graph } from "../../src/ir/node.js";
import { parseModel } from "../../src/parser/parse.js";
import { optimize } from "../../src/passes/pipeline.js";

function parse(text: string): Graph {
  const result = parseModel({ name: "t.mconv", text });
  if (!result.ok) throw new Error(formatDiagnostics(result.diagnostics));
  return result.value;
}

function run(g: Graph, inputs: Record<string, { shape: number[]; data: number[] }>, params: Record<string, { shape: number[]; data: number[] }>) {
  const before = interpret(g, inputs, params);
  const after = interpret(optimize(g, { weights: params }), inputs, params);
  for (const k of Object.keys(before)) expect([...after[k]!.data]).toEqual([...before[k]!.data]);
  return before;
}

describe("partial_conv2d by hand", () => {
  // x = [[1,2,3],[4,5,6],[7,8,9]], mask = [[1,1,0],[1,0,0],[0,0,0]], 2×2 kernel of ones, bias 0.5, VALID.
  // Window (0,0) holds x 1, 2, 4 (3 valid of 4): 7 · 4/3 + 0.5. Window (0,1): only 2 is valid: 2 · 4 + 0.5.
  // Window (1,0): only 4: 4 · 4 + 0.5. Window (1,1): no valid pixel: output 0 and updated mask 0.
  const single = `model P {
  input x: f32[1, 3, 3, 1]
  input m: f32[1, 3, 3, 1]
  y, m2 = partial_conv2d(x, m, filters=1, kernel=2)
  output y, m2
}`;
  const inputs = {
    x: { shape: [1, 3, 3, 1], data: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
    m: { shape: [1, 3, 3, 1], data: [1, 1, 0, 1, 0, 0, 0, 0, 0] },
  };
  const params = { "y.kernel": { shape: [2, 2, 1, 1], data: [1, 1, 1, 1] }, "y.bias": { shape: [1], data: [0.5] } };

  test("single-channel mask: renormalized sums, a hole window gives 0, the updated mask", () => {
    const out = run(parse(single), inputs, params);
    expect(out["y"]!.shape).toEqual([1, 2, 2, 1]);
    const y = [...out["y"]!.data];
    expect(y[0]).toBeCloseTo((7 * 4) / 3 + 0.5, 6);
    expect(y[1]).toBeCloseTo(2 * 4 + 0.5, 6);
    expect(y[2]).toBeCloseTo(4 * 4 + 0.5, 6);
    expect(y[3]).toBe(0);
    expect([...out["m2"]!.data]).toEqual([1, 1, 1, 0]);
  });

  test("bias=false: the raw sum times the ratio, still 0 in the hole window", () => {
    const g = parse(single.replace("kernel=2)", "kernel=2, bias=false)"));
    const y = [...run(g, inputs, { "y.kernel": params["y.kernel"] })["y"]!.data];
    expect(y[0]).toBeCloseTo((7 * 4) / 3, 6);
    expect(y.slice(1, 3).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([8, 16]);
    expect(y[3]).toBe(0);
  });

  test("padding=same: windows off the image count the outside as holes", () => {
    // 1×1 input, 3×3 kernel of ones, full mask: one valid pixel of 9; y = x · 9/1 + bias.
    const g = parse(`model P {
  input x: f32[1, 1, 1, 1]
  input m: f32[1, 1, 1, 1]
  y, m2 = partial_conv2d(x, m, filters=1, kernel=3, padding=same)
  output y, m2
}`);
    const out = run(g, { x: { shape: [1, 1, 1, 1], data: [2] }, m: { shape: [1, 1, 1, 1], data: [1] } }, {
      "y.kernel": { shape: [3, 3, 1, 1], data: new Array(9).fill(1) },
      "y.bias": { shape: [1], data: [1] },
    });
    expect(out["y"]!.data[0]).toBeCloseTo(2 * 9 + 1, 5);
    expect([...out["m2"]!.data]).toEqual([1]);
  });

  test("multi-channel mask: window size kh·kw·C, one valid count over all channels, m2 spread to the filters", () => {
    // x channel 0 all 1, channel 1 all 2. Mask channel 0 = [[1,1,0],[1,0,0],[0,0,0]], channel 1 ones but (2,2).
    // 2×2 windows, kernel of ones, 2 filters, no bias; window size 2·2·2 = 8:
    // (0,0): valid 3 + 4 = 7, raw 3·1 + 4·2 = 11 → 11 · 8/7.   (0,1): valid 1 + 4, raw 1 + 8 = 9 → 9 · 8/5.
    // (1,0): the same as (0,1).                                 (1,1): valid 0 + 3, raw 6 → 6 · 8/3 = 16.
    const g = parse(`model P {
  input x: f32[1, 3, 3, 2]
  input m: f32[1, 3, 3, 2]
  y, m2 = partial_conv2d(x, m, filters=2, kernel=2, bias=false)
  output y, m2
}`);
    const m0 = [1, 1, 0, 1, 0, 0, 0, 0, 0];
    const m1 = [1, 1, 1, 1, 1, 1, 1, 1, 0];
    const out = run(
      g,
      {
        x: { shape: [1, 3, 3, 2], data: Array.from({ length: 18 }, (_, i) => (i % 2 === 0 ? 1 : 2)) },
        m: { shape: [1, 3, 3, 2], data: Array.from({ length: 18 }, (_, i) => (i % 2 === 0 ? m0 : m1)[Math.floor(i / 2)]!) },
      },
      { "y.kernel": { shape: [2, 2, 2, 2], data: new Array(16).fill(1) } },
    );
    expect(out["y"]!.shape).toEqual([1, 2, 2, 2]);
    const expected = [(11 * 8) / 7, (9 * 8) / 5, (9 * 8) / 5, 16];
    [...out["y"]!.data].forEach((v, i) => expect(v).toBeCloseTo(expected[Math.floor(i / 2)]!, 5));
    expect(out["m2"]!.shape).toEqual([1, 2, 2, 2]);
    expect([...out["m2"]!.data]).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
  });
});
