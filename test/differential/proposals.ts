// The op proposals of the differential generator: each draws one op over values of the pool (or fresh sources)
// with random attributes, and adds it when its shape rule accepts — convs with groups, strides, dilations,
// paddings and masks of rank 2–4 (fed, constant, param, computed; fused or in the builder's unfused form),
// transposed convs, dense after reshape, broadcasting arithmetic, shape ops, pools, normalization, activations.

import type { Value } from "../../src/ir/builder.js";
import { FUSED_ACTIVATIONS } from "../../src/ir/node.js";
import type { Padding } from "../../src/ir/types.js";
import { type Dim, knownElements } from "../../src/ir/types.js";
import { broadcastShapes } from "../../src/ir/ops/elementwise.js";
import type { Maker, Operand, Planned } from "./generate.js";

type Proposal = (m: Maker) => Value | undefined;

const known = (d: Dim | undefined): d is number => typeof d === "number";
/** NHWC with known height, width and channels. */
const image = (v: Value) => v.type.shape.length === 4 && v.type.shape.slice(1).every(known);
const lastKnown = (v: Value) => v.type.shape.length >= 1 && known(v.type.shape[v.type.shape.length - 1]);

function divisors(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
}

function pair(m: Maker, lo: number, hi: number, ones: number): [number, number] {
  return m.chance(ones) ? [1, 1] : [m.int(lo, hi), m.int(lo, hi)];
}

type ConvForm = "plain" | "masked" | "unfused";

/** conv2d, masked_conv2d, or conv2d over mul(kernel, reshape(mask)) as builder users write it. */
function conv(form: ConvForm): Proposal {
  return (m) => {
    const x = m.value(image);
    if (!x) return undefined;
    const c = x.type.shape[3] as number;
    const groups = m.chance(0.6) ? 1 : m.pick(divisors(c));
    // Out channels per group: one block of 4 accumulators in js, a block and the rest (5, 7), a loop of blocks (8, 9).
    const out = groups * m.pick(groups === 1 ? [1, 2, 3, 4, 5, 7, 8, 9] : [1, 2, 3, 5, 8]);
    const [kh, kw] = m.chance(0.15) ? [m.int(1, 5), m.int(1, 5)] : [m.int(1, 3), m.int(1, 3)];
    const kin = c / groups;
    const padding: Padding = m.pick<Padding>(["valid", "same", [m.int(0, 2), m.int(0, 2), m.int(0, 2), m.int(0, 2)]]);
    const attrs = { strides: pair(m, 1, 3, 0.5), dilations: pair(m, 1, 3, 0.6), padding, groups };
    const kernel = m.shared([kh, kw, kin, out], { kind: "weight", scale: 1 / Math.sqrt(kh * kw * kin) });
    if (form === "plain") return m.add("conv2d", [x, kernel], attrs);
    // Grouped convs mostly get per-out-channel masks: their groups then differ in live taps (runs of groups in js).
    const perOut = groups > 1 && m.chance(0.7);
    const rank = perOut ? 4 : m.int(2, 4);
    const maskShape = [kh, kw, m.chance(0.5) ? kin : 1, perOut || m.chance(0.5) ? out : 1].slice(0, rank);
    const mask = m.shared(maskShape, { kind: "mask" });
    if (form === "masked") return m.add("masked_conv2d", [x, kernel, mask], attrs);
    const maskFirst = m.chance(0.3);
    const product: Planned = {
      type: kernel.type,
      make: () => {
        const k = "make" in kernel ? kernel.make() : kernel;
        const raw = "make" in mask ? mask.make() : mask;
        const m4 = rank === 4 ? raw : m.b.reshape(raw, [...maskShape, 1, 1].slice(0, 4), { hint: `${raw.name}.as_kernel` });
        const v = maskFirst ? m.b.mul(m4, k, { hint: "masked" }) : m.b.mul(k, m4, { hint: "masked" });
        m.pool.push(v);
        return v;
      },
    };
    return m.add("conv2d", [x, product], attrs);
  };
}

