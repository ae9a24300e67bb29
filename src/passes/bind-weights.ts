// bind-weights: params whose values are given at compile time become constants, so later passes can fold them
// and backends embed them. Params without a given value stay params and are fed when the model is loaded.
// The weights must already be checked against the graph (the CLI and compile() do that with file positions).

import { InternalError } from "../diagnostics.js";
import type { Pass } from "./pass.js";
import { rewriteGraph } from "./pass.js";

export const bindWeights: Pass = {
  name: "bind-weights",
  summary: "turn params with weights given at compile time into constants",
  run: (graph, ctx) => {
    const weights = ctx.weights;
    if (!weights) return graph;
    return rewriteGraph(graph, (node, r) => {
      if (node.op !== "param" || !Object.prototype.hasOwnProperty.call(weights, node.name)) return undefined;
      const w = weights[node.name]!;
      const expected = node.attrs.shape.reduce<number>((a, d) => a * (d as number), 1);
      if (w.data.length !== expected || w.shape.length !== node.attrs.shape.length || w.shape.some((d, i) => d !== node.attrs.shape[i])) {
        throw new InternalError(`bind-weights: weight '${node.name}' [${w.shape.join(", ")}] was not checked against [${node.attrs.shape.join(", ")}] (checkFeeds/checkTensorMap first)`);
      }
      return r.b.constant(node.attrs.shape, w.data, { name: node.name, span: node.span });
    }, { keepDead: true });
  },
};
