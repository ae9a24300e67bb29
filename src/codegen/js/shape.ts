// Shape ops as plain copies: reshape (the same array under a new shape), concat and slice (runs along an axis),
// pad (fill, then copy runs into place), nearest-neighbour upsample (repeat pixels, then rows).

import type { Emitter } from "../emitter.js";
import { jsNumber } from "../literals.js";
import type { JsContext } from "./context.js";
import { product, sum } from "./expr.js";

/** Runs shorter than this are copied element by element; longer ones with set(subarray()), which allocates a view. */
const SHORT_RUN = 16;

/** `y[to ..] = x[from ..]` for `length` elements (expressions), as a loop or as set(subarray()). */
function copyRun(y: string, to: string, x: string, from: string, length: string): string {
  if (/^\d+$/.test(length) && Number(length) < SHORT_RUN) {
    if (length === "1") return `${y}[${to}] = ${x}[${from}];`;
    return `for (let k = 0; k < ${length}; k++) ${y}[${sum([to, "k"])}] = ${x}[${sum([from, "k"])}];`;
  }
  return `${y}.set(${x}.subarray(${from}, ${sum([from, length])}), ${to});`;
}

// Row-major order is unchanged: the same array under a new shape.
export const reshape: Emitter<"reshape", JsContext> = (node, value, ctx) => ({ code: [`const ${value.id} = ${ctx.ref(node.operands[0]!)};`] });

/** Each of the `outer` blocks before the axis holds every operand's run (its size from the axis on) in turn. */
export const concat: Emitter<"concat", JsContext> = (node, value, ctx) => {
  const axis = node.attrs.axis;
  const outer = ctx.size(value.shape.slice(0, axis));
  const parts = node.operands.map((o) => ({ id: ctx.ref(o), run: ctx.size(ctx.plan.value(o).shape.slice(axis)) }));
  const y = value.id;
  if (outer === "1") {
    const lines = parts.map((p, i) => `${y}.set(${p.id}, ${sum(parts.slice(0, i).map((q) => q.run))});`);
    return { code: [`const ${y} = ${ctx.alloc(value)};`, ...lines] };
  }
  return {
    code: [
      `const ${y} = ${ctx.alloc(value)};`,
      `for (let o = 0, at = 0; o < ${outer}; o++) {`,
      ...parts.flatMap((p) => [`  ${copyRun(y, "at", p.id, product(["o", p.run]), p.run)}`, `  at += ${p.run};`]),
      "}",
    ],
  };
};

/** `size` elements of the axis from `begin`, in each of the `outer` blocks before it. */
export const slice: Emitter<"slice", JsContext> = (node, value, ctx) => {
  const { axis, begin, size } = node.attrs;
  const x = ctx.plan.value(node.operands[0]!);
  const outer = ctx.size(value.shape.slice(0, axis));
  const n = ctx.dim(x.shape[axis]!);
  const inner = ctx.size(value.shape.slice(axis + 1));
  const y = value.id;
  // The copy of block `o` (an identifier, or 0 when there is one block).
  const copy = (o: string) => copyRun(y, product([o, size, inner]), x.id, product([sum([product([o, n]), begin]), inner]), product([size, inner]));
  return {
    code: [`const ${y} = ${ctx.alloc(value)};`, outer === "1" ? copy("0") : `for (let o = 0; o < ${outer}; o++) {`, ...(outer === "1" ? [] : [`  ${copy("o")}`, "}"])],
  };
};

/**
 * Fills with the pad value, then copies x in runs: loops over the axes up to the last padded one, each run the
 * (unpadded, contiguous) rest.
 */
export const pad: Emitter<"pad", JsContext> = (node, value, ctx) => {
  const x = ctx.plan.value(node.operands[0]!);
  const pads = node.attrs.pads;
  const y = value.id;
  const rank = x.shape.length;
  let last = rank - 1;
  while (last >= 0 && pads[2 * last] === 0 && pads[2 * last + 1] === 0) last--;
  if (last < 0) return { code: [`const ${y} = ${ctx.alloc(value)};`, `${y}.set(${x.id});`] };
  const run = ctx.size(x.shape.slice(last + 1));
  const loops: string[] = [];
  let src = "";
  let dst = "";
  for (let d = 0; d <= last; d++) {
    const i = `i${d}`;
    loops.push(`${"  ".repeat(d)}for (let ${i} = 0; ${i} < ${ctx.dim(x.shape[d]!)}; ${i}++) {`);
    src = d === 0 ? i : sum([product([src, ctx.dim(x.shape[d]!)]), i]);
    dst = d === 0 ? sum([i, pads[0]!]) : sum([product([dst, ctx.dim(value.shape[d]!)]), i, pads[2 * d]!]);
  }
  const depth = "  ".repeat(last + 1);
  return {
    code: [
      `const ${y} = ${ctx.alloc(value)};`,
      `${y}.fill(${jsNumber(node.attrs.value)});`,
      ...loops,
      `${depth}${copyRun(y, product([dst, run]), x.id, product([src, run]), run)}`,
      ...Array.from({ length: last + 1 }, (_, d) => `${"  ".repeat(last - d)}}`),
    ],
  };
};

/** Each input pixel repeated fw times along its row, then each output row repeated fh times. */
export const upsample: Emitter<"upsample", JsContext> = (node, value, ctx) => {
  const x = ctx.plan.value(node.operands[0]!);
  const [n, h, w, c] = x.shape.map((d) => ctx.dim(d)) as [string, string, string, string];
  const [fh, fw] = node.attrs.factors;
  const rowSize = product([ctx.dim(value.shape[2]!), c]);
  const y = value.id;
  return {
    code: [
      `const ${y} = ${ctx.alloc(value)};`,
      `for (let n = 0; n < ${n}; n++) {`,
      `  for (let iy = 0; iy < ${h}; iy++) {`,
      `    const row = ${product([sum([product(["n", ctx.dim(value.shape[1]!)]), product(["iy", fh])]), rowSize])};`,
      `    for (let ix = 0; ix < ${w}; ix++) {`,
      `      const from = ${product([`(n * ${h} + iy) * ${w} + ix`, c])};`,
      `      for (let f = 0, to = ${sum(["row", product(["ix", fw, c])])}; f < ${fw}; f++, to += ${c}) {`,
      `        for (let k = 0; k < ${c}; k++) ${y}[to + k] = ${x.id}[from + k];`,
      "      }",
      "    }",
      ...(fh > 1 ? [`    for (let r = 1; r < ${fh}; r++) ${y}.copyWithin(${sum(["row", product(["r", rowSize])])}, row, ${sum(["row", rowSize])});`] : []),
      "  }",
      "}",
    ],
  };
};
