// One table of random cases per op: every op but the sources (input, param, constant) has a generator of small
// graphs around it with random shapes and attributes, its operands drawn as inputs (run-time), params or constants
// (load-time), sometimes with a symbolic batch. The `i`-th case of an op may force a variant the tests require
// (softmax off the last axis, pad on several axes, concat of three, a slice at the end of its axis, ...).

import type { Value } from "../../src/ir/builder.js";
import { type AnyNode, FUSED_ACTIVATIONS, type OpAttrs, type OpKind } from "../../src/ir/node.js";
import { printNode } from "../../src/ir/text/print.js";
import type { Dim } from "../../src/ir/types.js";
import { CONV_KINDS, Maker, type RandomCase, convLayer, prng } from "./random.js";

/** The ops a case is built around: all but the sources, which every case uses anyway. */
export type CaseOp = Exclude<OpKind, "input" | "param" | "constant">;

/** Where an operand comes from. */
type Source = "input" | "param" | "constant";

/** A case in the making: the Maker plus the batch (a number, or `N` bound by the feeds). */
class OpMaker extends Maker {
  readonly batch: Dim;
  private count = 0;
  constructor(r: () => number, readonly symbolic: boolean, readonly n: number) {
    super(r);
    this.batch = symbolic ? "N" : n;
  }
  /**
   * An operand of `shape` with values from `draw` (uniform in [-1, 1) by default): an input, a param or a constant
   * (`from` forces one). A shape with the symbolic batch can only be an input.
   */
  operand(shape: readonly Dim[], draw: (k: number) => Float32Array = (k) => this.uniform(k, -1, 1), from?: Source): Value {
    const name = `a${this.count++}`;
    const concrete = shape.every((d) => typeof d === "number");
    const source = !concrete ? "input" : (from ?? this.pick<Source>(["input", "input", "param", "constant"]));
    if (source === "input") return this.input(name, shape, draw);
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (source === "param") return this.param(name, shape as number[], draw(size));
    return this.b.constant(shape, draw(size), { name });
  }
  /** Values uniform in [lo, hi). */
  range(lo: number, hi: number): (k: number) => Float32Array {
    return (k) => this.uniform(k, lo, hi);
  }
  /** A shape of rank lo..hi, sizes 1..max; the first axis is the batch when `batched` and the rank allows. */
  shape(lo: number, hi: number, max = 4, batched = true): Dim[] {
    const rank = this.int(lo, hi);
    return Array.from({ length: rank }, (_, i) => (i === 0 && batched && rank >= 2 ? this.batch : this.int(1, max)));
  }
  /** An NHWC activation [batch, h, w, c]. */
  image(h: number, w: number, c: number): Value {
    return this.operand([this.batch, h, w, c]);
  }
  add<K extends OpKind>(op: K, operands: readonly Value[], attrs: OpAttrs[K]): Value {
    return this.b.add(op, operands, attrs, { name: `y.${op}` });
  }
}

type Generator = (m: OpMaker, i: number) => Value;

/** A generator of an op that takes one operand of any shape and fixed attributes. */
const unary = <K extends CaseOp>(op: K, attrs: (m: OpMaker) => OpAttrs[K], lo = -3, hi = 3): Generator =>
  (m) => m.add(op, [m.operand(m.shape(1, 4), m.range(lo, hi))], attrs(m));

/** A same-rank broadcasting binary op: each axis is full on both sides or 1 on one of them. */
const binary = (op: "add" | "sub" | "mul" | "div"): Generator => (m) => {
  const full = m.shape(1, 4);
  const lhs = full.map((d) => (typeof d === "number" && m.r() < 0.3 ? 1 : d));
  const rhs = full.map((d, i) => (lhs[i] !== 1 && m.r() < 0.4 ? 1 : d));
  // A divisor away from zero, of either sign, keeps the quotient's magnitude in hand.
  const awayFromZero = (k: number) => m.uniform(k, 0.5, 1.5).map((v) => (m.r() < 0.5 ? -v : v));
  return m.add(op, [m.operand(lhs), m.operand(rhs, op === "div" ? awayFromZero : undefined)], {});
};

