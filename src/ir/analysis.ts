// Facts about a graph that passes and backends share: where each node is, which values are known before the first
// call (load-time: computed from params and constants only) and which values some output needs. Graphs are
// immutable, so each fact is computed once per graph and kept (weakly) for whoever asks next: a pass that changes
// nothing hands the next pass the same graph, and codegen asks for facts the last pass already knew. Per-node
// facts are flags by position in `graph.nodes`, not sets of names: one name lookup per operand, none per node.

import type { AnyNode, Graph } from "./node.js";

const positionIndexes = new WeakMap<Graph, ReadonlyMap<string, number>>();
const nodeIndexes = new WeakMap<Graph, NodeIndex>();
const loadTime = new WeakMap<Graph, ReadonlySet<string>>();
const neededFlags = new WeakMap<Graph, Uint8Array>();

/** Each node's position in `graph.nodes`, by name. */
export function positionIndex(graph: Graph): ReadonlyMap<string, number> {
  let index = positionIndexes.get(graph);
  if (index === undefined) {
    const positions = new Map<string, number>();
    const nodes = graph.nodes;
    for (let i = 0; i < nodes.length; i++) positions.set(nodes[i]!.name, i);
    positionIndexes.set(graph, (index = positions));
  }
  return index;
}

/**
 * Records `positions` as the position index of `graph`, for one that has it at hand already (the builder that made
 * it). The caller vouches that it holds exactly the graph's nodes at their positions and will never change.
 */
export function rememberPositions(graph: Graph, positions: ReadonlyMap<string, number>): void {
  positionIndexes.set(graph, positions);
}

/** A graph's nodes by name. */
export interface NodeIndex {
  get(name: string): AnyNode | undefined;
  has(name: string): boolean;
}

export function nodeIndex(graph: Graph): NodeIndex {
  let index = nodeIndexes.get(graph);
  if (index === undefined) {
    const positions = positionIndex(graph);
    const nodes = graph.nodes;
    index = {
      get: (name) => {
        const at = positions.get(name);
        return at === undefined ? undefined : nodes[at];
      },
      has: (name) => positions.has(name),
    };
    nodeIndexes.set(graph, index);
  }
  return index;
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

/** Per node of `graph.nodes`, 1 when some output needs its value, directly or through operands. Do not change it. */
export function neededNodes(graph: Graph): Uint8Array {
  let live = neededFlags.get(graph);
  if (live === undefined) {
    const positions = positionIndex(graph);
    const nodes = graph.nodes;
    const flags = new Uint8Array(nodes.length);
    for (const o of graph.outputs) {
      const at = positions.get(o.value);
      if (at !== undefined) flags[at] = 1;
    }
    for (let i = nodes.length - 1; i >= 0; i--) {
      if (flags[i] === 0) continue;
      const operands = nodes[i]!.operands;
      for (let j = 0; j < operands.length; j++) {
        const at = positions.get(operands[j]!);
        if (at !== undefined) flags[at] = 1;
      }
    }
    neededFlags.set(graph, (live = flags));
  }
  return live;
}

/** Names of the values some output needs, directly or through operands. */
export function neededValues(graph: Graph): Set<string> {
  const flags = neededNodes(graph);
  const names = new Set<string>();
  for (let i = 0; i < flags.length; i++) if (flags[i]) names.add(graph.nodes[i]!.name);
  return names;
}
