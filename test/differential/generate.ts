// Random well-typed graphs over the whole op set, from a seed, for the differential tests. Ops are proposed at
// random over the values made so far (and fresh sources: inputs, params, constants, load-time computed masks);
// a proposal is kept only when its op's shape rule accepts it, so every graph the builder finishes is valid.
// Sizes stay small (at most MAX_KNOWN_ELEMENTS per value); weights are scaled so that values stay near 1.

import { GraphBuilder, type Value } from "../../src/ir/builder.js";
import type { Graph, OpAttrs, OpKind } from "../../src/ir/node.js";
import { isProblem } from "../../src/ir/ops/def.js";
import { opDef } from "../../src/ir/registry.js";
import { type Dim, type TensorType, knownElements } from "../../src/ir/types.js";
import { rng } from "../support/random.js";
import { type Dist, type Dists, drawValues } from "./values.js";
import { PROPOSALS } from "./proposals.js";

/** A graph to run everywhere, with the distributions its inputs and params draw from. */
export interface DiffCase {
  readonly seed: number;
  /** The ops in the order they were added, for messages. */
  readonly label: string;
  readonly graph: Graph;
  readonly dists: Dists;
}

/** The most elements a value may hold with its symbolic sizes taken as 1: keeps the float64 oracle fast. */
export const MAX_KNOWN_ELEMENTS = 1200;

/** An operand before it exists: its type, and how to make it once the op is accepted. */
export interface Planned {
  readonly type: TensorType;
  make(): Value;
}
export type Operand = Value | Planned;

/** What a fresh source is for: it decides its kind (input, param, constant, computed) and its values. */
export type Role =
  | { readonly kind: "weight"; readonly scale: number }
  | { readonly kind: "mask" }
  | { readonly kind: "operand" }
  | { readonly kind: "positive" }
  | { readonly kind: "divisor" };

type SourceKind = "input" | "param" | "constant" | "computed";

/** The generator's state: a builder, the values ops may use, the distributions of the sources made so far. */
export class Maker {
  readonly b = new GraphBuilder("Diff");
  readonly pool: Value[] = [];
  /** The results of accepted ops, oldest first: what graphs grow from. */
  readonly results: Value[] = [];
  /** Values some op uses. */
  readonly used = new Set<string>();
  readonly dists = new Map<string, Dist>();
  readonly notes: string[] = [];
  private sources = 0;

