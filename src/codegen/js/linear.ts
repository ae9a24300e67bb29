// dense and batch_norm as plain loops. dense keeps blocks of 3 rows × 4 out channels in local doubles over a kernel
// packed once into the order it reads (bias and activation may be fused into the store); batch_norm folds its
// statistics into a scale and shift per channel, once in load() when they are known there.

import type { Dim } from "../../ir/types.js";
import type { Emitted, Emitter } from "../emitter.js";
import { jsIdentifier } from "../escape.js";
import { jsNumber } from "../literals.js";
import type { PlannedValue } from "../lower.js";
import type { JsContext } from "./context.js";
import { BLOCK } from "./conv_layout.js";
import { type FusedActivation, activationExpr } from "./epilogue.js";
import { product, sum, times } from "./expr.js";

/** Rows per block of the dense kernel; with BLOCK out channels, 12 accumulators (as the conv kernel). */
const ROWS = 3;

/** One block of `rows` rows × `w` out channels from `co` on (weights from `ki`), epilogue included. */
function denseBlock(rows: number, w: number, kin: number, kout: number, co: number | string, ki: string, epi: { bias?: string; activation: FusedActivation }): string[] {
  const acc = (r: number, b: number) => `a${r}_${b}`;
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const lines = [
    `let ${range(rows).flatMap((r) => range(w).map((b) => `${acc(r, b)} = 0`)).join(", ")};`,
    `for (let i = 0, k = ${ki}; i < ${kin}; i++, k += ${w}) {`,
    `  const ${range(rows).map((r) => `x${r} = x[${sum(["xi", r * kin, "i"])}]`).join(", ")};`,
    `  const ${range(w).map((b) => `w${b} = kp[${sum(["k", b])}]`).join(", ")};`,
    ...range(rows).map((r) => `  ${range(w).map((b) => `${acc(r, b)} += x${r} * w${b};`).join(" ")}`),
    "}",
  ];
  for (let b = 0; b < w; b++) {
    if (epi.bias) lines.push(`const b${b} = bias[${sum([co, b])}];`);
    for (let r = 0; r < rows; r++) {
      if (epi.bias) lines.push(`${acc(r, b)} += b${b};`);
      lines.push(`y[${sum(["yi", co, r * kout + b])}] = ${activationExpr(epi.activation, acc(r, b))};`);
    }
  }
  return lines;
}

/** The blocks over all out channels of `rows` rows: a loop over full blocks of BLOCK, then the rest. */
function denseRows(rows: number, kin: number, kout: number, epi: { bias?: string; activation: FusedActivation }): string[] {
  const full = Math.floor(kout / BLOCK);
  const rest = kout % BLOCK;
  const nest = (head: string, body: string[]) => [head, ...body.map((l) => `  ${l}`), "}"];
  return [
    ...(full > 1 ? nest(`for (let co = 0, kb = 0; co < ${full * BLOCK}; co += ${BLOCK}, kb += ${BLOCK * kin}) {`, denseBlock(rows, BLOCK, kin, kout, "co", "kb", epi)) : []),
    ...(full === 1 ? nest("{", denseBlock(rows, BLOCK, kin, kout, 0, "0", epi)) : []),
    ...(rest > 0 ? nest("{", denseBlock(rows, rest, kin, kout, full * BLOCK, String(full * BLOCK * kin), epi)) : []),
  ];
}

/**
 * y = activation(x · kernel + bias) for a dense `value` (or a fused dense whose operands are given by IR name):
 * blocks of 3 rows × 4 out channels of accumulators, the kernel [in, out] packed once (in load() when it is known
 * there) as [block of 4 out channels][in][channel of the block] in double. Kernels of unknown size keep a plain loop.
 */
export function denseCode(value: PlannedValue, ctx: JsContext, operands: { x: string; kernel: string; bias?: string }, activation: FusedActivation = { kind: "linear" }): Emitted {
  const [x, k] = [operands.x, operands.kernel].map((o) => ctx.ref(o)) as [string, string];
  const bias = operands.bias === undefined ? undefined : ctx.ref(operands.bias);
  const [kin, kout] = ctx.plan.value(operands.kernel).shape as [Dim, Dim];
  const rows = ctx.size(value.shape.slice(0, -1));
  const y = value.id;
  if (typeof kin !== "number" || typeof kout !== "number") return plainDense(value, ctx, x, k, ctx.dim(kin), ctx.dim(kout), rows);
  const packed = ctx.scratch64(value, "packed", String(kin * kout)).id;
  const fn = jsIdentifier(`dense${value.id.slice(1)}`);
  const epi = { activation, ...(bias ? { bias } : {}) };
  const nest = (head: string, body: string[]) => [head, ...body.map((l) => `  ${l}`), "}"];
  const tails = Array.from({ length: ROWS - 1 }, (_, i) => i + 1);
  ctx.declare([
    `/** y = x · kernel for ${y}, ${rows} rows: x the rows of ${kin} inputs, kp the packed kernel. */`,
    `function ${fn}(y, x, kp, ${bias ? "bias, " : ""}rows) {`,
    `  let r = 0;`,
    ...nest(`  for (; r + ${ROWS} <= rows; r += ${ROWS}) {`, [`const xi = ${times("r", kin)};`, `const yi = ${times("r", kout)};`, ...denseRows(ROWS, kin, kout, epi)]).map((l, i) => (i === 0 ? l : `  ${l}`)),
    `  // the last rows`,
    `  const xi = ${times("r", kin)};`,
    `  const yi = ${times("r", kout)};`,
    ...tails.flatMap((t, i) => [`  ${i === 0 ? "" : "} else "}if (rows - r === ${t}) {`, ...denseRows(t, kin, kout, epi).map((l) => `    ${l}`)]),
    "  }",
    "}",
  ]);
  const packing = [
    `// ${packed}: ${k} [${kin}, ${kout}] packed as [block of ${BLOCK} out channels][in][channel of the block]`,
    `for (let i = 0; i < ${kin}; i++) {`,
    `  for (let o = 0; o < ${kout}; o++) {`,
    `    const wb = ${kout % BLOCK === 0 ? BLOCK : `o < ${kout - (kout % BLOCK)} ? ${BLOCK} : ${kout % BLOCK}`};`,
    `    ${packed}[(o >> 2) * ${BLOCK * kin} + i * wb + (o & 3)] = ${k}[${times("i", kout)} + o];`,
    "  }",
    "}",
  ];
  const code = [`const ${y} = ${ctx.alloc(value)};`, `${fn}(${y}, ${x}, ${packed}, ${bias ? `${bias}, ` : ""}${rows});`];
  const reads = [operands.x, ...(operands.bias ? [operands.bias] : [])];
  return ctx.plan.value(operands.kernel).stage === "load" ? { setup: packing, code, reads } : { code: [...packing, ...code] };
}

/** dense with a kernel of symbolic size: each row summed in a float64 scratch row. */
function plainDense(value: PlannedValue, ctx: JsContext, x: string, k: string, kin: string, kout: string, rows: string): Emitted {
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
}

export const dense: Emitter<"dense", JsContext> = (node, value, ctx) => {
  const [x, kernel] = node.operands as [string, string];
  return denseCode(value, ctx, { x, kernel });
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
