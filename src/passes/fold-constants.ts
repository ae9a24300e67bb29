// fold-constants: a node whose operands are all constants is computed here, at compile time, by its reference
// semantics (float64), and stored as a float32 constant — the precision every backend keeps values in. A result
// much larger than its operands (a broadcast, an upsample) is left to the backends, so that folding never blows up
// the module: see MAX_GROWTH. Convolutions and dense layers of constants are folded only while cheap (MAX_WORK).

import type { Value } from "../ir/builder.js";
import type { AnyNode } from "../ir/node.js";
import { elementCount, type Tensor64 } from "../ir/ops/def.js";
import { opDef } from "../ir/registry.js";
import { isConcrete } from "../ir/types.js";
import type { Pass } from "./pass.js";
import { rewriteGraph } from "./pass.js";

/** A folded result may hold this many values regardless of its operands' sizes. */
export const SMALL_RESULT = 1024;
/** Beyond SMALL_RESULT, a folded result may hold at most this many times its operands' values together. */
export const MAX_GROWTH = 1;
/** Multiply-adds a folded conv, transpose or dense may take. */
export const MAX_WORK = 1e7;

const HEAVY = new Set<AnyNode["op"]>(["conv2d", "masked_conv2d", "fused_conv2d", "conv2d_transpose", "dense"]);

export const foldConstants: Pass = {
  name: "fold-constants",
  summary: "compute nodes whose operands are all constants at compile time (float32 results, size capped)",
  run: (graph) => {
    const constants = new Set(graph.nodes.filter((n) => n.op === "constant").map((n) => n.name));
    // A fold starts at a node whose operands are constants already; without one there is nothing to do.
    if (!graph.nodes.some((n) => n.operands.length > 0 && n.operands.every((o) => constants.has(o)))) return graph;
    return rewriteGraph(graph, (node, r) => {
      if (node.op === "input" || node.op === "param" || node.op === "constant") return undefined;
      if (!isConcrete(node.type.shape)) return undefined;
      const operands: Value[] = node.operands.map((o) => r.value(o));
      const args: Tensor64[] = [];
      for (const v of operands) {
        const p = r.b.nodeOf(v);
        if (p?.op !== "constant") return undefined;
        args.push({ shape: p.attrs.shape as number[], data: Float64Array.from(p.attrs.data) });
      }
      const size = elementCount(node.type.shape);
      const given = args.reduce((s, a) => s + a.data.length, 0);
      if (size > SMALL_RESULT && size > MAX_GROWTH * given) return undefined;
      if (HEAVY.has(node.op) && size * args[1]!.data.length > MAX_WORK) return undefined;
      const out = opDef(node.op).reference!(args, node.attrs as never, node.type.shape);
      return r.b.constant(node.type.shape, Float32Array.from(out.data), { name: node.name, span: node.span });
    });
  },
};
