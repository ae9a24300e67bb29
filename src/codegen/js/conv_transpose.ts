// conv2d_transpose as plain loops, gathered per output pixel: input pixel iy reaches output row iy · sh + i − top,
// so output row oy reads the taps i ≡ oy + top (mod sh), each from input row (oy + top − i) / sh. Accumulates in
// a float64 row of output channels; the kernel [kh, kw, out, in] is read along its contiguous in axis.

import type { Emitter } from "../emitter.js";
import type { JsContext } from "./context.js";
import { product, sum, times } from "./expr.js";

/** The taps of one axis that land on output `o`, and the input index `i` each reads, as loop header lines. */
function tapLoop(axis: "y" | "x", tap: string, o: string, before: number, stride: number, k: number, n: number): string[] {
  const t = `t${axis}`;
  const first = stride === 1 ? "0" : `${t} % ${stride}`;
  const from = stride === 1 ? `${t} - ${tap}` : `(${t} - ${tap}) / ${stride}`;
  return [
    `const ${t} = ${sum([o, before])};`,
    `for (let ${tap} = ${first}; ${tap} < ${k} && ${tap} <= ${t}; ${tap} += ${stride}) {`,
    `  const i${axis} = ${from};`,
    `  if (i${axis} >= ${n}) continue;`,
  ];
}

/** `oy = iy * 2 + i - 1`, as the comment on the loops spells it. */
function scatter(o: string, i: string, tap: string, stride: number, before: number): string {
  return `${o} = ${sum([times(i, stride), tap])}${before > 0 ? ` - ${before}` : ""}`;
}

export const emitConv2dTranspose: Emitter<"conv2d_transpose", JsContext> = (node, value, ctx) => {
  const t = value.transpose!;
  const [x, k] = node.operands.map((o) => ctx.ref(o)) as [string, string];
  const [h, w] = t.inSize;
  const [oh, ow] = t.outSize;
  const [kh, kw] = t.kernelSize;
  const [sh, sw] = t.strides;
  const c = t.inChannels;
  const o = t.outChannels;
  const n = ctx.dim(t.batch);
  const acc = ctx.scratch64(value, "acc", String(o));
  const y = value.id;
  const body = [
    ...tapLoop("x", "j", "ox", t.pads[2], sw, kw, w),
    `  const xi = ${times(`(n * ${h} + iy) * ${w} + ix`, c)};`,
    `  for (let oc = 0, ki = ${times(`i * ${kw} + j`, o * c)}; oc < ${o}; oc++, ki += ${c}) {`,
    "    let a = 0;",
    `    for (let ci = 0; ci < ${c}; ci++) a += ${x}[xi + ci] * ${k}[ki + ci];`,
    `    ${acc.id}[oc] += a;`,
    "  }",
    "}",
  ];
  return {
    code: [
      `const ${y} = ${ctx.alloc(value)};`,
      `// each output pixel gathers the input pixels that scatter onto it: ${scatter("oy", "iy", "i", sh, t.pads[0])}, ${scatter("ox", "ix", "j", sw, t.pads[2])}`,
      `for (let n = 0; n < ${n}; n++) {`,
      `  for (let oy = 0; oy < ${oh}; oy++) {`,
      `    for (let ox = 0; ox < ${ow}; ox++) {`,
      `      ${acc.id}.fill(0);`,
      ...[...tapLoop("y", "i", "oy", t.pads[0], sh, kh, h), ...body.map((l) => `  ${l}`), "}"].map((l) => `      ${l}`),
      `      ${y}.set(${acc.id}, ${product([`(n * ${oh} + oy) * ${ow} + ox`, o])});`,
      "    }",
      "  }",
      "}",
    ],
  };
};
