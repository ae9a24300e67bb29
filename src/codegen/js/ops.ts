// The plain-JavaScript emitter table: one entry per op, each writing loops over Float32Array. Inputs and params are
// fed by the generator (their identifiers are the fed arrays), so their entries emit nothing.

import { sameShape } from "../../ir/types.js";
import type { Emitted, EmitterTable } from "../emitter.js";
import type { PlannedValue } from "../lower.js";
import type { JsContext } from "./context.js";
import { emitConv2d, emitMaskedConv2d } from "./conv.js";

const nothing: Emitted = { code: [] };

/** y[i] = f(x[i]) over a whole value; `f` is an expression in `v`. */
function elementwise(value: PlannedValue, x: string, f: string, ctx: JsContext): Emitted {
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

export const jsEmitters: EmitterTable<JsContext> = {
  input: () => nothing,
  param: () => nothing,
  constant: (node, value, ctx) => ({ code: [`const ${value.id} = ${ctx.constant(node.attrs.data)};`] }),
  conv2d: emitConv2d,
  masked_conv2d: emitMaskedConv2d,
  mul: (node, value, ctx) => {
    const [a, b] = node.operands.map((o) => ctx.plan.value(o));
    const y = value.id;
    if (sameShape(a!.shape, b!.shape)) {
      return {
        code: [
          `const ${y} = ${ctx.alloc(value)};`,
          `for (let i = 0; i < ${ctx.size(value.shape)}; i++) ${y}[i] = ${a!.id}[i] * ${b!.id}[i];`,
        ],
      };
    }
    ctx.helpers.add("broadcastMul");
    return {
      code: [
        `const ${y} = ${ctx.alloc(value)};`,
        `broadcastMul(${y}, ${ctx.shape(value.shape)}, ${a!.id}, ${ctx.shape(a!.shape)}, ${b!.id}, ${ctx.shape(b!.shape)});`,
      ],
    };
  },
  // Row-major order is unchanged: the same array under a new shape.
  reshape: (node, value, ctx) => ({ code: [`const ${value.id} = ${ctx.ref(node.operands[0]!)};`] }),
  bias_add: (node, value, ctx) => {
    const [x, b] = node.operands.map((o) => ctx.ref(o));
    const channels = value.shape[value.shape.length - 1] as number;
    const y = value.id;
    return {
      code: [
        `const ${y} = ${ctx.alloc(value)};`,
        `for (let i = 0; i < ${ctx.size(value.shape)}; i += ${channels}) {`,
        `  for (let c = 0; c < ${channels}; c++) ${y}[i + c] = ${x}[i + c] + ${b}[c];`,
        `}`,
      ],
    };
  },
  relu: (node, value, ctx) => elementwise(value, ctx.ref(node.operands[0]!), "v > 0 ? v : 0", ctx),
  tanh: (node, value, ctx) => elementwise(value, ctx.ref(node.operands[0]!), "Math.tanh(v)", ctx),
  sigmoid: (node, value, ctx) => elementwise(value, ctx.ref(node.operands[0]!), "1 / (1 + Math.exp(-v))", ctx),
};
