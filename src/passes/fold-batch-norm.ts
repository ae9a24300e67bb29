// fold-batch-norm: batch_norm(conv(x, k)) with statistics known before the first call (params or constants)
// becomes bias_add(conv(x, k · scale), shift), with scale = gamma / sqrt(variance + epsilon) per output channel
// and shift = beta − mean · scale; a bias between them folds too: shift = (bias − mean) · scale + beta. Both are
// written as load-time IR ops (batch_norm of ones, zeros or the bias), so the fold also works with weights given at
// load time; fold-constants computes them now when the weights are bound. Only when the conv (and its bias_add)
// feed nothing else.

import type { Value } from "../ir/builder.js";
import type { AnyNode, Graph } from "../ir/node.js";
import { loadTimeValues, nodeIndex } from "../ir/analysis.js";
import type { Pass } from "./pass.js";
import { rewriteGraph } from "./pass.js";

/** The conv (and bias_add) a qualifying batch_norm folds into, by the batch_norm's name. */
interface Fold {
  readonly conv: string;
  readonly bias?: string;
}

function foldsOf(graph: Graph): Map<string, Fold> {
  const folds = new Map<string, Fold>();
  if (!graph.nodes.some((n) => n.op === "batch_norm")) return folds;
  const known = loadTimeValues(graph);
  const byName = nodeIndex(graph);
  const uses = new Map<string, number>();
  for (const n of graph.nodes) for (const o of n.operands) uses.set(o, (uses.get(o) ?? 0) + 1);
  for (const o of graph.outputs) uses.set(o.value, (uses.get(o.value) ?? 0) + 1);
  for (const node of graph.nodes) {
    if (node.op !== "batch_norm" || !node.operands.slice(1).every((o) => known.has(o))) continue;
    let conv = node.operands[0]!;
    let bias: string | undefined;
    const before = byName.get(conv);
    if (before?.op === "bias_add" && uses.get(conv) === 1 && known.has(before.operands[1]!)) {
      bias = conv;
      conv = before.operands[0]!;
    }
    const op = byName.get(conv)?.op;
    if ((op === "conv2d" || op === "masked_conv2d") && uses.get(conv) === 1) folds.set(node.name, { conv, bias });
  }
  return folds;
}

export const foldBatchNorm: Pass = {
  name: "fold-batch-norm",
  summary: "fold a batch_norm with load-time statistics into the conv before it (kernel scaled, a bias added)",
  run: (graph) => {
    const folds = foldsOf(graph);
    if (folds.size === 0) return graph;
    // The conv and bias_add of a fold are rebuilt at their batch_norm, whose statistics may come later in the
    // graph; until then they stand for their input, which only the batch_norm's rule reads past.
    const deferred = new Set([...folds.values()].flatMap((f) => (f.bias ? [f.conv, f.bias] : [f.conv])));
    return rewriteGraph(graph, (node, r) => {
      if (deferred.has(node.name)) return r.value(node.operands[0]!);
      if (node.op !== "batch_norm") return undefined;
      const fold = folds.get(node.name);
      if (!fold) return undefined;
      const conv = r.producer(fold.conv)! as Extract<AnyNode, { op: "conv2d" | "masked_conv2d" }>;
      const bias = fold.bias === undefined ? undefined : r.value(r.producer(fold.bias)!.operands[1]!);
      const [gamma, beta, mean, variance] = node.operands.slice(1).map((o) => r.value(o)) as [Value, Value, Value, Value];
      const c = gamma.type.shape[0] as number;
      const at = { span: node.span };
      const epsilon = { epsilon: node.attrs.epsilon };
      const zeros = r.b.constant([c], new Float32Array(c), { ...at, hint: `${node.name}.zeros` });
      const ones = r.b.constant([c], new Float32Array(c).fill(1), { ...at, hint: `${node.name}.ones` });
      // gamma / sqrt(variance + epsilon) is the batch norm of ones with mean and beta 0; the shift, of the bias.
      const scale = r.b.add("batch_norm", [ones, gamma, zeros, zeros, variance], epsilon, { ...at, hint: `${node.name}.scale` });
      const shift = r.b.add("batch_norm", [bias ?? zeros, gamma, beta, mean, variance], epsilon, { ...at, hint: `${node.name}.shift` });
      const [xName, kName, mName] = conv.operands as [string, string, string | undefined];
      const scale4 = r.b.reshape(scale, [1, 1, 1, c], { ...at, hint: `${node.name}.scale4` });
      const scaled = r.b.mul(r.value(kName), scale4, { ...at, hint: `${kName}.scaled` });
      const x = r.value(xName);
      const opts = { name: conv.name, span: conv.span };
      const folded =
        conv.op === "conv2d" ? r.b.conv2d(x, scaled, conv.attrs, opts) : r.b.maskedConv2d(x, scaled, r.value(mName!), conv.attrs, opts);
      return r.b.biasAdd(folded, shift, { name: node.name, span: node.span });
    });
  },
};
