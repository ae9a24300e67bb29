// Seeded random graphs for the backend tests: one or two conv layers with random sizes (out channels up to 9),
// groups (1, 2, 3, depthwise with multiplier 1–3), kernels 1–4, strides and dilations 1–3 (together too),
// valid/same/explicit padding, masks of rank 2–4 (soft, binary, fed or constant), bias and activations. The Maker is
// shared with the per-op cases (ops.ts). Small sizes keep the suite fast; every case is reproducible from its seed.

import { GraphBuilder, type Value } from "../../src/ir/builder.js";
import type { Graph } from "../../src/ir/node.js";
import type { TensorMap } from "../../src/ir/interpret.js";
import type { Dim, Padding } from "../../src/ir/types.js";
import { tensors } from "./cases.js";
import { rng as prng } from "../support/random.js";

export { prng };

export interface RandomCase {
  readonly label: string;
  readonly graph: Graph;
  readonly weights: TensorMap;
  /** Several feeds: with a symbolic batch, of different batch sizes (repeating one, to exercise buffer reuse). */
  readonly feeds: readonly TensorMap[];
}

type Tensor = { shape: number[]; data: Float32Array };

/** An input fed with every call: its declared shape (the batch may be `N`) and how to draw its values. */
interface FedInput {
  readonly name: string;
  readonly shape: readonly Dim[];
  readonly draw: (n: number) => Float32Array;
}

export class Maker {
  readonly b = new GraphBuilder("Random");
  readonly weights: [string, Tensor][] = [];
  readonly inputs: FedInput[] = [];
  readonly notes: string[] = [];
  constructor(readonly r: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }
  values(n: number, soft = true): Float32Array {
    return Float32Array.from({ length: n }, () => (soft ? this.r() * 2 - 1 : this.r() < 0.3 ? 0 : 1));
  }
  /** Values uniform in [lo, hi). */
  uniform(n: number, lo: number, hi: number): Float32Array {
    return Float32Array.from({ length: n }, () => lo + (hi - lo) * this.r());
  }
  param(name: string, shape: number[], data = this.values(shape.reduce((a, b) => a * b, 1))): Value {
    this.weights.push([name, { shape, data }]);
    return this.b.param(name, shape);
  }
  /** An input fed with each call; `draw(n)` makes n values (by default uniform in [-1, 1)). */
  input(name: string, shape: readonly Dim[], draw: (n: number) => Float32Array = (n) => this.values(n)): Value {
    this.inputs.push({ name, shape, draw });
    return this.b.input(name, shape);
  }
  /** One feed of every input, with the batch `N` bound to `batch`. */
  feed(batch: number): TensorMap {
    return tensors(
      this.inputs.map((i) => {
        const shape = i.shape.map((d) => (typeof d === "number" ? d : batch));
        return [i.name, { shape, data: i.draw(shape.reduce((a, b) => a * b, 1)) }];
      }),
    );
  }
  /** A mask for a [kh, kw, c, o] kernel: rank 2–4, channel axes sometimes 1, binary or soft, some taps all zero. */
  mask(kh: number, kw: number, c: number, o: number): Tensor {
    const rank = this.int(2, 4);
    const shape = [kh, kw, c === 1 || this.r() < 0.3 ? 1 : c, o === 1 || this.r() < 0.3 ? 1 : o].slice(0, rank);
    this.notes.push(`mask[${shape}]`);
    return { shape, data: this.maskValues(shape) };
  }
  /** Mask values: binary or soft (real-valued, negative too), with some taps all zero. */
  maskValues(shape: readonly number[]): Float32Array {
    const taps = shape[0]! * shape[1]!;
    const per = shape.slice(2).reduce((a, b) => a * b, 1);
    const data = this.values(taps * per, this.r() < 0.5);
    for (let t = 0; t < taps; t++) if (this.r() < 0.25) data.fill(0, t * per, (t + 1) * per);
    return data;
  }
  /** The case, or undefined when the drawn sizes do not fit (the caller draws again). */
  finish(symbolic: boolean, batch: number): RandomCase | undefined {
    const built = this.b.build();
    if (!built.ok) return undefined;
    const feeds = symbolic ? [this.feed(1), this.feed(3), this.feed(3), this.feed(2)] : [this.feed(batch), this.feed(batch)];
    return { label: this.notes.join(" "), graph: built.value, weights: tensors(this.weights), feeds };
  }
}

export type MaskKind = "none" | "fed" | "folded" | "constant-masked" | "constant-kernel";
export const CONV_KINDS: readonly MaskKind[] = ["none", "fed", "fed", "folded", "folded", "constant-masked", "constant-kernel"];

/**
 * Groups for `c` input channels and the out channels to go with them: mostly none; else 2 or 3 groups when they
 * divide `c` (1–8 out channels each), or depthwise (groups = c) with multiplier 1–3. Labelled `g2`, `g3`, `dw1`…`dw3`.
 */
