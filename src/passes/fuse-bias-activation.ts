// fuse-bias-activation: conv2d or masked_conv2d followed by bias_add and/or an activation tfjs fuses (relu, relu6 as
// clamp 0..6, elu with alpha 1, leaky_relu, sigmoid) becomes one fused_conv2d — tf.fused.conv2d on the tfjs target,
// which adds the bias and applies the activation while the output is still in cache. Only when each intermediate
// feeds nothing else; an activation without a bias gets a zero bias.

import { positionIndex } from "../ir/analysis.js";
import type { Value } from "../ir/builder.js";
import type { AnyNode, FusedActivation, Graph } from "../ir/node.js";
import type { Pass } from "./pass.js";
import { rewriteGraph } from "./pass.js";

/** The fused form of an activation node, or undefined when tfjs's fused conv has none. */
function fusable(node: AnyNode): { activation: FusedActivation; alpha: number } | undefined {
  switch (node.op) {
    case "relu":
      return { activation: "relu", alpha: 0 };
    case "sigmoid":
      return { activation: "sigmoid", alpha: 0 };
    case "leaky_relu":
      return { activation: "leakyrelu", alpha: node.attrs.alpha };
    case "elu":
      return node.attrs.alpha === 1 ? { activation: "elu", alpha: 0 } : undefined;
    case "clamp":
      return node.attrs.min === 0 && node.attrs.max === 6 ? { activation: "relu6", alpha: 0 } : undefined;
    default:
      return undefined;
  }
}

/** A chain to fuse, by the name of its last node: the conv, its bias_add and its activation (either may be absent). */
interface Chain {
  readonly conv: string;
  readonly bias?: string;
  readonly activation?: string;
}

function chainsOf(graph: Graph): Map<string, Chain> {
  // By position: how many operand slots and outputs use each node, and the last node that uses it.
  const positions = positionIndex(graph);
  const nodes = graph.nodes;
  const uses = new Uint32Array(nodes.length);
  const user = new Int32Array(nodes.length).fill(-1);
  for (let i = 0; i < nodes.length; i++) {
    const operands = nodes[i]!.operands;
    for (let j = 0; j < operands.length; j++) {
      const at = positions.get(operands[j]!);
      if (at === undefined) continue;
      uses[at]!++;
      user[at] = i;
    }
  }
  for (const o of graph.outputs) {
    const at = positions.get(o.value);
    if (at !== undefined) uses[at]!++;
  }
  /** The one node that uses node `at` as its first operand, when nothing else uses it. */
  const soleUser = (at: number): number | undefined => {
    const u = user[at]!;
    return uses[at] === 1 && u >= 0 && nodes[u]!.operands[0] === nodes[at]!.name ? u : undefined;
  };
  const chains = new Map<string, Chain>();
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (node.op !== "conv2d" && node.op !== "masked_conv2d") continue;
    let last = i;
    let bias: string | undefined;
    let activation: string | undefined;
    const next = soleUser(i);
    if (next !== undefined && nodes[next]!.op === "bias_add") {
      bias = nodes[next]!.name;
      last = next;
    }
    const after = soleUser(last);
    if (after !== undefined && fusable(nodes[after]!)) {
      activation = nodes[after]!.name;
      last = after;
    }
    if (last !== i) chains.set(nodes[last]!.name, { conv: node.name, bias, activation });
  }
  return chains;
}

export const fuseBiasActivation: Pass = {
  name: "fuse-bias-activation",
  summary: "fuse a conv with the bias_add and activation after it into one fused_conv2d",
  run: (graph) => {
    const chains = chainsOf(graph);
    if (chains.size === 0) return graph;
    // The conv and bias_add of a chain are built at its last node, after every operand of the chain; until then
    // they stand for their first operand, which only the chain's own rule reads past.
    // One map for both roles, so that the rule asks once per node.
    const roles = new Map<string, Chain | "inner">(chains);
    for (const [last, c] of chains) for (const n of [c.conv, c.bias, c.activation]) if (n !== undefined && n !== last) roles.set(n, "inner");
    return rewriteGraph(graph, (node, r) => {
      const chain = roles.get(node.name);
      if (chain === undefined) return undefined;
      if (chain === "inner") return r.value(node.operands[0]!);
      const conv = r.producer(chain.conv)! as Extract<AnyNode, { op: "conv2d" | "masked_conv2d" }>;
      const [x, k, mask] = conv.operands.map((o) => r.value(o)) as [Value, Value, Value | undefined];
      const out = k.type.shape[3] as number;
      const bias =
        chain.bias !== undefined
          ? r.value(r.producer(chain.bias)!.operands[1]!)
          : r.b.constant([out], new Float32Array(out), { hint: `${conv.name}.bias`, span: conv.span });
      const act = chain.activation !== undefined ? fusable(r.producer(chain.activation)!)! : { activation: "linear" as const, alpha: 0 };
      const operands = mask ? [x, k, bias, mask] : [x, k, bias];
      return r.b.add("fused_conv2d", operands, { ...conv.attrs, ...act }, { name: node.name, span: node.span });
    });
  },
};
