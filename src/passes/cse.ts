// common-subexpression-elimination: nodes with the same op, attributes and operands compute the same value, so
// all but the first are replaced by it. One walk in graph order, nodes grouped by op and operands after
// replacement (a constant by its shape and a hash of its data, confirmed element by element), attributes compared
// within a group: linear in the graph.
// Inputs and params are never merged: each is a separate part of the model's interface.

import type { AnyNode, Graph } from "../ir/node.js";
import { sameShape } from "../ir/types.js";
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
 * replacement, so chains of duplicates merge at once. Nodes are grouped by op and operands (a constant, which has
 * none, by its shape and data hash); attributes and result shapes are compared only within a group, so a node
 * that shares its operands with no other never has its attributes written out.
 */
function duplicates(graph: Graph): Map<string, string> {
  const same = new Map<string, string>();
  const seen = new Map<string, AnyNode[]>();
  const attrs = new Map<AnyNode, string>();
  const attrsOf = (n: AnyNode) => {
    let key = attrs.get(n);
    if (key === undefined) attrs.set(n, (key = `${attrKey(n)}:${n.type.shape.join(",")}`));
    return key;
  };
  for (const node of graph.nodes) {
    if (node.op === "input" || node.op === "param") continue;
    const operands = node.operands.map((o) => same.get(o) ?? o);
    const group = node.op === "constant" ? `constant ${attrKey(node)}` : `${node.op}(${operands.join(",")})`;
    const candidates = seen.get(group);
    if (candidates === undefined) {
      seen.set(group, [node]);
      continue;
    }
    const first = candidates.find((c) =>
      c.op === "constant" && node.op === "constant"
        ? sameShape(c.type.shape, node.type.shape) && sameData(c.attrs.data, node.attrs.data)
        : attrsOf(c) === attrsOf(node),
    );
    if (first) same.set(node.name, first.name);
    else candidates.push(node);
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
