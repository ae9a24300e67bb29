// Tiny cases whose expected numbers are worked out by hand in the comments, checked against interpret() and every
// backend: they pin the reference semantics themselves (which way SAME pads, how grouped channels are ordered, what
// an average divides by), not only the backends' agreement with it.

import { describe, expect, test } from "vitest";
import { type Backend, loadCompiled } from "../../src/codegen/index.js";
import { formatDiagnostics } from "../../src/diagnostics.js";
import { GraphBuilder, type Value } from "../../src/ir/builder.js";
import { interpret } from "../../src/ir/interpret.js";
import type { OpAttrs, OpKind } from "../../src/ir/node.js";
import { expectClose, graphOf, tensors } from "./cases.js";

interface HandCase {
  readonly name: string;
  /** Builds `y` from the inputs x (and w, when given). */
  readonly build: (b: GraphBuilder, x: Value, w?: Value) => Value;
  readonly x: { shape: number[]; data: number[] };
  readonly w?: { shape: number[]; data: number[] };
  readonly want: { shape: number[]; data: number[] };
}

const op = <K extends OpKind>(b: GraphBuilder, kind: K, operands: Value[], attrs: OpAttrs[K]) => b.add(kind, operands, attrs, { name: "y" });
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const conv = { strides: [1, 1], dilations: [1, 1], padding: "valid", groups: 1 } as const;

