// Ops that move values around: concat, split (several results), slice, pad and crop on height and width,
// max_pool and avg_pool, upsample, reshape (with a symbolic batch and one -1) and flatten.

import { type Span, error } from "../../diagnostics.js";
import type { Value } from "../../ir/builder.js";
import { type Dim, formatShape } from "../../ir/types.js";
import { type OpCall, named } from "./context.js";
import { type OpLowering, axisOf, defineOp, poisoned, spanText } from "./layer.js";

const INPUT = { kind: "tensor", required: "an input", role: "input" } as const;

function nhwcRank(call: OpCall, x: Value, at: { span: Span }): boolean {
  if (x.type.shape.length === 4) return true;
  const message = `${call.op} expects an NHWC input [batch, height, width, channels] (rank 4), but '${spanText(at.span)}' is ${formatShape(x.type.shape)}`;
  call.lw.report(error("MC2004", message, at.span));
  return false;
}

const concat = defineOp({
  signature: { inputs: { kind: "tensors", required: "the tensors to join", role: "inputs", example: "concat(a, b, axis=-1)" }, axis: { kind: "int" } },
  lower: (call, a) => {
    const axis = axisOf(call, a.axis, a.inputs.value[0]!);
    return axis === undefined ? poisoned(call) : [call.lw.b.add("concat", a.inputs.value, { axis }, named(call))];
  },
});

/** `a, b = split(x, 2)`: equal slices along an axis, one result each, named after the bound names. */
const split = defineOp({
  signature: { input: INPUT, parts: { kind: "count", required: "how many equal parts", example: "split(x, 2)" }, axis: { kind: "int" } },
  results: (a) => a.parts.value,
  lower: (call, a) => {
    const x = a.input.value;
    const axis = axisOf(call, a.axis, x);
    if (axis === undefined) return poisoned(call);
    const n = x.type.shape[axis]!;
    const parts = a.parts.value;
    if (typeof n !== "number") {
      call.lw.report(error("MC2010", `split needs a known size on axis ${axis} of ${formatShape(x.type.shape)}`, a.input.span));
      return poisoned(call);
    }
    if (n % parts !== 0) {
      call.lw.report(error("MC2026", `split cannot cut axis ${axis} of size ${n} (in ${formatShape(x.type.shape)}) into ${parts} equal parts`, a.parts.span));
      return poisoned(call);
    }
    const size = n / parts;
    return call.names.map((name, i) => call.lw.b.add("slice", [x], { axis, begin: i * size, size }, { name, span: call.span }));
  },
});

const slice = defineOp({
  signature: {
    input: INPUT,
    begin: { kind: "index", required: "the first index kept", example: "begin=0" },
    size: { kind: "count", required: "how many are kept", example: "size=2" },
    axis: { kind: "int" },
  },
  lower: (call, a) => {
    const axis = axisOf(call, a.axis, a.input.value);
    if (axis === undefined) return poisoned(call);
    return [call.lw.b.add("slice", [a.input.value], { axis, begin: a.begin.value, size: a.size.value }, named(call))];
  },
});

const pad = defineOp({
  signature: {
    input: INPUT,
    pads: { kind: "pads", required: "[[top, bottom], [left, right]]", example: "pad(x, [[1, 1], [2, 2]])" },
    value: { kind: "number" },
  },
  lower: (call, a) => {
    if (!nhwcRank(call, a.input.value, a.input)) return poisoned(call);
    const [t, b, l, r] = a.pads.value;
    return [call.lw.b.add("pad", [a.input.value], { pads: [0, 0, t, b, l, r, 0, 0], value: a.value?.value ?? 0 }, named(call))];
  },
});