/** PixelCNN's causal mask, row-major: rows above the centre, and left of it in its row (and the centre for B). */
function causal(k: number, typeB: boolean): number[] {
  const c = Math.floor(k / 2);
  return Array.from({ length: k * k }, (_, t) => {
    const [i, j] = [Math.floor(t / k), t % k];
    return i < c || (i === c && (j < c || (j === c && typeB))) ? 1 : 0;
  });
}

/**
 * A causal or L-shaped masked conv over 48 fresh channels: wide enough for split-masked-kernels' cost model; the
 * mask a constant or fed with its support declared.
 */
const wideCausal: Proposal = (m) => {
  const k = m.pick([3, 5]);
  const x = m.b.input(`w${m.pool.length}x`, [m.batch, m.int(1, 3), m.int(1, 3), 48]);
  m.pool.push(x);
  // An L (the top row and the left column) is sparse enough for split-masked-kernels; a causal mask is cropped.
  const support = m.chance(0.5) ? causal(k, m.chance(0.5)) : Array.from({ length: k * k }, (_, t) => (t < k || t % k === 0 ? 1 : 0));
  const name = `w${m.pool.length}m`;
  const mask = m.chance(0.5) ? m.b.constant([k, k], support, { name }) : m.b.input(name, [k, k], { support });
  m.dists.set(name, { kind: "uniform", lo: -1, hi: 1 });
  const kernel = m.shared([k, k, 48, m.int(1, 2)], { kind: "weight", scale: 1 / Math.sqrt(k * k * 48) });
  const attrs = { strides: pair(m, 1, 2, 0.6), dilations: [1, 1] as [number, number], padding: m.pick<Padding>(["same", "valid"]), groups: 1 };
  return m.add("masked_conv2d", [x, kernel, mask], attrs);
};

/**
 * A conv with its bias, often a batch norm, and an activation, as layers are written: what fold-batch-norm and
 * fuse-bias-activation rewrite.
 */
const layer: Proposal = (m) => {
  const y = conv(m.chance(0.5) ? "plain" : "masked")(m);
  if (!y) return undefined;
  let biased = m.add("bias_add", [y, m.source([y.type.shape[3]!], { kind: "weight", scale: 0.5 })], {});
  if (!biased) return undefined;
  if (m.chance(0.5)) {
    const c = [biased.type.shape[3]!];
    const stats = [{ kind: "weight", scale: 1.5 }, { kind: "weight", scale: 1 }, { kind: "weight", scale: 1 }, { kind: "positive" }] as const;
    biased = m.add("batch_norm", [biased, ...stats.map((role) => m.source(c, role))], { epsilon: 0.001 });
    if (!biased) return undefined;
  }
  const act = m.pick(["relu", "sigmoid", "leaky_relu", "clamp", "none"] as const);
  if (act === "none") return biased;
  if (act === "leaky_relu") return m.add("leaky_relu", [biased], { alpha: 0.2 });
  if (act === "clamp") return m.add("clamp", [biased], { min: 0, max: 6 });
  return m.add(act, [biased], {});
};

/** fused_conv2d as written in IR text: any fusable activation, a fed mask now and then. */
const fused: Proposal = (m) => {
  const x = m.value(image);
  if (!x) return undefined;
  const c = x.type.shape[3] as number;
  const [kh, kw, out] = [m.int(1, 3), m.int(1, 3), m.int(1, 4)];
  const kernel = m.shared([kh, kw, c, out], { kind: "weight", scale: 1 / Math.sqrt(kh * kw * c) });
  const bias = m.source([out], { kind: "weight", scale: 0.5 });
  const operands: Operand[] = [x, kernel, bias];
  if (m.chance(0.4)) operands.push(m.shared([kh, kw], { kind: "mask" }));
  const activation = m.pick(FUSED_ACTIVATIONS);
  const attrs = { strides: pair(m, 1, 2, 0.5), dilations: pair(m, 1, 2, 0.7), padding: m.pick<Padding>(["valid", "same"]), groups: 1 };
  return m.add("fused_conv2d", operands, { ...attrs, activation, alpha: activation === "leakyrelu" ? 0.2 : 0 });
};

