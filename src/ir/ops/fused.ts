// fused_conv2d: activation(conv2d(x, kernel [⊙ mask]) + bias) as one op, the form tfjs's fused conv2d takes. Made by
// the fuse-bias-activation pass; its meaning is spelled with the conv, bias and activation references.

import { FUSED_ACTIVATIONS, type FusedActivation, type OpAttrs } from "../node.js";
import { formatShape } from "../types.js";
import { referenceConv2d, inferConv, maskFitProblem, referenceMaskKernel } from "./conv.js";
import { type OpDef, type Tensor64, isProblem, problem } from "./def.js";

/** One activation of a fused conv, on one value. */
export function fusedActivation(activation: FusedActivation, alpha: number): (v: number) => number {
  switch (activation) {
    case "linear":
      return (v) => v;
    case "relu":
      return (v) => Math.max(v, 0);
    case "relu6":
      return (v) => Math.min(Math.max(v, 0), 6);
    case "elu":
      return (v) => (v > 0 ? v : Math.expm1(v));
    case "leakyrelu":
      return (v) => (v > 0 ? v : alpha * v);
    case "sigmoid":
      return (v) => 1 / (1 + Math.exp(-v));
  }
}

export const fused_conv2d: OpDef<"fused_conv2d"> = {
  operands: ["input", "kernel", "bias", "mask"],
  minOperands: 3,
  attrs: { strides: "int-pair", dilations: "int-pair", padding: "padding", groups: "int", activation: "word", alpha: "float" },
  /** x f32[N,4,4,3], kernel f32[3,3,3,2], bias f32[2] (, mask f32[3,3]), relu → f32[N,2,2,2]. */
  infer: ([x, k, bias, mask], a: OpAttrs["fused_conv2d"]) => {
    if (!FUSED_ACTIVATIONS.includes(a.activation)) {
      return problem("MC2017", `fused_conv2d activation must be one of ${FUSED_ACTIVATIONS.join(", ")}, got '${String(a.activation)}'`);
    }
    if (!Number.isFinite(a.alpha)) return problem("MC2017", `fused_conv2d alpha must be finite, got ${a.alpha}`);
    const t = inferConv(x!, k!, a);
    if (isProblem(t)) return t;
    const out = k!.shape[3];
    if (bias!.shape.length !== 1 || bias!.shape[0] !== out) {
      return problem("MC2009", `fused_conv2d needs a bias of shape [${String(out)}] (one per out channel), got ${formatShape(bias!.shape)}`);
    }
    return (mask && maskFitProblem(mask.shape, k!.shape)) || t;
  },
  reference: ([x, k, bias, mask], a, out) => {
    const kernel: Tensor64 = mask ? referenceMaskKernel(k!, mask) : k!;
    const y = referenceConv2d(x!, kernel, a, out);
    const f = fusedActivation(a.activation, a.alpha);
    const c = bias!.data.length;
    for (let i = 0; i < y.data.length; i++) y.data[i] = f(y.data[i]! + bias!.data[i % c]!);
    return y;
  },
};
