// fuse-dynamic-masks: conv2d(x, mul(kernel, reshape(mask))) with a mask fed at run time becomes one
// masked_conv2d(x, kernel, mask), the fused runtime op backends implement without materialising the product in
// the graph. Builder users write the unfused form; the DSL already lowers to masked_conv2d, which stays as it is.

import { loadTimeValues, nodeIndex } from "../ir/analysis.js";
import type { Value } from "../ir/builder.js";
import { maskAsKernelShape, maskFitProblem } from "../ir/ops/conv.js";
import { sameShape } from "../ir/types.js";
import type { Pass, Rewriter } from "./pass.js";
import { rewriteGraph } from "./pass.js";

/** The mask behind a kernel-shaped operand: reshape(m) that is m's left-aligned broadcast, or the operand itself. */
function maskBehind(name: string, kernelShape: readonly (number | string)[], r: Rewriter): Value | undefined {
  const p = r.producer(name);
  if (p?.op === "reshape" && r.uses(name) === 1) {
    const source = r.value(p.operands[0]!);
    if (sameShape(maskAsKernelShape(source.type.shape), p.attrs.shape) && !maskFitProblem(source.type.shape, kernelShape)) {
      return source;
    }
  }
  const v = r.value(name);
  return maskFitProblem(v.type.shape, kernelShape) ? undefined : v;
}

export const fuseDynamicMasks: Pass = {
  name: "fuse-dynamic-masks",
  summary: "turn conv2d over kernel ⊙ (a mask fed at run time) into one masked_conv2d",
  run: (graph) => {
    const byName = nodeIndex(graph);
    if (!graph.nodes.some((n) => n.op === "conv2d" && byName.get(n.operands[1]!)?.op === "mul")) return graph;
    const known = loadTimeValues(graph);
    return rewriteGraph(graph, (node, r) => {
      if (node.op !== "conv2d") return undefined;
      const [xName, kName] = node.operands as [string, string];
      const product = r.producer(kName);
      if (product?.op !== "mul" || r.uses(kName) !== 1) return undefined;
      for (const [kernelSide, maskSide] of [product.operands, [...product.operands].reverse()] as const) {
        if (known.has(maskSide!) || !known.has(kernelSide!)) continue;
        const kernel = r.value(kernelSide!);
        if (!sameShape(kernel.type.shape, product.type.shape)) continue;
        const mask = maskBehind(maskSide!, kernel.type.shape, r);
        if (!mask) continue;
        return r.b.maskedConv2d(r.value(xName), kernel, mask, node.attrs, { name: node.name, span: node.span });
      }
      return undefined;
    });
  },
};
