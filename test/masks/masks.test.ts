// The pure mask generators of src/ir/masks.ts against masks written out by hand: PixelCNN's causal masks (live
// tap counts from the paper), the channel-grouped masks in both group orders, checkerboards and the algebra.

import { describe, expect, test } from "vitest";
import {
  type MaskData,
  andMasks,
  causalMask,
  channelGroup,
  checkerboardMask,
  filledMask,
  flipMask,
  groupedCausalMask,
  liveCount,
  maskSizeProblem,
  notMask,
  orMasks,
  transposeMask,
} from "../../src/ir/masks.js";

/** A mask as nested lists, to compare with hand-written ones. */
function nested(m: MaskData): unknown {
  const build = (offset: number, axis: number): unknown => {
    if (axis === m.shape.length) return m.data[offset];
    const step = m.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: m.shape[axis]! }, (_, i) => build(offset + i * step, axis + 1));
  };
  return build(0, 0);
}

/** The [in, out] matrix of a grouped mask at tap (i, j). */
function tap(m: MaskData, i: number, j: number): number[][] {
  const [, kw, cin, cout] = m.shape as [number, number, number, number];
  return Array.from({ length: cin }, (_, c) => Array.from({ length: cout }, (_, o) => m.data[((i * kw + j) * cin + c) * cout + o]!));
}