const CASES: HandCase[] = [
  {
    // x = [[1,2,3],[4,5,6],[7,8,9]], 3×3 windows, stride 1, SAME: one pixel of padding all round, never counted.
    // Corner (0,0) averages 1,2,4,5 = 12/4 = 3; edge (0,1) averages 1..6 = 21/6 = 3.5; the centre all nine = 5.
    name: "avg_pool SAME divides by the pixels inside the input",
    build: (b, x) => op(b, "avg_pool", [x], { window: [3, 3], strides: [1, 1], padding: "same" }),
    x: { shape: [1, 3, 3, 1], data: range(9) },
    want: { shape: [1, 3, 3, 1], data: [3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7] },
  },
  {
    // 2×2 windows, stride 2, SAME on 3×3: out 2×2, total padding 1 goes after (bottom, right). (0,0) = avg(1,2,4,5)
    // = 3, (0,1) = avg(3,6) = 4.5, (1,0) = avg(7,8) = 7.5, (1,1) = 9 alone.
    name: "avg_pool SAME puts the extra padding after",
    build: (b, x) => op(b, "avg_pool", [x], { window: [2, 2], strides: [2, 2], padding: "same" }),
    x: { shape: [1, 3, 3, 1], data: range(9) },
    want: { shape: [1, 2, 2, 1], data: [3, 4.5, 7.5, 9] },
  },
  {
    // The same windows as the first case, maxima: padding never wins, even over negative values (x negated).
    name: "max_pool SAME ignores padding",
    build: (b, x) => op(b, "max_pool", [x], { window: [3, 3], strides: [1, 1], padding: "same" }),
    x: { shape: [1, 3, 3, 1], data: range(9).map((v) => -v) },
    want: { shape: [1, 3, 3, 1], data: [-1, -1, -2, -1, -1, -2, -4, -4, -5] },
  },
  {
    // Stride 2, kernel 2×2, VALID: out (2-1)·2+2 = 4; each input pixel scatters its own 2×2 block x·[[1,10],[100,1000]].
    name: "conv2d_transpose, one channel, stride 2, VALID",
    build: (b, x, w) => op(b, "conv2d_transpose", [x, w!], { strides: [2, 2], padding: "valid" }),
    x: { shape: [1, 2, 2, 1], data: [1, 2, 3, 4] },
    w: { shape: [2, 2, 1, 1], data: [1, 10, 100, 1000] },
    want: { shape: [1, 4, 4, 1], data: [1, 10, 2, 20, 100, 1000, 200, 2000, 3, 30, 4, 40, 300, 3000, 400, 4000] },
  },
  {
    // Stride 2, 3×3 ones, SAME: out 2·2 = 4. The forward conv 4 → 2 pads 1 in total, 0 before, so input row iy
    // reaches output rows 2·iy .. 2·iy+2: rows 0,1 see iy 0; row 2 sees both; row 3 sees iy 1 (columns alike).
    name: "conv2d_transpose, one channel, stride 2, SAME: overlapping taps add",
    build: (b, x, w) => op(b, "conv2d_transpose", [x, w!], { strides: [2, 2], padding: "same" }),
    x: { shape: [1, 2, 2, 1], data: [1, 2, 3, 4] },
    w: { shape: [3, 3, 1, 1], data: new Array(9).fill(1) },
    want: { shape: [1, 4, 4, 1], data: [1, 1, 3, 2, 1, 1, 3, 2, 4, 4, 10, 6, 3, 3, 7, 4] },
  },
  {
    // Depthwise, multiplier 2: kernel [1,1,1,4], out channel c·2 + m reads input channel c with weight k[c·2 + m]:
    // [1·10, 1·20, 2·300, 2·400].
    name: "depthwise conv2d orders out channels c·M + m",
    build: (b, x, w) => op(b, "conv2d", [x, w!], { ...conv, groups: 2 }),
    x: { shape: [1, 1, 1, 2], data: [1, 2] },
    w: { shape: [1, 1, 1, 4], data: [10, 20, 300, 400] },
    want: { shape: [1, 1, 1, 4], data: [10, 20, 600, 800] },
  },
  {
    // Groups 2 over 4 channels, kernel [1,1,2,2] = [[k00, k01], [k10, k11]] (in × out) = [[1, 10], [100, 1000]]:
    // out 0 reads channels 0, 1: 1·1 + 2·100 = 201; out 1 reads channels 2, 3: 3·10 + 4·1000 = 4030.
    name: "grouped conv2d: each out block reads its own in block",
    build: (b, x, w) => op(b, "conv2d", [x, w!], { ...conv, groups: 2 }),
    x: { shape: [1, 1, 1, 4], data: [1, 2, 3, 4] },
    w: { shape: [1, 1, 2, 2], data: [1, 10, 100, 1000] },
    want: { shape: [1, 1, 1, 2], data: [201, 4030] },
  },
  {
    // Depthwise (multiplier 1) with the [1,2,1] mask [0, 1], read as [1,2,1,1]: tap (0,0) goes for every channel,
    // tap (0,1) stays. Out channel c = x[0,1,c] · k[0,1,0,c]: [3·5, 4·7]; the 100s of tap (0,0) never count.
    name: "masked depthwise conv2d with a rank-3 mask",
    build: (b, x, w) => b.add("masked_conv2d", [x, w!, b.constant([1, 2, 1], [0, 1])], { ...conv, groups: 2 }, { name: "y" }),
    x: { shape: [1, 1, 2, 2], data: [1, 2, 3, 4] },
    w: { shape: [1, 2, 1, 2], data: [100, 100, 5, 7] },
    want: { shape: [1, 1, 1, 2], data: [3 * 5, 4 * 7] },
  },
  {
    // softmax along axis 0 of [[0], [ln 3]]: e^0 : e^ln3 = 1 : 3 → [1/4, 3/4].
    name: "softmax along the first axis",
    build: (b, x) => op(b, "softmax", [x], { axis: 0 }),
    x: { shape: [2, 1], data: [0, Math.log(3)] },
    want: { shape: [2, 1], data: [0.25, 0.75] },
  },
  {
    // log_softmax along axis 0 of [[0, 5], [ln 3, 5]]: column 0 is ln[1/4, 3/4], column 1 ln[1/2, 1/2].
    name: "log_softmax along the first axis",
    build: (b, x) => op(b, "log_softmax", [x], { axis: 0 }),
    x: { shape: [2, 2], data: [0, 5, Math.log(3), 5] },
    want: { shape: [2, 2], data: [Math.log(0.25), Math.log(0.5), Math.log(0.75), Math.log(0.5)] },
  },
  {
    // [[1, 2]] with one row before (axis 0) and one column after (axis 1), filled with 9.
    name: "pad on two axes",
    build: (b, x) => op(b, "pad", [x], { pads: [1, 0, 0, 1], value: 9 }),
    x: { shape: [1, 2], data: [1, 2] },
    want: { shape: [2, 3], data: [9, 9, 9, 1, 2, 9] },
  },
  {
    // [1, 2] as a 1×2 image, by [2, 2]: each pixel becomes a 2×2 block.
    name: "upsample repeats pixels, then rows",
    build: (b, x) => op(b, "upsample", [x], { factors: [2, 2] }),
    x: { shape: [1, 1, 2, 1], data: [1, 2] },
    want: { shape: [1, 2, 4, 1], data: [1, 1, 2, 2, 1, 1, 2, 2] },
  },
  {
    // [[1], [2]] ++ [[3, 4], [5, 6]] ++ [[7], [8]] along axis 1 → [[1, 3, 4, 7], [2, 5, 6, 8]].
    name: "concat of three along the inner axis",
    build: (b, x, w) => op(b, "concat", [x, w!, b.constant([2, 1], [7, 8])], { axis: 1 }),
    x: { shape: [2, 1], data: [1, 2] },
    w: { shape: [2, 2], data: [3, 4, 5, 6] },
    want: { shape: [2, 4], data: [1, 3, 4, 7, 2, 5, 6, 8] },
  },
  {
    // Columns 1..2 of [[1, 2, 3], [4, 5, 6]]: the end of the axis.
    name: "slice at the end of an axis",
    build: (b, x) => op(b, "slice", [x], { axis: 1, begin: 1, size: 2 }),
    x: { shape: [2, 3], data: range(6) },
    want: { shape: [2, 2], data: [2, 3, 5, 6] },
  },
  {
    // (3 − 1) / sqrt(4) · 2 + 1 = 3 and (5 − 1) / sqrt(16) · 1 + 0 = 1 (epsilon 0).
    name: "batch_norm per channel",
    build: (b, x) => {
      const c = (data: number[]) => b.constant([2], data);
      return op(b, "batch_norm", [x, c([2, 1]), c([1, 0]), c([1, 1]), c([4, 16])], { epsilon: 0 });
    },
    x: { shape: [1, 2], data: [3, 5] },
    want: { shape: [1, 2], data: [3, 1] },
  },
  {
    // [[1, 2], [3, 4]] · [[10], [100]] = [[210], [430]].
    name: "dense",
    build: (b, x, w) => op(b, "dense", [x, w!], {}),
    x: { shape: [2, 2], data: [1, 2, 3, 4] },
    w: { shape: [2, 1], data: [10, 100] },
    want: { shape: [2, 1], data: [210, 430] },
  },
  {
    // [[6], [12]] / [[2, 3]] broadcast both ways → [[3, 2], [6, 4]].
    name: "div broadcasts axes of size 1",
    build: (b, x, w) => op(b, "div", [x, w!], {}),
    x: { shape: [2, 1], data: [6, 12] },
    w: { shape: [1, 2], data: [2, 3] },
    want: { shape: [2, 2], data: [3, 2, 6, 4] },
  },
  {
    // gelu(x) = x · Φ(x): Φ(0) = 1/2, Φ(1) = 0.8413447460685429, Φ(−1) = 1 − Φ(1).
    name: "gelu is x times the normal CDF",
    build: (b, x) => op(b, "gelu", [x], {}),
    x: { shape: [3], data: [0, 1, -1] },
    want: { shape: [3], data: [0, 0.8413447460685429, -(1 - 0.8413447460685429)] },
  },
  {
    // elu with alpha 2 at −ln 2: 2 · (e^−ln2 − 1) = 2 · (1/2 − 1) = −1; positive values pass.
    name: "elu scales its negative side by alpha",
    build: (b, x) => op(b, "elu", [x], { alpha: 2 }),
    x: { shape: [2], data: [-Math.log(2), 3] },
    want: { shape: [2], data: [-1, 3] },
  },
  {
    // −2 · 1.5 = −3 (a max(x, alpha · x) formulation would give −2).
    name: "leaky_relu with alpha above 1 is not max(x, alpha · x)",
    build: (b, x) => op(b, "leaky_relu", [x], { alpha: 1.5 }),
    x: { shape: [2], data: [-2, 2] },
    want: { shape: [2], data: [-3, 2] },
  },
];

const BACKENDS: Backend[] = ["js", "tfjs-wasm", "tfjs-cpu"];

describe.each(CASES)("$name", (c) => {
  const b = new GraphBuilder("Hand");
  const x = b.input("x", c.x.shape);
  const w = c.w ? b.input("w", c.w.shape) : undefined;
  b.output("y", c.build(b, x, w));
  const graph = graphOf(b);
  const inputs = tensors(c.w ? [["x", c.x], ["w", c.w]] : [["x", c.x]]);
  const want = { shape: c.want.shape, data: c.want.data };

  test("interpret()", () => {
    expectClose(interpret(graph, inputs).y!, want);
  });

  test.each(BACKENDS)("%s", async (backend) => {
    const loaded = await loadCompiled(graph, backend);
    if (!loaded.ok) throw new Error(formatDiagnostics(loaded.diagnostics));
    expectClose((await loaded.value.predict(inputs)).y!, want, backend);
    loaded.value.dispose?.();
  });
});

test("every case names its expectation", () => {
  expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
});
