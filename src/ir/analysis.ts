// Facts about a graph that passes and backends share: which values are known before the first call
// (load-time: computed from params and constants only) and who uses each value.

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

/** For each value, how many operand slots and outputs use it. */
export function useCounts(graph: Graph): Map<string, number> {
  const uses = new Map<string, number>();
  const use = (name: string) => uses.set(name, (uses.get(name) ?? 0) + 1);
  for (const node of graph.nodes) node.operands.forEach(use);
  for (const out of graph.outputs) use(out.value);
  return uses;
}