/** crop removes rows and columns with slices; a crop of nothing binds the input itself. */
const crop = defineOp({
  signature: { input: INPUT, crop: { kind: "pads", required: "[[top, bottom], [left, right]]", example: "crop(x, [[1, 1], [2, 2]])" } },
  lower: (call, a) => {
    let x = a.input.value;
    if (!nhwcRank(call, x, a.input)) return poisoned(call);
    const [t, b, l, r] = a.crop.value;
    const cuts = [[1, t, b], [2, l, r]].filter(([, before, after]) => before! + after! > 0);
    for (const [i, [axis, before, after]] of cuts.entries()) {
      const n = x.type.shape[axis!];
      const what = axis === 1 ? "rows" : "columns";
      if (typeof n !== "number" || before! + after! >= n) {
        const message = `crop removes ${before! + after!} ${what} from ${formatShape(x.type.shape)}, which leaves none (or its size is not known)`;
        call.lw.report(error("MC2017", message, a.crop.span));
        return poisoned(call);
      }
      x = call.lw.b.add("slice", [x], { axis: axis!, begin: before!, size: n - before! - after! }, named(call, i < cuts.length - 1 ? what : undefined));
    }
    return [x];
  },
});

function pool(op: "max_pool" | "avg_pool"): OpLowering {
  return defineOp({
    signature: { input: INPUT, size: { kind: "size2" }, stride: { kind: "size2" }, padding: { kind: "padding" } },
    lower: (call, a) => {
      if (!nhwcRank(call, a.input.value, a.input)) return poisoned(call);
      const window = a.size?.value ?? [2, 2];
      const attrs = { window, strides: a.stride?.value ?? window, padding: a.padding?.value ?? "valid" } as const;
      return [call.lw.b.add(op, [a.input.value], attrs, named(call))];
    },
  });
}

const upsample = defineOp({
  signature: { input: INPUT, factor: { kind: "size2" } },
  lower: (call, a) => [call.lw.b.add("upsample", [a.input.value], { factors: a.factor?.value ?? [2, 2] }, named(call))],
});

/** The known product and the sorted symbols of a shape. */
function sizeParts(shape: readonly Dim[]): { known: number; symbols: string } {
  const symbols = shape.filter((d): d is string => typeof d === "string").sort();
  return { known: shape.reduce<number>((p, d) => (typeof d === "number" ? p * d : p), 1), symbols: symbols.join(",") };
}

/** reshape(x, [N, 784]); one -1 takes what is left. */
const reshape = defineOp({
  signature: { input: INPUT, shape: { kind: "dims", required: "the new shape", example: "reshape(x, [N, 784])" } },
  lower: (call, a) => {
    const x = a.input.value;
    let dims = a.shape.value as readonly Dim[];
    const hole = a.shape.value.indexOf(-1);
    if (hole >= 0) {
      const from = sizeParts(x.type.shape);
      const to = sizeParts(a.shape.value.filter((d) => d !== -1));
      if (from.symbols !== to.symbols || from.known % to.known !== 0) {
        call.lw.report(error("MC2008", `reshape cannot fill the -1 in ${formatShape(a.shape.value)} from ${formatShape(x.type.shape)}`, a.shape.span));
        return poisoned(call);
      }
      dims = a.shape.value.map((d) => (d === -1 ? from.known / to.known : d));
    }
    return [call.lw.b.reshape(x, dims, named(call))];
  },
});

/** flatten(x): [batch, everything else]. */
const flatten = defineOp({
  signature: { input: INPUT },
  lower: (call, a) => {
    const [batch, ...rest] = a.input.value.type.shape;
    if (batch === undefined || !rest.every((d) => typeof d === "number")) {
      const message = `flatten needs every axis but the batch to be known, but '${spanText(a.input.span)}' is ${formatShape(a.input.value.type.shape)}`;
      call.lw.report(error("MC2010", message, a.input.span));
      return poisoned(call);
    }
    const size = (rest as number[]).reduce((p, d) => p * d, 1);
    return [call.lw.b.reshape(a.input.value, [batch, size], named(call))];
  },
});

export const SHAPE_OPS: Readonly<Record<string, OpLowering>> = {
  concat,
  split,
  slice,
  pad,
  crop,
  max_pool: pool("max_pool"),
  avg_pool: pool("avg_pool"),
  upsample,
  reshape,
  flatten,
};
