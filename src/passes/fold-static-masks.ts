// fold-static-masks: a masked_conv2d whose mask is known before the first call (a constant, or computed from
// constants and params) becomes a plain conv2d over kernel ⊙ mask. With the kernel known too (weights given at
// compile time) the product is computed here; otherwise it is a load-time mul that backends compute once at load,
// never per call. Masks fed at run time are left alone (see fuse-dynamic-masks).

import { loadTimeValues } from "../ir/analysis.js";
import { maskAsKernelShape, referenceMaskKernel } from "../ir/ops/conv.js";
import type { Tensor64 } from "../ir/ops/def.js";
import type { AnyNode } from "../ir/node.js";
import { sameShape } from "../ir/types.js";
import type { Pass } from "./pass.js";
import { rewriteGraph } from "./pass.js";

function constantData(node: AnyNode | undefined): Tensor64 | undefined {
  if (node?.op !== "constant") return undefined;
  return { shape: node.attrs.shape as number[], data: Float64Array.from(node.attrs.data) };
}

export const foldStaticMasks: Pass = {
  name: "fold-static-masks",
  summary: "fold masks known before the first call into their kernels; the conv becomes a plain conv2d",
  run: (graph) => {
    const known = loadTimeValues(graph);
    if (!graph.nodes.some((n) => n.op === "masked_conv2d" && known.has(n.operands[2]!))) return graph;
    return rewriteGraph(graph, (node, r) => {
      if (node.op !== "masked_conv2d") return undefined;
      const [xName, kName, mName] = node.operands as [string, string, string];
      if (!known.has(mName)) return undefined;
      const x = r.value(xName);
      const kernel = r.value(kName);
      const mask = r.value(mName);
      const k64 = constantData(r.producer(kName));
      const m64 = constantData(r.producer(mName));
      let masked;
      if (k64 && m64) {
        const product = referenceMaskKernel(k64, m64);
        masked = r.b.constant(kernel.type.shape, product.data, { hint: `${kName}.masked`, span: node.span });
      } else {
        const asKernel = maskAsKernelShape(mask.type.shape);
        // A constant mask is reshaped here (its data is the same row-major), a load-time one by a reshape node.
        const m4 = sameShape(asKernel, mask.type.shape)
          ? mask
          : m64
            ? r.b.constant(asKernel, Float32Array.from(m64.data), { hint: `${mName}.as_kernel`, span: node.span })
            : r.b.reshape(mask, asKernel, { hint: `${mName}.as_kernel`, span: node.span });
        masked = r.b.mul(kernel, m4, { hint: `${kName}.masked`, span: node.span });
      }
      return r.b.conv2d(x, masked, node.attrs, { name: node.name, span: node.span });
    });
  },
};
