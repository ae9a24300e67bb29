// common-subexpression-elimination: nodes with the same op, attributes and operands compute the same value, so
// all but the first are replaced by it. One walk in graph order with a hash key per node (op, operands after
// replacement, attributes; a constant's data by a hash, confirmed element by element): linear in the graph.
// Inputs and params are never merged: each is a separate part of the model's interface.

import type { Value } from "../ir/builder.js";
import type { AnyNode } from "../ir/node.js";
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

/** The node's attributes as text: arrays and numbers as JSON; a constant's data as its hash. */
function attrKey(node: AnyNode): string {
  return JSON.stringify(node.attrs, (_key, value: unknown) => (value instanceof Float32Array ? dataHash(value) : value));
}

export const commonSubexpressionElimination: Pass = {
  name: "cse",
  summary: "merge nodes with the same op, attributes and operands into one",
  run: (graph) => {
    const seen = new Map<string, { node: AnyNode; value: Value }[]>();
    return rewriteGraph(graph, (node, r) => {
      if (node.op === "input" || node.op === "param") return undefined;
      const operands = node.operands.map((o) => r.value(o));
      const key = `${node.op}(${operands.map((v) => v.name).join(",")})${attrKey(node)}:${node.type.shape.join(",")}`;
      const candidates = seen.get(key);
      const same = candidates?.find((c) => c.node.op !== "constant" || node.op !== "constant" || sameData(c.node.attrs.data, node.attrs.data));
      if (same) return same.value;
      const value = r.b.add(node.op, operands, node.attrs as never, { name: node.name, span: node.span });
      if (candidates) candidates.push({ node, value });
      else seen.set(key, [{ node, value }]);
      return value;
    });
  },
};