/** A pooling op over windows larger than the strides (even cases) or any (odd), valid or same by turns. */
const pool = (op: "max_pool" | "avg_pool"): Generator => (m, i) => {
  const strides: [number, number] = [m.int(1, 3), m.int(1, 3)];
  const window: [number, number] = i % 2 === 0 ? [strides[0] + m.int(1, 2), strides[1] + m.int(0, 2)] : [m.int(1, 4), m.int(1, 4)];
  return m.add(op, [m.image(m.int(1, 7), m.int(1, 7), m.int(1, 5))], { window, strides, padding: i % 3 === 0 ? "valid" : "same" });
};

/** softmax or log_softmax: off the last axis in even cases. */
const softmaxLike = (op: "softmax" | "log_softmax"): Generator => (m, i) => {
  const shape = m.shape(i % 2 === 0 ? 2 : 1, 4, 5);
  const axis = i % 2 === 0 ? m.int(0, shape.length - 2) : m.int(0, shape.length - 1);
  return m.add(op, [m.operand(shape, m.range(-4, 4))], { axis });
};

export const OP_CASES: { readonly [K in CaseOp]: Generator } = {
  conv2d: (m) => convLayer(m, m.image(m.int(1, 7), m.int(1, 7), m.int(1, 6)), 1, CONV_KINDS.filter((k) => k !== "fed" && k !== "constant-masked")),
  masked_conv2d: (m) => convLayer(m, m.image(m.int(1, 7), m.int(1, 7), m.int(1, 6)), 1, ["fed", "constant-masked"]),
  // activation(conv(x, kernel [⊙ fed mask]) + bias): every activation by turns, a mask in odd cases, strides and
  // dilations (tfjs's fused conv takes them apart) and, every fourth case, two groups (the unfused tfjs path).
  fused_conv2d: (m, i) => {
    const groups = i % 4 === 3 ? 2 : 1;
    const c = m.int(1, 3) * groups;
    const [kh, kw, o] = [m.int(1, 3), m.int(1, 3), m.int(1, 3) * groups];
    const activation = FUSED_ACTIVATIONS[i % FUSED_ACTIVATIONS.length]!;
    const operands = [m.image(m.int(3, 7), m.int(3, 7), c), m.operand([kh, kw, c / groups, o]), m.operand([o])];
    if (i % 2 === 1) operands.push(m.operand([kh, kw], undefined, "input"));
    const strides: [number, number] = [m.int(1, 2), m.int(1, 2)];
    const dilations: [number, number] = i % 3 === 0 ? [m.int(1, 2), m.int(1, 2)] : [1, 1];
    const attrs = { strides, dilations, padding: m.pick<"valid" | "same">(["valid", "same"]), groups, activation, alpha: activation === "leakyrelu" ? 0.2 : 0 };
    return m.add("fused_conv2d", operands, attrs);
  },
  conv2d_transpose: (m, i) => {
    const c = m.int(1, 4);
    const kernel = m.operand([m.int(1, 4), m.int(1, 4), m.int(1, 4), c]);
    const strides: [number, number] = [1 + (i % 3), m.int(1, 3)];
    return m.add("conv2d_transpose", [m.image(m.int(1, 5), m.int(1, 5), c), kernel], { strides, padding: i % 2 === 0 ? "same" : "valid" });
  },
  dense: (m) => {
    const shape = m.shape(1, 4, 5);
    const kin = shape[shape.length - 1] as number;
    return m.add("dense", [m.operand(shape), m.operand([kin, m.int(1, 6)])], {});
  },
  add: binary("add"),
  sub: binary("sub"),
  mul: binary("mul"),
  div: binary("div"),
  reshape: (m) => {
    // The known sizes regrouped into a new list of factors; the batch stays in front.
    const shape = m.shape(1, 4);
    const known = shape.filter((d): d is number => typeof d === "number").reduce((a, b) => a * b, 1);
    const factors: number[] = [];
    let rest = known;
    for (let f = 2; f <= rest; f++) while (rest % f === 0 && m.r() < 0.7) (factors.push(f), (rest /= f));
    const target = [...(typeof shape[0] === "string" ? [shape[0]] : []), ...factors, rest];
    const x = m.operand(shape);
    return m.add("reshape", [m.r() < 0.5 ? m.b.relu(x) : x], { shape: target });
  },
  concat: (m, i) => {
    const base = m.shape(1, 4);
    const axis = m.int(typeof base[0] === "string" ? 1 : 0, base.length - 1);
    const count = [3, 2, 1][i % 3]!;
    const parts = Array.from({ length: count }, () => m.operand(base.map((d, k) => (k === axis ? m.int(1, 3) : d))));
    return m.add("concat", parts, { axis });
  },
  slice: (m, i) => {
    const shape = m.shape(1, 4, 6);
    const axis = m.int(typeof shape[0] === "string" ? 1 : 0, shape.length - 1);
    const n = shape[axis] as number;
    const size = m.int(1, n);
    const begin = i % 2 === 0 ? n - size : m.int(0, n - size);
    return m.add("slice", [m.operand(shape)], { axis, begin, size });
  },
  pad: (m, i) => {
    const shape = m.shape(i % 2 === 0 ? 2 : 1, 4);
    const pads = shape.flatMap((d) => (typeof d === "string" ? [0, 0] : i % 2 === 0 ? [m.int(1, 2), m.int(0, 2)] : [m.int(0, 2), m.int(0, 2)]));
    return m.add("pad", [m.operand(shape)], { pads, value: m.pick([0, 0, -1.5, 2.25]) });
  },
  upsample: (m) => m.add("upsample", [m.image(m.int(1, 4), m.int(1, 4), m.int(1, 3))], { factors: [m.int(1, 3), m.int(1, 3)] }),
  max_pool: pool("max_pool"),
  avg_pool: pool("avg_pool"),
  batch_norm: (m) => {
    const shape = m.shape(1, 4, 5);
    const c = shape[shape.length - 1] as number;
    const stat = (lo: number, hi: number) => m.operand([c], m.range(lo, hi), m.pick<Source>(["param", "param", "constant", "input"]));
    const [gamma, beta, mean, variance] = [stat(0.5, 2), stat(-1, 1), stat(-1, 1), stat(0.1, 2)];
    return m.add("batch_norm", [m.operand(shape, m.range(-2, 2)), gamma, beta, mean, variance], { epsilon: m.pick([1e-3, 1e-5, 0.1, 0]) });
  },
  bias_add: (m) => {
    const shape = m.shape(1, 4);
    return m.add("bias_add", [m.operand(shape), m.operand([shape[shape.length - 1]!])], {});
  },
  relu: unary("relu", () => ({})),
  tanh: unary("tanh", () => ({})),
  sigmoid: unary("sigmoid", () => ({})),
  leaky_relu: unary("leaky_relu", (m) => ({ alpha: m.pick([0.01, 0.2, 0, 1.5]) })),
  elu: unary("elu", (m) => ({ alpha: m.pick([1, 0.5, 2]) })),
  gelu: unary("gelu", () => ({})),
  clamp: unary("clamp", (m) => m.pick([{ min: -0.5, max: 0.25 }, { min: 0, max: 6 }, { min: 1, max: 1 }])),
  softmax: softmaxLike("softmax"),
  log_softmax: softmaxLike("log_softmax"),
};

/** Cases per op: enough for every forced variant to come up with both kinds of operands. */
export const CASES_PER_OP = 6;

/** The i-th case of `op`, reproducible; the label is the graph's computing nodes as IR text, and where operands come from. */
export function opCase(op: CaseOp, i: number): RandomCase {
  const r = prng([...op].reduce((h, ch) => Math.imul(h, 31) + ch.charCodeAt(0), 17 + i));
  for (;;) {
    const symbolic = r() < 0.3;
    const m = new OpMaker(r, symbolic, 1 + Math.floor(r() * 2));
    m.b.output("y", OP_CASES[op](m, i));
    const c = m.finish(symbolic, m.n);
    if (!c) continue;
    const isSource = (n: AnyNode) => n.op === "input" || n.op === "param" || n.op === "constant";
    const sources = c.graph.nodes.filter(isSource);
    const computed = c.graph.nodes.filter((n) => !isSource(n));
    const label = [...computed.map((n) => printNode(n)), sources.map((n) => `${n.name}:${n.op}`).join(" ")].join(" | ");
    return { ...c, label };
  }
}
