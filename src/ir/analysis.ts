// Facts about a graph that passes and backends share: which values are known before the first call
// (load-time: computed from params and constants only).

import type { Graph } from "./node.js";

/**
 * Names of the values that depend on no `input`: params, constants and what is computed from them alone.
 * They can be computed once, when weights are loaded, never per call.
 */
export function loadTimeValues(graph: Graph): Set<string> {
  const known = new Set<string>();
  for (const node of graph.nodes) {
    if (node.op === "input") continue;
    if (node.operands.every((o) => known.has(o))) known.add(node.name);
  }
  return known;
}
