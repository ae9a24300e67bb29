// Elementwise ops as plain loops: the activations (one expression of `v` per element, computed in double), the
// broadcasting binary ops add, sub, mul, div (a flat loop for equal shapes, else a helper), bias_add per channel.

import type { OpAttrs, OpKind } from "../../ir/node.js";
import { sameShape } from "../../ir/types.js";
import type { Emitted, Emitter } from "../emitter.js";
import { jsNumber } from "../literals.js";
import type { PlannedValue } from "../lower.js";
import type { BroadcastHelper } from "../runtime.js";
import type { JsContext } from "./context.js";
import { activationExpr } from "./epilogue.js";

/** y[i] = f(x[i]) over a whole value; `f` is an expression in `v`. */
function map(value: PlannedValue, x: string, f: string, ctx: JsContext): Emitted {
  return {
    code: [
      `const ${value.id} = ${ctx.alloc(value)};`,
      `for (let i = 0; i < ${ctx.size(value.shape)}; i++) {`,
      `  const v = ${x}[i];`,
      `  ${value.id}[i] = ${f};`,
      `}`,
    ],
  };
}

/** An emitter for a one-operand op whose element expression depends only on its attributes. */
export function unary<K extends OpKind>(expression: (attrs: OpAttrs[K], ctx: JsContext) => string): Emitter<K, JsContext> {
  return (node, value, ctx) => map(value, ctx.ref(node.operands[0]!), expression(node.attrs, ctx), ctx);
}

// The activations a conv or dense kernel can fuse are spelled once, in epilogue.ts.
export const relu = unary<"relu">(() => activationExpr({ kind: "relu" }, "v"));
export const tanh = unary<"tanh">(() => activationExpr({ kind: "tanh" }, "v"));
export const sigmoid = unary<"sigmoid">(() => activationExpr({ kind: "sigmoid" }, "v"));
export const leakyRelu = unary<"leaky_relu">((a) => activationExpr({ kind: "leaky_relu", alpha: a.alpha }, "v"));
export const elu = unary<"elu">((a) => activationExpr({ kind: "elu", alpha: a.alpha }, "v"));
export const clamp = unary<"clamp">((a) => `Math.min(Math.max(v, ${jsNumber(a.min)}), ${jsNumber(a.max)})`);
export const gelu = unary<"gelu">((_a, ctx) => {
  ctx.helpers.add("erf");
  return "0.5 * v * (1 + erf(v / Math.SQRT2))";
});

const OPERATORS = { add: ["+", "broadcastAdd"], sub: ["-", "broadcastSub"], mul: ["*", "broadcastMul"], div: ["/", "broadcastDiv"] } as const;

/** a ∘ b: one flat loop when the shapes are equal, else the broadcasting helper of the operator. */
export function binary<K extends keyof typeof OPERATORS>(op: K): Emitter<K, JsContext> {
  const [symbol, helper]: readonly [string, BroadcastHelper] = OPERATORS[op];
  return (node, value, ctx) => {
    const [a, b] = node.operands.map((o) => ctx.plan.value(o)) as [PlannedValue, PlannedValue];
    const y = value.id;
    if (sameShape(a.shape, b.shape)) {
      return {
        code: [`const ${y} = ${ctx.alloc(value)};`, `for (let i = 0; i < ${ctx.size(value.shape)}; i++) ${y}[i] = ${a.id}[i] ${symbol} ${b.id}[i];`],
      };
    }
    ctx.helpers.add(helper);
    return {
      code: [
        `const ${y} = ${ctx.alloc(value)};`,
        `${helper}(${y}, ${ctx.shape(value.shape)}, ${a.id}, ${ctx.shape(a.shape)}, ${b.id}, ${ctx.shape(b.shape)});`,
      ],
    };
  };
}

export const biasAdd: Emitter<"bias_add", JsContext> = (node, value, ctx) => {
  const [x, b] = node.operands.map((o) => ctx.ref(o));
  const channels = ctx.dim(value.shape[value.shape.length - 1]!);
  const y = value.id;
  return {
    code: [
      `const ${y} = ${ctx.alloc(value)};`,
      `for (let i = 0; i < ${ctx.size(value.shape)}; i += ${channels}) {`,
      `  for (let c = 0; c < ${channels}; c++) ${y}[i + c] = ${x}[i + c] + ${b}[c];`,
      `}`,
    ],
  };
};
