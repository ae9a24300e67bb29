// Shrinks a failing graph to a small one that still fails the same way (same config, runner and kind): drop
// outputs, bypass nodes, cut a node into a fresh input or param, turn constants into params, shrink the sizes of
// sources, simplify attributes, bind symbolic sizes to 1. Every candidate is rebuilt through the GraphBuilder, so it
// is well-typed; a move is kept only when it lowers the cost (nodes first, then elements, then attributes).

import { GraphBuilder, type Value } from "../../src/ir/builder.js";
import type { AnyNode, Graph, GraphOutput, OpAttrs, OpKind } from "../../src/ir/node.js";
import { type Dim, knownElements } from "../../src/ir/types.js";
import { type Failure, checkGraph } from "./run.js";
import type { Dists } from "./values.js";

/** A node before it is typed: the builder gives it its type again. */
interface Proto {
  readonly name: string;
  readonly op: OpKind;
  readonly operands: readonly string[];
  readonly attrs: OpAttrs[OpKind];
}

interface Draft {
  readonly nodes: readonly Proto[];
  readonly outputs: readonly GraphOutput[];
}

/** The graph of a draft with what no output needs dropped (inputs too), or undefined when it does not type-check. */
export function rebuild(name: string, draft: Draft): Graph | undefined {
  const needed = new Set(draft.outputs.map((o) => o.value));
  for (let i = draft.nodes.length - 1; i >= 0; i--) {
    const n = draft.nodes[i]!;
    if (needed.has(n.name)) for (const o of n.operands) needed.add(o);
  }
  const b = new GraphBuilder(name);
  const values = new Map<string, Value>();
  for (const n of draft.nodes) {
    if (!needed.has(n.name)) continue;
    const operands = n.operands.map((o) => values.get(o));
    if (operands.some((v) => v === undefined)) return undefined;
    const v = b.add(n.op, operands as Value[], n.attrs as never, { name: n.name });
    if (!v.valid) return undefined;
    values.set(n.name, v);
  }
  for (const o of draft.outputs) b.output(o.name, values.get(o.value)!);
  const built = b.build();
  return built.ok ? built.value : undefined;
}

/** Nodes first, then the elements of the sources, then attributes away from their simplest and symbolic sizes. */
function cost(g: Graph): number {
  let elements = 0;
  let attrs = 0;
  for (const n of g.nodes) {
    if (n.op === "input" || n.op === "param" || n.op === "constant") {
      elements += knownElements(n.type.shape);
      attrs += n.type.shape.filter((d) => typeof d === "string").length + (n.op === "constant" ? 1 : 0);
    } else {
      attrs += simpler(n).length;
    }
  }
  return g.nodes.length * 1_000_000 + g.outputs.length * 100_000 + elements * 100 + attrs;
}

/** Simpler attributes for a node, each one step from its own. */
function simpler(n: AnyNode): OpAttrs[OpKind][] {
  const one: readonly [number, number] = [1, 1];
  const same = (a: readonly number[], b: readonly number[]) => a.join() === b.join();
  switch (n.op) {
    case "conv2d":
    case "masked_conv2d": {
      const a = n.attrs;
      return [
        ...(same(a.strides, one) ? [] : [{ ...a, strides: one }]),
        ...(same(a.dilations, one) ? [] : [{ ...a, dilations: one }]),
        ...(a.padding === "valid" ? [] : [{ ...a, padding: "valid" as const }]),
      ];
    }
    case "conv2d_transpose":
      return [...(same(n.attrs.strides, one) ? [] : [{ ...n.attrs, strides: one }]), ...(n.attrs.padding === "valid" ? [] : [{ ...n.attrs, padding: "valid" as const }])];
    case "max_pool":
    case "avg_pool": {
      const a = n.attrs;
      return [
        ...(same(a.window, one) ? [] : [{ ...a, window: one }]),
        ...(same(a.strides, one) ? [] : [{ ...a, strides: one }]),
        ...(a.padding === "valid" ? [] : [{ ...a, padding: "valid" as const }]),
      ];
    }
    case "pad":
      return n.attrs.value === 0 ? [] : [{ ...n.attrs, value: 0 }];
    case "upsample":
      return same(n.attrs.factors, one) ? [] : [{ factors: one }];
    default:
      return [];
  }
}

/** `data` of `shape` cut to `size` along `axis` (the first entries). */
function cutData(data: Float32Array, shape: readonly number[], axis: number, size: number): Float32Array {
  const inner = knownElements(shape.slice(axis + 1));
  const outer = knownElements(shape.slice(0, axis));
  const out = new Float32Array(outer * size * inner);
  for (let o = 0; o < outer; o++) out.set(data.subarray(o * shape[axis]! * inner, (o * shape[axis]! + size) * inner), o * size * inner);
  return out;
}

function protos(g: Graph): Proto[] {
  return g.nodes.map((n) => ({ name: n.name, op: n.op, operands: n.operands, attrs: n.attrs }));
}

