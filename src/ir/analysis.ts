// Facts about a graph that passes and backends share: its nodes by name, which values are known before the first
// call (load-time: computed from params and constants only) and which values some output needs. Graphs are
// immutable, so each fact is computed once per graph and kept (weakly) for whoever asks next: a pass that changes
// nothing hands the next pass the same graph, and codegen asks for facts the last pass already knew.

import type { AnyNode, Graph } from "./node.js";

const indexes = new WeakMap<Graph, ReadonlyMap<string, AnyNode>>();
const loadTime = new WeakMap<Graph, ReadonlySet<string>>();
const needed = new WeakMap<Graph, ReadonlySet<string>>();

/** The graph's nodes by name. */
export function nodeIndex(graph: Graph): ReadonlyMap<string, AnyNode> {
  let index = indexes.get(graph);
  if (index === undefined) {
    const byName = new Map<string, AnyNode>();
    const nodes = graph.nodes;
    for (let i = 0; i < nodes.length; i++) byName.set(nodes[i]!.name, nodes[i]!);
    indexes.set(graph, (index = byName));
  }
  return index;
}

/**
 * Records `index` as the nodes by name of `graph`, for one that already has them at hand (the builder that made
 * it). The caller vouches that it holds exactly the graph's nodes and will never change.
 */
export function rememberNodeIndex(graph: Graph, index: ReadonlyMap<string, AnyNode>): void {
  indexes.set(graph, index);
}

/**
 * Names of the values that depend on no `input`: params, constants and what is computed from them alone.
 * They can be computed once, when weights are loaded, never per call.
 */
export function loadTimeValues(graph: Graph): ReadonlySet<string> {
  let known = loadTime.get(graph);
  if (known === undefined) {
    const found = new Set<string>();
    const nodes = graph.nodes;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      if (node.op === "input") continue;
      const operands = node.operands;
      let all = true;
      for (let j = 0; j < operands.length && all; j++) all = found.has(operands[j]!);
      if (all) found.add(node.name);
    }
    loadTime.set(graph, (known = found));
  }
  return known;
}

/** Names of the values some output needs, directly or through operands. */
export function neededValues(graph: Graph): ReadonlySet<string> {
  let live = needed.get(graph);
  if (live === undefined) {
    const found = new Set<string>();
    for (const o of graph.outputs) found.add(o.value);
    const nodes = graph.nodes;
    for (let i = nodes.length - 1; i >= 0; i--) {
      const n = nodes[i]!;
      if (!found.has(n.name)) continue;
      const operands = n.operands;
      for (let j = 0; j < operands.length; j++) found.add(operands[j]!);
    }
    needed.set(graph, (live = found));
  }
  return live;
}