const transpose: Proposal = (m) => {
  const x = m.value(image);
  if (!x) return undefined;
  const c = x.type.shape[3] as number;
  const [kh, kw, out] = [m.int(1, 3), m.int(1, 3), m.int(1, 4)];
  const strides: [number, number] = [m.int(1, 3), m.int(1, 3)];
  const fan = Math.max(1, (kh * kw * c) / (strides[0] * strides[1]));
  const kernel = m.shared([kh, kw, out, c], { kind: "weight", scale: 1 / Math.sqrt(fan) });
  return m.add("conv2d_transpose", [x, kernel], { strides, padding: m.pick(["valid", "same"] as const) });
};

/** dense on the last axis, often after flattening all but the first axis. */
const dense: Proposal = (m) => {
  let x = m.value(lastKnown);
  if (!x) return undefined;
  const s = x.type.shape;
  if (s.length >= 3 && s.slice(1).every(known) && m.chance(0.6)) {
    x = m.add("reshape", [x], { shape: [s[0]!, knownElements(s.slice(1))] });
    if (!x) return undefined;
  }
  const kin = x.type.shape[x.type.shape.length - 1] as number;
  return m.add("dense", [x, m.shared([kin, m.int(1, 6)], { kind: "weight", scale: 1 / Math.sqrt(kin) })], {});
};

/** add, sub, mul or div with broadcasting: a partner from the pool, or a fresh one with axes of 1 (either side). */
function binary(op: "add" | "sub" | "mul" | "div"): Proposal {
  return (m) => {
    const a = m.value();
    if (!a) return undefined;
    let b: Operand | undefined;
    if (op !== "div" && m.chance(0.4)) {
      b = m.value((v) => v !== a && Array.isArray(broadcastShapes(a.type.shape, v.type.shape)));
    }
    const role = { kind: op === "div" ? "divisor" : "operand" } as const;
    if (!b && m.chance(0.1)) {
      // A scalar (rank 0), reshaped to a rank-matching [1, 1, ...] as the IR wants broadcasts spelled.
      const scalar = m.source([], role);
      const ones = a.type.shape.map(() => 1);
      b = { type: { dtype: "f32", shape: ones }, make: () => m.b.reshape(scalar.make(), ones, { hint: "scalar" }) };
    }
    if (!b) {
      const shape = a.type.shape.map((d) => (d === 1 && m.chance(0.3) ? m.int(2, 3) : m.chance(0.35) ? 1 : d));
      b = m.source(shape, role);
    }
    return m.add(op, op === "div" || m.chance(0.5) ? [a, b] : [b, a], {});
  };
}

/** The prime factors of n, smallest first. */
function factors(n: number): number[] {
  const out: number[] = [];
  for (let p = 2; n > 1; p++) while (n % p === 0) (out.push(p), (n /= p));
  return out;
}

/** A random shape of the same element count: the known product split over 1–4 axes, symbols kept (mostly first). */
const reshape: Proposal = (m) => {
  const x = m.value((v) => v.type.shape.length >= 1);
  if (!x) return undefined;
  const symbols = x.type.shape.filter((d): d is string => typeof d === "string");
  // Rank 0 (a scalar) now and then, when every size is known.
  const bins = new Array<number>(m.chance(0.05) ? 0 : m.int(symbols.length > 0 ? 0 : 1, 4)).fill(1);
  for (const f of factors(knownElements(x.type.shape))) if (bins.length > 0) bins[m.int(0, bins.length - 1)]! *= f;
  const shape: Dim[] = [...bins];
  for (const s of symbols) shape.splice(m.chance(0.7) ? 0 : m.int(0, shape.length), 0, s);
  if (knownElements(x.type.shape) !== 1 && shape.length === 0) shape.push(1);
  return m.add("reshape", [x], { shape });
};

const concat: Proposal = (m) => {
  const a = m.value((v) => v.type.shape.some(known));
  if (!a) return undefined;
  const axes = a.type.shape.flatMap((d, i) => (known(d) ? [i] : []));
  const axis = m.pick(axes);
  const fits = (v: Value) => v.type.shape.length === a.type.shape.length && v.type.shape.every((d, i) => i === axis || d === a.type.shape[i]);
  const parts: Operand[] = [a];
  for (let i = m.int(0, 2); i > 0; i--) {
    const choice = m.int(0, 2);
    const partner = choice === 0 ? a : choice === 1 ? m.value(fits) : undefined;
    parts.push(partner ?? m.source(a.type.shape.map((d, j) => (j === axis ? m.int(1, 3) : d)), { kind: "operand" }));
  }
  return m.add("concat", m.chance(0.5) ? parts : parts.reverse(), { axis });
};

