// fused_conv2d as plain loops: the conv by the conv emitters (conv.ts, unchanged), into the fused value's own
// buffer, then one pass adding the bias per channel and applying the activation in place. Not a faster kernel: on
// the js target fusing saves the intermediate buffers and one loop, the conv's cost stays the conv emitters'.

import type { FusedActivation, Node } from "../../ir/node.js";
import type { Emitter } from "../emitter.js";
import { isDiagnostic } from "../emitter.js";
import { jsNumber } from "../literals.js";
import type { JsContext } from "./context.js";
import { emitConv2d, emitMaskedConv2d } from "./conv.js";

/** The activation as an expression of `v` (a double): as the js activation emitters spell them. */
function activation(a: FusedActivation, alpha: number): string {
  switch (a) {
    case "linear":
      return "v";
    case "relu":
      return "v > 0 ? v : 0";
    case "relu6":
      return "Math.min(Math.max(v, 0), 6)";
    case "elu":
      return "v > 0 ? v : Math.expm1(v)";
    case "leakyrelu":
      return `v > 0 ? v : ${jsNumber(alpha)} * v`;
    case "sigmoid":
      return "1 / (1 + Math.exp(-v))";
  }
}

export const emitFusedConv2d: Emitter<"fused_conv2d", JsContext> = (node, value, ctx) => {
  const [x, k, bias, mask] = node.operands as [string, string, string, string | undefined];
  // The conv emitters read the conv's operands by position: give them the conv2d or masked_conv2d they expect.
  const emitted =
    mask === undefined
      ? emitConv2d({ ...node, op: "conv2d", operands: [x, k] } as Node<"conv2d">, value, ctx)
      : emitMaskedConv2d({ ...node, op: "masked_conv2d", operands: [x, k, mask] } as Node<"masked_conv2d">, value, ctx);
  if (isDiagnostic(emitted)) return emitted;
  const y = value.id;
  const b = ctx.ref(bias);
  const channels = ctx.dim(value.shape[value.shape.length - 1]!);
  return {
    ...emitted,
    code: [
      ...emitted.code,
      `// + bias per channel, then ${node.attrs.activation}, in place`,
      `for (let i = 0; i < ${ctx.size(value.shape)}; i += ${channels}) {`,
      `  for (let c = 0; c < ${channels}; c++) {`,
      `    const v = ${y}[i + c] + ${b}[c];`,
      `    ${y}[i + c] = ${activation(node.attrs.activation, node.attrs.alpha)};`,
      `  }`,
      `}`,
    ],
  };
};