function drawGroups(m: Maker, c: number): { groups: number; out: number } {
  const options = [1, 1, ...[2, 3].filter((g) => c % g === 0 && g < c), ...(c > 1 ? [c, c] : [])];
  const groups = m.pick(options);
  if (groups === 1) return { groups, out: m.pick([1, 2, 3, 4, 5, 7, 8, 9]) };
  if (groups === c) {
    const multiplier = m.int(1, 3);
    m.notes.push(`dw${multiplier}`);
    return { groups, out: c * multiplier };
  }
  // Out channels per group: one block of accumulators in js, a block and the rest (5), a loop of blocks (8).
  m.notes.push(`g${groups}`);
  return { groups, out: groups * m.pick([1, 2, 3, 5, 8]) };
}

/** A random conv layer on `x`: conv2d or masked_conv2d (as `kinds` allow), then maybe a bias and an activation. */
export function convLayer(m: Maker, x: Value, layer: number, kinds: readonly MaskKind[] = CONV_KINDS): Value {
  const c = x.type.shape[3] as number;
  // Out channels: 1–4 (one block of accumulators in js), 5, 7 (a block and the rest), 8, 9 (a loop of blocks).
  const kh = m.int(1, 4);
  const kw = m.int(1, 4);
  const both = m.r() < 0.3;
  const strides: [number, number] = both ? [m.int(2, 3), m.int(1, 3)] : [m.int(1, 3), m.int(1, 3)];
  const dilations: [number, number] = both ? [m.int(1, 3), m.int(2, 3)] : [m.int(1, 3), m.int(1, 3)];
  const padding: Padding = m.pick<Padding>(["valid", "same", [m.int(0, 2), m.int(0, 2), m.int(0, 2), m.int(0, 2)]]);
  const kind = m.pick(kinds);
  const pre = m.notes.length;
  const { groups, out: o } = drawGroups(m, c);
  const kin = c / groups;
  const attrs = { strides, dilations, padding, groups };
  m.notes.splice(pre, 0, `L${layer} ${c}->${o} k${kh}x${kw} s${strides} d${dilations} p${padding} ${kind}`);
  const name = `l${layer}`;
  let y: Value;
  if (kind === "constant-kernel") {
    const mask = m.mask(kh, kw, 1, 1);
    const data = m.values(kh * kw * kin * o).map((v, i) => v * mask.data[Math.floor(i / (kin * o))]!);
    y = m.b.conv2d(x, m.b.constant([kh, kw, kin, o], data, { name: `${name}.kernel` }), attrs, { name: `${name}.conv` });
  } else {
    const k = m.param(`${name}.kernel`, [kh, kw, kin, o]);
    if (kind === "none") {
      y = m.b.conv2d(x, k, attrs, { name: `${name}.conv` });
    } else {
      const mask = m.mask(kh, kw, kin, o);
      if (kind === "fed") {
        y = m.b.maskedConv2d(x, k, m.input(`${name}.mask`, mask.shape, () => m.maskValues(mask.shape)), attrs, { name: `${name}.conv` });
      } else {
        const constant = m.b.constant(mask.shape, mask.data, { name: `${name}.mask` });
        if (kind === "constant-masked") {
          y = m.b.maskedConv2d(x, k, constant, attrs, { name: `${name}.conv` });
        } else {
          const asKernel = [...mask.shape, 1, 1].slice(0, 4);
          const m4 = mask.shape.length === 4 ? constant : m.b.reshape(constant, asKernel, { name: `${name}.mask4` });
          y = m.b.conv2d(x, m.b.mul(k, m4, { name: `${name}.masked` }), attrs, { name: `${name}.conv` });
        }
      }
    }
  }
  if (m.r() < 0.6) y = m.b.biasAdd(y, m.param(`${name}.bias`, [o]), { name: `${name}.biased` });
  const act = m.pick(["none", "relu", "tanh", "sigmoid"] as const);
  if (act !== "none") m.notes.push(act);
  if (act === "relu") y = m.b.relu(y);
  if (act === "tanh") y = m.b.tanh(y);
  if (act === "sigmoid") y = m.b.sigmoid(y);
  return y;
}

/** One random case; undefined when the drawn sizes do not fit (the caller draws again). */
function tryCase(r: () => number): RandomCase | undefined {
  const m = new Maker(r);
  const symbolic = r() < 0.3;
  const n = m.int(1, 2);
  const [h, w, c] = [m.int(1, 9), m.int(1, 9), m.int(1, 6)];
  const x = m.input("x", [symbolic ? "N" : n, h, w, c]);
  m.notes.unshift(`x[${symbolic ? "N" : n},${h},${w},${c}]`);
  let y = convLayer(m, x, 1);
  if (y.valid && r() < 0.3) y = convLayer(m, y, 2);
  m.b.output("y", y);
  return m.finish(symbolic, n);
}

export function randomCase(seed: number): RandomCase {
  const r = prng(seed);
  for (;;) {
    const c = tryCase(r);
    if (c) return c;
  }
}
