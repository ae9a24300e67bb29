// common-subexpression-elimination: nodes with the same op, attributes and operands compute the same value, so
// all but the first are replaced by it. One walk in graph order with a hash key per node (op, operands after
// replacement, attributes; a constant's data by a hash, confirmed element by element): linear in the graph.
// Inputs and params are never merged: each is a separate part of the model's interface.

import type { AnyNode, Graph } from "../ir/node.js";
import type { Pass } from "./pass.js";
import { rewriteGraph } from "./pass.js";

/** FNV-1a over the float32 bits of a constant's data. */
function dataHash(data: Float32Array): string {
  const words = new Uint32Array(data.buffer, data.byteOffset, data.length);
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) {
    h ^= words[i]!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

function sameData(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const wa = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const wb = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < wa.length; i++) if (wa[i] !== wb[i]) return false;
  return true;
}

/** The node's attributes as text: a constant's shape and data hash; other attributes (numbers, words, lists) as JSON. */
function attrKey(node: AnyNode): string {
  if (node.op === "constant") return `${node.attrs.shape.join(",")}#${dataHash(node.attrs.data)}`;
  return JSON.stringify(node.attrs);
}

/**
 * For every node that repeats an earlier one, the earlier one's name: one walk, operands compared after their own
 * replacement, so chains of duplicates merge at once.
 */
function duplicates(graph: Graph): Map<string, string> {
  const same = new Map<string, string>();
  const seen = new Map<string, AnyNode[]>();
  for (const node of graph.nodes) {
    if (node.op === "input" || node.op === "param") continue;
    const operands = node.operands.map((o) => same.get(o) ?? o);
    const key = `${node.op}(${operands.join(",")})${attrKey(node)}:${node.type.shape.join(",")}`;
    const candidates = seen.get(key);
    const first = candidates?.find((c) => c.op !== "constant" || node.op !== "constant" || sameData(c.attrs.data, node.attrs.data));
    if (first) same.set(node.name, first.name);
    else if (candidates) candidates.push(node);
    else seen.set(key, [node]);
  }
  return same;
}

export const commonSubexpressionElimination: Pass = {
  name: "cse",
  summary: "merge nodes with the same op, attributes and operands into one",
  run: (graph) => {
    const same = duplicates(graph);
    if (same.size === 0) return graph;
    return rewriteGraph(graph, (node, r) => {
      const first = same.get(node.name);
      return first === undefined ? undefined : r.value(first);
    });
  },
};