const slice: Proposal = (m) => {
  const x = m.value((v) => v.type.shape.some(known));
  if (!x) return undefined;
  const axis = m.pick(x.type.shape.flatMap((d, i) => (known(d) ? [i] : [])));
  const n = x.type.shape[axis] as number;
  const size = m.int(1, n);
  return m.add("slice", [x], { axis, begin: m.int(0, n - size), size });
};

const pad: Proposal = (m) => {
  const x = m.value((v) => v.type.shape.length >= 1);
  if (!x) return undefined;
  const pads = x.type.shape.flatMap((d) => (known(d) && m.chance(0.5) ? [m.int(0, 2), m.int(0, 2)] : [0, 0]));
  return m.add("pad", [x], { pads, value: m.chance(0.5) ? 0 : Math.fround(m.r() * 2 - 1) });
};

const upsample: Proposal = (m) => {
  const x = m.value(image);
  return x && m.add("upsample", [x], { factors: [m.int(1, 3), m.int(1, 3)] });
};

function pool(op: "max_pool" | "avg_pool"): Proposal {
  return (m) => {
    const x = m.value((v) => v.type.shape.length === 4 && known(v.type.shape[1]) && known(v.type.shape[2]));
    return x && m.add(op, [x], { window: [m.int(1, 3), m.int(1, 3)], strides: [m.int(1, 3), m.int(1, 3)], padding: m.pick(["valid", "same"] as const) });
  };
}

const batchNorm: Proposal = (m) => {
  const x = m.value(lastKnown);
  if (!x) return undefined;
  const c = [x.type.shape[x.type.shape.length - 1]!];
  const stats = [
    m.source(c, { kind: "weight", scale: 1.5 }),
    m.source(c, { kind: "operand" }),
    m.source(c, { kind: "operand" }),
    m.source(c, { kind: "positive" }),
  ];
  return m.add("batch_norm", [x, ...stats], { epsilon: m.pick([0.001, 1e-5, 0]) });
};

const biasAdd: Proposal = (m) => {
  const x = m.value(lastKnown);
  return x && m.add("bias_add", [x, m.source([x.type.shape[x.type.shape.length - 1]!], { kind: "operand" })], {});
};

function unary(op: "relu" | "tanh" | "sigmoid" | "gelu"): Proposal {
  return (m) => {
    const x = m.value();
    return x && m.add(op, [x], {});
  };
}

const leakyRelu: Proposal = (m) => {
  const x = m.value();
  return x && m.add("leaky_relu", [x], { alpha: m.pick([0.01, 0.2, 1.5]) });
};

const elu: Proposal = (m) => {
  const x = m.value();
  return x && m.add("elu", [x], { alpha: m.pick([1, 0.5, 2]) });
};

const clamp: Proposal = (m) => {
  const x = m.value();
  const min = m.pick([-1, -0.5, 0, 0.25]);
  return x && m.add("clamp", [x], { min, max: min + m.pick([0, 0.5, 1, 2]) });
};

function softmax(op: "softmax" | "log_softmax"): Proposal {
  return (m) => {
    const x = m.value((v) => v.type.shape.length >= 1);
    return x && m.add(op, [x], { axis: m.int(0, x.type.shape.length - 1) });
  };
}

/** Every op at least once; convolutions, the point of mconv, more often. */
export const PROPOSALS: readonly Proposal[] = [
  conv("plain"), conv("plain"), conv("masked"), conv("masked"), conv("masked"), conv("unfused"), conv("unfused"),
  wideCausal, layer, layer, fused,
  transpose, dense, dense,
  binary("add"), binary("sub"), binary("mul"), binary("div"),
  reshape, reshape, concat, slice, pad, upsample, pool("max_pool"), pool("avg_pool"),
  batchNorm, biasAdd,
  unary("relu"), unary("tanh"), unary("sigmoid"), unary("gelu"), leakyRelu, elu, clamp,
  softmax("softmax"), softmax("log_softmax"),
];
