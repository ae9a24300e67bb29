// conv2d_transpose as plain loops, gathered per output pixel: input pixel iy reaches output row iy · sh + i − top,
// so output row oy reads the taps i ≡ oy + top (mod sh), each from input row (oy + top − i) / sh. Out channels in
// blocks of 4 local double accumulators, over a kernel [kh, kw, out, in] packed once per tap as
// [block of 4 out channels][in][channel of the block], the order the inner loop reads.

import type { Emitter } from "../emitter.js";
import { jsIdentifier } from "../escape.js";
import type { JsContext } from "./context.js";
import { BLOCK } from "./conv_layout.js";
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
  const y = value.id;
  const packed = ctx.scratch64(value, "packed", String(kh * kw * o * c)).id;
  const full = Math.floor(o / BLOCK);
  const rest = o % BLOCK;
  /** One block of `width` out channels from `co`: its accumulators over the taps landing on the pixel, the store. */
  const block = (co: number | string, width: number) => {
    const accs = Array.from({ length: width }, (_, b) => `a${b}`);
    const kAt = sum([times(`i * ${kw} + j`, o * c), typeof co === "number" ? co * c : times(co, c)]);
    const body = [
      ...tapLoop("x", "j", "ox", t.pads[2], sw, kw, w),
      `  for (let xi = ${times(`(n * ${h} + iy) * ${w} + ix`, c)}, end = xi + ${c}, ki = ${kAt}; xi < end; xi++, ki += ${width}) {`,
      "    const xv = x[xi];",
      `    ${accs.map((a, b) => `${a} += xv * kp[${sum(["ki", b])}];`).join(" ")}`,
      "  }",
      "}",
    ];
    return [
      `let ${accs.map((a) => `${a} = 0`).join(", ")};`,
      ...tapLoop("y", "i", "oy", t.pads[0], sh, kh, h),
      ...body.map((l) => `  ${l}`),
      "}",
      ...accs.map((a, b) => `y[${sum(["out", co, b])}] = ${a};`),
    ];
  };
  const nest = (head: string, lines: string[]) => [head, ...lines.map((l) => `  ${l}`), "}"];
  const blocks = [
    ...(full > 1 ? nest(`for (let co = 0; co < ${full * BLOCK}; co += ${BLOCK}) {`, block("co", BLOCK)) : []),
    ...(full === 1 ? nest("{", block(0, BLOCK)) : []),
    ...(rest > 0 ? nest("{", block(full * BLOCK, rest)) : []),
  ];
  const fn = jsIdentifier(`transpose${value.id.slice(1)}`);
  ctx.declare([
    `/** y = conv2d_transpose for ${y}: x the input, kp the kernel packed per tap as [block of ${BLOCK} out channels][in][channel of the block]. */`,
    `function ${fn}(y, x, kp, batch) {`,
    `  // each output pixel gathers the input pixels that scatter onto it: ${scatter("oy", "iy", "i", sh, t.pads[0])}, ${scatter("ox", "ix", "j", sw, t.pads[2])}`,
    ...nest(
      "for (let n = 0; n < batch; n++) {",
      nest(`for (let oy = 0; oy < ${oh}; oy++) {`, nest(`for (let ox = 0; ox < ${ow}; ox++) {`, [`const out = ${product([`(n * ${oh} + oy) * ${ow} + ox`, o])};`, ...blocks])),
    ).map((l) => `  ${l}`),
    "}",
  ]);
  const wb = rest === 0 ? String(BLOCK) : full === 0 ? String(rest) : `oc < ${full * BLOCK} ? ${BLOCK} : ${rest}`;
  const packing = [
    `// ${packed}: ${k} [${kh}, ${kw}, ${o}, ${c}] packed per tap as [block of ${BLOCK} out channels][in][channel of the block]`,
    `for (let tap = 0; tap < ${kh * kw}; tap++) {`,
    `  for (let oc = 0; oc < ${o}; oc++) {`,
    `    const wb = ${wb};`,
    `    for (let ci = 0; ci < ${c}; ci++) ${packed}[${sum([times("tap", o * c), times("oc >> 2", BLOCK * c)])} + ci * wb + (oc & 3)] = ${k}[${sum([times("tap", o * c), times("oc", c)])} + ci];`,
    "  }",
    "}",
  ];
  const code = [`const ${y} = ${ctx.alloc(value)};`, `${fn}(${y}, ${x}, ${packed}, ${n});`];
  return ctx.plan.value(node.operands[1]!).stage === "load" ? { setup: packing, code, reads: node.operands.slice(0, 1) } : { code: [...packing, ...code] };
};
