// The reference interpreter: float64, naive loops, straight from each op's registry entry. It defines what every
// pass and backend must compute; it is the oracle of the tests, not a fast runtime.

import type { Graph } from "./node.js";
import { type Tensor64, elementCount } from "./ops/def.js";
import { opDef } from "./registry.js";
import { type Dim, concreteShape, fitShape } from "./types.js";

export type { Tensor64 } from "./ops/def.js";

/** A tensor given to or returned by a run: shape and row-major data. */
export interface TensorData {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

export type TensorMap = Readonly<Record<string, TensorData>>;

/** Why a feed does not fit the graph's inputs or params; the CLI checks feeds first and reports these with spans. */
export class FeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FeedError";
  }
}

function fed(what: string, map: TensorMap, name: string, declared: readonly Dim[], symbols: Map<string, number>): Tensor64 {
  const t = Object.prototype.hasOwnProperty.call(map, name) ? map[name] : undefined;
  if (!t) throw new FeedError(`${what} '${name}' is missing`);
  const bad = fitShape(declared, t.shape, symbols);
  if (bad?.kind === "symbol") {
    throw new FeedError(`${what} '${name}' has ${bad.symbol} = ${bad.given}, but ${bad.symbol} = ${bad.bound} elsewhere: [${t.shape.join(", ")}]`);
  }
  if (bad) throw new FeedError(`${what} '${name}' must have shape [${declared.join(", ")}], got [${t.shape.join(", ")}]`);
  const n = elementCount(t.shape);
  if (t.data.length !== n) {
    throw new FeedError(`${what} '${name}' of shape [${t.shape.join(", ")}] needs ${n} values, got ${t.data.length}`);
  }
  return { shape: [...t.shape], data: Float64Array.from(t.data) };
}

/** The first element of `data` that is nonzero where `support` is 0, or undefined. */
export function outsideSupport(support: ArrayLike<number>, data: ArrayLike<number>): number | undefined {
  for (let i = 0; i < support.length; i++) if (support[i] === 0 && data[i] !== 0) return i;
  return undefined;
}

/** `input 'm' must be 0 outside its declared support, but m[3, 3] is 0.5`: the one wording of this error. */
export function supportMessage(name: string, shape: readonly number[], at: number, value: number): string {
  const index: number[] = [];
  for (let d = shape.length - 1, rest = at; d >= 0; d--) {
    index.unshift(rest % shape[d]!);
    rest = Math.floor(rest / shape[d]!);
  }
  return `input '${name}' must be 0 outside its declared support (the 'within' mask), but ${name}[${index.join(", ")}] is ${value}`;
}

/**
 * Runs a graph in float64. `inputs` feed `input` nodes, `params` feed `param` nodes (by name).
 * Returns the outputs by output name. Throws FeedError when a feed is missing or ill-shaped.
 */
export function interpret(graph: Graph, inputs: TensorMap, params: TensorMap = {}): Record<string, Tensor64> {
  const symbols = new Map<string, number>();
  const values = new Map<string, Tensor64>();
  for (const node of graph.nodes) {
    if (node.op === "input") {
      const t = fed("input", inputs, node.name, node.attrs.shape, symbols);
      if (node.attrs.support) {
        const outside = outsideSupport(node.attrs.support, t.data);
        if (outside !== undefined) throw new FeedError(supportMessage(node.name, t.shape, outside, t.data[outside]!));
      }
      values.set(node.name, t);
    } else if (node.op === "param") {
      values.set(node.name, fed("weight", params, node.name, node.attrs.shape, symbols));
    }
  }
  for (const node of graph.nodes) {
    if (node.op === "input" || node.op === "param") continue;
    const def = opDef(node.op);
    const args = node.operands.map((o) => values.get(o)!);
    const out = concreteShape(node.type.shape, symbols);
    values.set(node.name, def.reference!(args, node.attrs as never, out));
  }
  // Output names come from model files: a null-prototype object keeps `__proto__` an ordinary key.
  const result: Record<string, Tensor64> = Object.create(null);
  for (const o of graph.outputs) result[o.name] = values.get(o.value)!;
  return result;
}
