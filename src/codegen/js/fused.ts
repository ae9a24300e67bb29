// fused_conv2d as plain loops: the conv kernel of conv.ts with the bias and the activation applied in its store
// (the epilogue), so the fused op costs the conv alone — no second pass over the output, no intermediate buffer.

import type { FusedActivation as IrActivation } from "../../ir/node.js";
import type { Emitter } from "../emitter.js";
import type { JsContext } from "./context.js";
import { convCode } from "./conv.js";
import type { FusedActivation } from "./epilogue.js";

/** The IR's fused activation as the epilogue's (elu is fused only with alpha 1). */
function epilogue(a: IrActivation, alpha: number): FusedActivation {
  switch (a) {
    case "leakyrelu":
      return { kind: "leaky_relu", alpha };
    case "elu":
      return { kind: "elu", alpha: 1 };
    default:
      return { kind: a };
  }
}

export const emitFusedConv2d: Emitter<"fused_conv2d", JsContext> = (node, value, ctx) => {
  const [x, kernel, bias, mask] = node.operands as [string, string, string, string | undefined];
  return convCode(value, ctx, { x, kernel, bias, ...(mask === undefined ? {} : { mask }) }, epilogue(node.attrs.activation, node.attrs.alpha));
};