describe("causalMask: PixelCNN's raster-order mask", () => {
  test("3×3: A drops the centre, B keeps it", () => {
    expect(nested(causalMask([3, 3], "A"))).toEqual([
      [1, 1, 1],
      [1, 0, 0],
      [0, 0, 0],
    ]);
    expect(nested(causalMask([3, 3], "B"))).toEqual([
      [1, 1, 1],
      [1, 1, 0],
      [0, 0, 0],
    ]);
  });

  test("5×5 A written out; live taps 3×3 4/5, 5×5 12/13, 7×7 24/25 as in the paper", () => {
    expect(nested(causalMask([5, 5], "A"))).toEqual([
      [1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1],
      [1, 1, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
    const counts = [3, 5, 7].map((k) => [liveCount(causalMask([k, k], "A")), liveCount(causalMask([k, k], "B"))]);
    expect(counts).toEqual([
      [4, 5],
      [12, 13],
      [24, 25],
    ]);
  });

  test("non-square and even kernels centre at (kh // 2, kw // 2): the 1×3 horizontal stack, a 2×2", () => {
    expect(nested(causalMask([1, 3], "A"))).toEqual([[1, 0, 0]]);
    expect(nested(causalMask([1, 3], "B"))).toEqual([[1, 1, 0]]);
    expect(nested(causalMask([2, 2], "A"))).toEqual([
      [1, 1],
      [1, 0],
    ]);
  });
});

describe("groupedCausalMask: colour groups at the centre tap", () => {
  const spatialB = [
    [1, 1, 1],
    [1, 2, 0],
    [0, 0, 0],
  ]; // 2 marks the centre

  test("3×3 B with in = out = 3, written out whole: before the centre all pairs, after none, the centre g_in ≤ g_out", () => {
    const centre = [
      [1, 1, 1],
      [0, 1, 1],
      [0, 0, 1],
    ];
    const all = [
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ];
    const none = [
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ];
    const expected = spatialB.map((row) => row.map((t) => (t === 2 ? centre : t === 1 ? all : none)));
    for (const order of ["contiguous", "interleaved"] as const) {
      const m = groupedCausalMask([3, 3], "B", { groups: 3, order, inChannels: 3, outChannels: 3 });
      expect(m.shape).toEqual([3, 3, 3, 3]);
      expect(nested(m), order).toEqual(expected);
    }
  });

  test("3×3 A with in = out = 3: the centre is strictly upper triangular (R sees nothing, B sees R and G)", () => {
    for (const order of ["contiguous", "interleaved"] as const) {
      const m = groupedCausalMask([3, 3], "A", { groups: 3, order, inChannels: 3, outChannels: 3 });
      expect(tap(m, 1, 1)).toEqual([
        [0, 1, 1],
        [0, 0, 1],
        [0, 0, 0],
      ]);
      expect(tap(m, 0, 2)).toEqual([
        [1, 1, 1],
        [1, 1, 1],
        [1, 1, 1],
      ]);
      expect(tap(m, 2, 0)).toEqual([
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ]);
    }
  });

  test("6 channels: contiguous thirds [0,0,1,1,2,2] and interleaved [0,1,2,0,1,2] differ", () => {
    const centre = (type: "A" | "B", order: "contiguous" | "interleaved") =>
      tap(groupedCausalMask([3, 3], type, { groups: 3, order, inChannels: 6, outChannels: 6 }), 1, 1);
    expect(centre("B", "contiguous")).toEqual([
      [1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 1],
      [0, 0, 1, 1, 1, 1],
      [0, 0, 1, 1, 1, 1],
      [0, 0, 0, 0, 1, 1],
      [0, 0, 0, 0, 1, 1],
    ]);
    expect(centre("A", "contiguous")).toEqual([
      [0, 0, 1, 1, 1, 1],
      [0, 0, 1, 1, 1, 1],
      [0, 0, 0, 0, 1, 1],
      [0, 0, 0, 0, 1, 1],
      [0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0],
    ]);
    expect(centre("B", "interleaved")).toEqual([
      [1, 1, 1, 1, 1, 1],
      [0, 1, 1, 0, 1, 1],
      [0, 0, 1, 0, 0, 1],
      [1, 1, 1, 1, 1, 1],
      [0, 1, 1, 0, 1, 1],
      [0, 0, 1, 0, 0, 1],
    ]);
    expect(centre("A", "interleaved")).toEqual([
      [0, 1, 1, 0, 1, 1],
      [0, 0, 1, 0, 0, 1],
      [0, 0, 0, 0, 0, 0],
      [0, 1, 1, 0, 1, 1],
      [0, 0, 1, 0, 0, 1],
      [0, 0, 0, 0, 0, 0],
    ]);
  });

  test("an RGB first layer (in 3, out 6, A): output thirds see the colours before theirs", () => {
    const m = groupedCausalMask([3, 3], "A", { groups: 3, order: "contiguous", inChannels: 3, outChannels: 6 });
    expect(tap(m, 1, 1)).toEqual([
      [0, 0, 1, 1, 1, 1],
      [0, 0, 0, 0, 1, 1],
      [0, 0, 0, 0, 0, 0],
    ]);
  });

  test("a depthwise conv (convGroups = in): kernel [3, 3, 1, out]; each output sees its own input channel's colour", () => {
    const b = groupedCausalMask([3, 3], "B", { groups: 3, order: "contiguous", inChannels: 3, outChannels: 6, convGroups: 3 });
    expect(b.shape).toEqual([3, 3, 1, 6]);
    expect(tap(b, 1, 1)).toEqual([[1, 1, 1, 1, 1, 1]]);
    const a = groupedCausalMask([3, 3], "A", { groups: 3, order: "contiguous", inChannels: 3, outChannels: 6, convGroups: 3 });
    expect(tap(a, 1, 1)).toEqual([[0, 0, 0, 0, 0, 0]]);
    expect(tap(a, 0, 0)).toEqual([[1, 1, 1, 1, 1, 1]]);
  });

  test("channelGroup: both orders", () => {
    expect([0, 1, 2, 3, 4, 5].map((c) => channelGroup(c, 6, 3, "contiguous"))).toEqual([0, 0, 1, 1, 2, 2]);
    expect([0, 1, 2, 3, 4, 5].map((c) => channelGroup(c, 6, 3, "interleaved"))).toEqual([0, 1, 2, 0, 1, 2]);
  });

  test("groups that do not divide the channels are refused (callers check first)", () => {
    expect(() => groupedCausalMask([3, 3], "A", { groups: 3, order: "contiguous", inChannels: 4, outChannels: 6 })).toThrow(RangeError);
  });
});

describe("checkerboards, constants and the algebra", () => {
  const B3 = causalMask([3, 3], "B");

  test("checkerboard 4×4, both parities", () => {
    expect(nested(checkerboardMask([4, 4], 0))).toEqual([
      [1, 0, 1, 0],
      [0, 1, 0, 1],
      [1, 0, 1, 0],
      [0, 1, 0, 1],
    ]);
    expect(nested(checkerboardMask([2, 3], 1))).toEqual([
      [0, 1, 0],
      [1, 0, 1],
    ]);
  });

  test("ones and zeros of any rank 1 to 4", () => {
    expect(nested(filledMask([2, 1, 2], 1))).toEqual([[[1, 1]], [[1, 1]]]);
    expect(nested(filledMask([3], 0))).toEqual([0, 0, 0]);
  });

  test("flip along height and width; transpose swaps them", () => {
    expect(nested(flipMask(B3, 0))).toEqual([
      [0, 0, 0],
      [1, 1, 0],
      [1, 1, 1],
    ]);
    expect(nested(flipMask(B3, 1))).toEqual([
      [1, 1, 1],
      [0, 1, 1],
      [0, 0, 0],
    ]);
    expect(nested(transposeMask(causalMask([3, 3], "A")))).toEqual([
      [1, 1, 0],
      [1, 0, 0],
      [1, 0, 0],
    ]);
    expect(transposeMask(filledMask([2, 3, 4], 1)).shape).toEqual([3, 2, 4]);
  });

  test("and, or, not on 0/1 masks; nonzero counts as 1", () => {
    const cb = checkerboardMask([3, 3], 0);
    expect(nested(andMasks(B3, cb))).toEqual([
      [1, 0, 1],
      [0, 1, 0],
      [0, 0, 0],
    ]);
    expect(nested(orMasks(B3, cb))).toEqual([
      [1, 1, 1],
      [1, 1, 0],
      [1, 0, 1],
    ]);
    expect(nested(notMask(causalMask([3, 3], "A")))).toEqual([
      [0, 0, 0],
      [0, 1, 1],
      [1, 1, 1],
    ]);
    expect(nested(notMask({ shape: [2], data: Float32Array.from([0.5, 0]) }))).toEqual([0, 1]);
  });

  test("and broadcasts left-aligned: [3, 3] with [3, 3, 2] is [3, 3, 2]", () => {
    const perChannel = { shape: [3, 3, 2], data: new Float32Array(18).map((_, i) => i % 2) };
    const m = andMasks(B3, perChannel);
    expect(m.shape).toEqual([3, 3, 2]);
    expect(nested(m)).toEqual([
      [[0, 1], [0, 1], [0, 1]],
      [[0, 1], [0, 1], [0, 0]],
      [[0, 0], [0, 0], [0, 0]],
    ]);
    expect(() => andMasks(B3, filledMask([2, 2], 1))).toThrow(RangeError);
  });

  test("maskSizeProblem: sizes ≥ 1, at most 2^24 values", () => {
    expect(maskSizeProblem([3, 3])).toBeUndefined();
    expect(maskSizeProblem([0, 3])).toMatch(/whole numbers ≥ 1/);
    expect(maskSizeProblem([4096, 4097])).toMatch(/the limit is 16777216/);
  });
});
