// dense and batch_norm as plain loops. dense accumulates each row in a float64 scratch row, reading the kernel
// [in, out] row by row; batch_norm folds its statistics into a scale and shift per channel, once in load() when
// they are known there.

import type { Emitter } from "../emitter.js";
import { jsNumber } from "../literals.js";
import type { JsContext } from "./context.js";
import { product } from "./expr.js";

export const dense: Emitter<"dense", JsContext> = (node, value, ctx) => {
  const [x, k] = node.operands.map((o) => ctx.ref(o)) as [string, string];
  const [kin, kout] = ctx.plan.value(node.operands[1]!).shape.map((d) => ctx.dim(d)) as [string, string];
  const rows = ctx.size(value.shape.slice(0, -1));
  const acc = ctx.scratch64(value, "acc", kout);
  const y = value.id;
  return {
    code: [
      `const ${y} = ${ctx.alloc(value)};`,
      ...(acc.ensure ? [acc.ensure] : []),
      `// each row: the sum over ${kin} inputs of x[i] times the kernel's row i, in double`,
      `for (let r = 0; r < ${rows}; r++) {`,
      `  ${acc.id}.fill(0);`,
      `  for (let i = 0, xi = ${product(["r", kin])}, ki = 0; i < ${kin}; i++, ki += ${kout}) {`,
      `    const xv = ${x}[xi + i];`,
      `    for (let o = 0; o < ${kout}; o++) ${acc.id}[o] += xv * ${k}[ki + o];`,
      "  }",
      `  ${y}.set(${acc.id}, ${product(["r", kout])});`,
      "}",
    ],
  };
};

export const batchNorm: Emitter<"batch_norm", JsContext> = (node, value, ctx) => {
  const [x, gamma, beta, mean, variance] = node.operands.map((o) => ctx.ref(o)) as [string, string, string, string, string];
  const channels = ctx.dim(ctx.plan.value(node.operands[1]!).shape[0]!);
  const scale = ctx.scratch64(value, "scale", channels);
  const shift = ctx.scratch64(value, "shift", channels);
  const epsilon = jsNumber(node.attrs.epsilon);
  const y = value.id;
  const factors = [
    `// y = x * scale + shift per channel: scale = gamma / sqrt(variance + ${epsilon}), shift = beta - mean * scale`,
    ...[scale.ensure, shift.ensure].filter((l): l is string => l !== undefined),
    `for (let c = 0; c < ${channels}; c++) {`,
    `  const s = ${gamma}[c] / Math.sqrt(${variance}[c] + ${epsilon});`,
    `  ${scale.id}[c] = s;`,
    `  ${shift.id}[c] = ${beta}[c] - ${mean}[c] * s;`,
    "}",
  ];
  const apply = [
    `const ${y} = ${ctx.alloc(value)};`,
    `for (let i = 0; i < ${ctx.size(value.shape)}; i += ${channels}) {`,
    `  for (let c = 0; c < ${channels}; c++) ${y}[i + c] = ${x}[i + c] * ${scale.id}[c] + ${shift.id}[c];`,
    "}",
  ];
  // Statistics known at load time (params, constants) are folded once there; fed ones on every call.
  const loadTime = node.operands.slice(1).every((o) => ctx.plan.value(o).stage === "load");
  return loadTime ? { setup: factors, code: apply } : { code: [...factors, ...apply] };
};