  constructor(readonly r: () => number, readonly batch: Dim) {}

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }

  /** A value that `fits`: mostly the newest op result (graphs grow deep), sometimes any value (they branch). */
  value(fits: (v: Value) => boolean = () => true): Value | undefined {
    if (this.chance(0.6)) {
      const newest = this.results.filter(fits).pop();
      if (newest) return newest;
    }
    const candidates = this.pool.filter(fits);
    return candidates.length === 0 ? undefined : this.pick(candidates);
  }

  /** Adds `op` when its shape rule accepts the operands and the result is small; planned operands are made first. */
  add<K extends OpKind>(op: K, operands: readonly Operand[], attrs: OpAttrs[K]): Value | undefined {
    const type = opDef(op).infer(
      operands.map((o) => o.type),
      attrs,
    );
    if (isProblem(type) || knownElements(type.shape) > MAX_KNOWN_ELEMENTS) return undefined;
    const values = operands.map((o) => ("make" in o ? o.make() : o));
    const v = this.b.add(op, values, attrs, { hint: op });
    if (!v.valid) throw new Error(`the builder refused a ${op} its shape rule accepted: ${this.b.diagnostics.map((d) => d.message).join("; ")}`);
    for (const o of values) this.used.add(o.name);
    this.pool.push(v);
    this.results.push(v);
    this.notes.push(op);
    return v;
  }

  /**
   * A value of exactly `shape` from the pool now and then (a kernel or mask shared by two convs, a product the
   * fusion must leave alone), else a fresh source.
   */
  shared(shape: readonly Dim[], role: Role): Operand {
    const same = this.pool.filter((v) => v.type.shape.length === shape.length && v.type.shape.every((d, i) => d === shape[i]));
    return same.length > 0 && this.chance(0.3) ? this.pick(same) : this.source(shape, role);
  }

  /** A fresh source of `shape` for `role`; a symbolic size forces an input (params and constants are concrete). */
  source(shape: readonly Dim[], role: Role): Planned {
    const symbolic = shape.some((d) => typeof d === "string");
    const kinds: readonly SourceKind[] = symbolic
      ? ["input"]
      : role.kind === "mask"
        ? ["input", "input", "constant", "constant", "param", "computed"]
        : role.kind === "operand"
          ? ["input", "input", "param", "constant"]
          : ["param", "param", "param", "constant", "constant", "input"];
    const kind = this.pick(kinds);
    const dist = this.distFor(role);
    const prefix = { weight: "w", mask: "m", operand: "x", positive: "v", divisor: "d" }[role.kind];
    const name = `${prefix}${++this.sources}`;
    const type: TensorType = { dtype: "f32", shape: [...shape] };
    return {
      type,
      make: () => {
        let v: Value;
        if (kind === "constant") {
          const data = drawValues(this.r, dist, knownElements(shape));
          // Masks, and now and then kernels, with whole taps zero: live-tap analysis has taps to drop.
          const kills = role.kind === "mask" ? shape.length >= 2 : role.kind === "weight" && shape.length === 4 && this.chance(0.3);
          if (kills) this.killTaps(data, shape as number[]);
          v = this.b.constant(shape, data, { name });
        } else if (kind === "computed") {
          // A mask known at load time without being a constant: relu of a param (zeros where it is negative).
          this.dists.set(name, { kind: "uniform", lo: -1, hi: 1 });
          v = this.b.relu(this.b.param(name, shape), { hint: `${name}.relu` });
        } else {
          this.dists.set(name, dist);
          // Fed masks now and then declare a support (taps that are always 0): passes may then crop them.
          if (kind === "input" && role.kind === "mask" && shape.length >= 2 && this.chance(0.5)) {
            const support = new Float32Array(knownElements(shape)).fill(1);
            this.killTaps(support, shape as number[]);
            v = this.b.input(name, shape, { support });
          } else {
            v = kind === "input" ? this.b.input(name, shape) : this.b.param(name, shape);
          }
        }
        this.pool.push(v);
        return v;
      },
    };
  }

  private distFor(role: Role): Dist {
    switch (role.kind) {
      case "weight":
        return { kind: "uniform", lo: -role.scale, hi: role.scale };
      case "mask":
        return this.chance(0.6) ? { kind: "binary", zeros: this.pick([0.2, 0.4, 0.7]) } : { kind: "uniform", lo: -1, hi: 1 };
      case "operand":
        return { kind: "uniform", lo: -1, hi: 1 };
      case "positive":
        return { kind: "uniform", lo: 0.5, hi: 1.5 };
      case "divisor":
        return { kind: "uniform", lo: 0.5, hi: 2 };
    }
  }

  /**
   * Zeros whole taps (i, j) of a constant mask or kernel now and then, so that live-tap analysis has taps to drop;
   * or, for a 4-D one, taps of single out channels, so that the groups of a conv differ in their live taps.
   */
  private killTaps(data: Float32Array, shape: readonly number[]): void {
    const taps = shape[0]! * shape[1]!;
    const per = data.length / taps;
    if (shape.length === 4 && this.chance(0.5)) {
      const out = shape[3]!;
      for (let t = 0; t < taps; t++)
        for (let o = 0; o < out; o++) if (this.chance(0.3)) for (let i = t * per + o; i < (t + 1) * per; i += out) data[i] = 0;
      return;
    }
    for (let t = 0; t < taps; t++) if (this.chance(0.25)) data.fill(0, t * per, (t + 1) * per);
  }
}

/** One attempt; undefined when no op was accepted (the caller tries again). */
function attempt(seed: number, tries: number): DiffCase | undefined {
  const r = rng((Math.imul(seed, 0x2545f491) + tries) >>> 0);
  const symbolic = r() < 0.5;
  const m = new Maker(r, symbolic ? "N" : 1 + Math.floor(r() * 2));
  m.pool.push(m.b.input("x", [m.batch, m.int(1, 9), m.int(1, 9), m.int(1, 6)]));
  // Now and then a second input: an image, a matrix, or a sequence with a symbolic length T.
  if (m.chance(0.3)) {
    const shape = m.pick<Dim[]>([[m.batch, m.int(1, 6), m.int(1, 6), m.int(1, 4)], [m.batch, m.int(1, 8)], [m.batch, "T", m.int(1, 4)]]);
    m.pool.push(m.b.input("x0", shape));
  }
  const want = m.int(2, 14);
  let made: Value | undefined;
  for (let added = 0, i = 0; added < want && i < want * 6; i++) {
    const v = m.pick(PROPOSALS)(m);
    if (v) {
      made = v;
      added++;
    }
  }
  if (!made) return undefined;
  // The newest result, often other results nothing uses (so most of the graph is live), now and then any value
  // (an input, a param: outputs that are not computed per call) or the same value under a second name.
  m.b.output("y", made);
  const leaves = m.results.filter((v) => v !== made && !m.used.has(v.name));
  const extra = [...leaves.filter(() => m.chance(0.7)).slice(-2), ...(m.chance(0.1) ? [m.pick(m.pool)] : []), ...(m.chance(0.1) ? [made] : [])];
  extra.forEach((v, i) => m.b.output(`y${i + 1}`, v));
  const built = m.b.build();
  if (!built.ok) throw new Error(`seed ${seed}: ${built.diagnostics.map((d) => d.message).join("; ")}`);
  return { seed, label: m.notes.join(" "), graph: built.value, dists: m.dists };
}

/** The case of a seed: the same seed gives the same graph and distributions everywhere. */
export function generateCase(seed: number): DiffCase {
  for (let tries = 0; ; tries++) {
    const c = attempt(seed, tries);
    if (c) return c;
  }
}
