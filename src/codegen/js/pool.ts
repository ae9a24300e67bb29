// max_pool and avg_pool as plain loops: each output pixel's window clipped to the input (padding never takes part),
// a running maximum per channel, or a float64 sum per channel divided by the count of pixels inside the input.

import type { Emitter } from "../emitter.js";
import type { JsContext } from "./context.js";
import { product, sum, times } from "./expr.js";

function pool(max: boolean): Emitter<"max_pool" | "avg_pool", JsContext> {
  return (node, value, ctx) => {
    const p = value.pool!;
    const x = ctx.ref(node.operands[0]!);
    const [h, w] = p.inSize;
    const [oh, ow] = p.outSize;
    const [kh, kw] = p.window;
    const [sh, sw] = p.strides;
    const c = ctx.dim(p.channels);
    const n = ctx.dim(p.batch);
    const y = value.id;
    const acc = max ? undefined : ctx.scratch64(value, "acc", c);
    const start = max ? `for (let k = 0; k < ${c}; k++) ${y}[out + k] = -Infinity;` : `${acc!.id}.fill(0);`;
    const step = max ? `${y}[out + k] = Math.max(${y}[out + k], ${x}[at + k]);` : `${acc!.id}[k] += ${x}[at + k];`;
    const finish = max
      ? []
      : [`const count = (y1 - y0) * (x1 - x0);`, `for (let k = 0; k < ${c}; k++) ${y}[out + k] = ${acc!.id}[k] / count;`];
    return {
      code: [
        `const ${y} = ${ctx.alloc(value)};`,
        ...(acc?.ensure ? [acc.ensure] : []),
        `// ${kh}×${kw} windows clipped to the input: padding (${p.pads.join(", ")}) is never ${max ? "compared" : "counted"}`,
        `for (let n = 0; n < ${n}; n++) {`,
        `  for (let oy = 0; oy < ${oh}; oy++) {`,
        `    const top = ${sum([times("oy", sh), -p.pads[0]])};`,
        `    const y0 = Math.max(top, 0), y1 = Math.min(top + ${kh}, ${h});`,
        `    for (let ox = 0; ox < ${ow}; ox++) {`,
        `      const left = ${sum([times("ox", sw), -p.pads[2]])};`,
        `      const x0 = Math.max(left, 0), x1 = Math.min(left + ${kw}, ${w});`,
        `      const out = ${product([`(n * ${oh} + oy) * ${ow} + ox`, c])};`,
        `      ${start}`,
        "      for (let iy = y0; iy < y1; iy++) {",
        "        for (let ix = x0; ix < x1; ix++) {",
        `          const at = ${product([`(n * ${h} + iy) * ${w} + ix`, c])};`,
        `          for (let k = 0; k < ${c}; k++) ${step}`,
        "        }",
        "      }",
        ...finish.map((l) => `      ${l}`),
        "    }",
        "  }",
        "}",
      ],
    };
  };
}

export const maxPool = pool(true) as Emitter<"max_pool", JsContext>;
export const avgPool = pool(false) as Emitter<"avg_pool", JsContext>;
