// softmax and log_softmax over any axis as plain loops: each line along the axis is shifted by its maximum, as the
// reference does, and summed in double.

import type { Emitter } from "../emitter.js";
import type { JsContext } from "./context.js";
import { product, sum } from "./expr.js";

/** The lines along `axis`: `outer` of them before it, each with `step` interleaved lines of `n` elements. */
function softmaxLike(log: boolean): Emitter<"softmax" | "log_softmax", JsContext> {
  return (node, value, ctx) => {
    const x = ctx.ref(node.operands[0]!);
    const y = value.id;
    const axis = node.attrs.axis;
    const outer = ctx.size(value.shape.slice(0, axis));
    const n = ctx.dim(value.shape[axis]!);
    const step = ctx.size(value.shape.slice(axis + 1));
    const interleaved = step !== "1";
    const next = interleaved ? `at += ${step}` : "at++";
    const line = (body: string) => `for (let k = 0, at = base; k < ${n}; k++, ${next}) ${body}`;
    const finish = log
      ? [`const lse = max + Math.log(total);`, line(`${y}[at] = ${x}[at] - lse;`)]
      : [line(`${y}[at] /= total;`)];
    const body = [
      `const base = ${sum([product(["o", n, step]), interleaved ? "i" : 0])};`,
      "let max = -Infinity;",
      line(`max = Math.max(max, ${x}[at]);`),
      "let total = 0;",
      log ? line(`total += Math.exp(${x}[at] - max);`) : line(`{ const e = Math.exp(${x}[at] - max); ${y}[at] = e; total += e; }`),
      ...finish,
    ];
    return {
      code: [
        `const ${y} = ${ctx.alloc(value)};`,
        `// ${log ? "log_softmax" : "softmax"} along axis ${axis}: each line shifted by its maximum`,
        `for (let o = 0; o < ${outer}; o++) {`,
        ...(interleaved ? [`  for (let i = 0; i < ${step}; i++) {`, ...body.map((l) => `    ${l}`), "  }"] : body.map((l) => `  ${l}`)),
        "}",
      ],
    };
  };
}

export const softmax = softmaxLike(false) as Emitter<"softmax", JsContext>;
export const logSoftmax = softmaxLike(true) as Emitter<"log_softmax", JsContext>;
