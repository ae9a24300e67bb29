// Facts about a graph that passes and backends share: which values are known before the first call
// (load-time: computed from params and constants only) and
// which values some output needs.

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

/** Names of the values some output needs, directly or through operands. */
export function neededValues(graph: Graph): Set<string> {
  const needed = new Set(graph.outputs.map((o) => o.value));
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i]!;
    if (needed.has(n.name)) for (const o of n.operands) needed.add(o);
  }
  return needed;
}