/** Every one-step smaller draft of a graph, roughly biggest steps first. */
function* moves(g: Graph): Generator<Draft> {
  const nodes = protos(g);
  const outputs = g.outputs;
  const replace = (at: number, by: Proto) => nodes.map((n, i) => (i === at ? by : n));
  for (let i = 0; i < outputs.length && outputs.length > 1; i++) yield { nodes, outputs: outputs.filter((_, j) => j !== i) };
  // An output moves up to an operand of the node that computes it (which then goes).
  for (let i = 0; i < outputs.length; i++) {
    const producer = g.nodes.find((n) => n.name === outputs[i]!.value)!;
    for (const o of new Set(producer.operands)) yield { nodes, outputs: outputs.map((out, j) => (j === i ? { ...out, value: o } : out)) };
  }
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    if (n.op === "input" || n.op === "param" || n.op === "constant") continue;
    // Bypass: uses of n read one of its operands of the same type instead.
    for (const o of new Set(n.operands)) {
      const t = g.nodes.find((m) => m.name === o)!.type;
      if (t.shape.join() !== n.type.shape.join()) continue;
      const rename = (x: string) => (x === n.name ? o : x);
      yield {
        nodes: nodes.filter((_, j) => j !== i).map((m) => ({ ...m, operands: m.operands.map(rename) })),
        outputs: outputs.map((out) => ({ ...out, value: rename(out.value) })),
      };
    }
    // Cut: n becomes a source of its type; what only it used goes.
    yield { nodes: replace(i, { name: n.name, op: "input", operands: [], attrs: { shape: n.type.shape } }), outputs };
    if (n.type.shape.every((d) => typeof d === "number")) {
      yield { nodes: replace(i, { name: n.name, op: "param", operands: [], attrs: { shape: n.type.shape } }), outputs };
    }
  }
  for (let i = 0; i < g.nodes.length; i++) {
    const n = g.nodes[i]!;
    if (n.op === "constant") yield { nodes: replace(i, { name: n.name, op: "param", operands: [], attrs: { shape: n.attrs.shape } }), outputs };
    for (const attrs of simpler(n)) yield { nodes: replace(i, { ...nodes[i]!, attrs }), outputs };
    if (n.op !== "input" && n.op !== "param" && n.op !== "constant") continue;
    const shape = n.attrs.shape;
    for (let axis = 0; axis < shape.length; axis++) {
      const d = shape[axis]!;
      if (typeof d !== "number" || d === 1) continue;
      for (const size of new Set([1, Math.ceil(d / 2), d - 1])) {
        const smaller: Dim[] = shape.map((x, j) => (j === axis ? size : x));
        const attrs = n.op === "constant" ? { shape: smaller, data: cutData(n.attrs.data, shape as number[], axis, size) } : { shape: smaller };
        yield { nodes: replace(i, { ...nodes[i]!, attrs }), outputs };
      }
    }
  }
  // Symbolic sizes bound to 1, in the inputs and the reshapes that name them.
  const symbols = new Set(g.nodes.flatMap((n) => (n.op === "input" ? n.attrs.shape.filter((d): d is string => typeof d === "string") : [])));
  for (const s of symbols) {
    const bind = (shape: readonly Dim[]) => shape.map((d) => (d === s ? 1 : d));
    yield {
      nodes: nodes.map((n) => (n.op === "input" || n.op === "reshape" ? { ...n, attrs: { ...n.attrs, shape: bind((n.attrs as { shape: Dim[] }).shape) } } : n)),
      outputs,
    };
  }
}

export interface ShrinkResult {
  readonly graph: Graph;
  /** Candidates tried. */
  readonly tried: number;
}

/** Whether a graph fails like `failure` (same config, runner and kind) on the values of `seed`. */
export function failsLike(dists: Dists, seed: number, failure: Failure): (g: Graph) => Promise<boolean> {
  const only = { config: failure.config, runner: failure.runner };
  return async (g) => {
    try {
      return (await checkGraph(g, dists, seed, { only })).some((f) => f.runner === failure.runner && f.kind === failure.kind);
    } catch {
      return false; // the oracle met a non-finite value: not a valid case
    }
  };
}

/**
 * The smallest graph found for which `fails` still holds, trying at most `budget` candidates. Sources keep their
 * values while the graph shrinks (see values.ts), so value-dependent failures shrink too.
 */
export async function shrinkGraph(graph: Graph, fails: (g: Graph) => Promise<boolean>, budget = 600): Promise<ShrinkResult> {
  let current = graph;
  let tried = 0;
  let progress = true;
  while (progress && tried < budget) {
    progress = false;
    const base = cost(current);
    for (const draft of moves(current)) {
      const g = rebuild(current.name, draft);
      if (!g || cost(g) >= base) continue;
      if (++tried > budget) break;
      if (await fails(g)) {
        current = g;
        progress = true;
        break;
      }
    }
  }
  return { graph: current, tried };
}
