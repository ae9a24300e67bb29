// Ops on values one element (or one channel) at a time: add, sub, mul, div (a number operand becomes a constant),
// the activations, clamp, batch_norm, dropout (the identity at inference) and apply_mask (activations times a mask).

import { error } from "../../diagnostics.js";
import type { Value } from "../../ir/builder.js";
import { broadcastShapes } from "../../ir/ops/elementwise.js";
import { type Dim, formatShape, sameShape } from "../../ir/types.js";
import { named } from "./context.js";
import { type OpLowering, activate, axisOf, defineOp, poisoned, scalar, spanText } from "./layer.js";

const INPUT = { kind: "tensor", required: "an input", role: "input" } as const;

function arithmetic(op: "add" | "sub" | "mul" | "div") {
  const operand = { kind: "operand", required: "two operands", example: `${op}(a, b)` } as const;
  return defineOp({
    signature: { a: { ...operand, role: "first operand" }, b: { ...operand, role: "second operand" } },
    lower: (call, args) => {
      const [a, b] = [args.a.value, args.b.value];
      if (typeof a === "number" && typeof b === "number") {
        call.lw.report(error("MC2017", `${op} needs a tensor operand; both are numbers`, call.span));
        return poisoned(call);
      }
      const lhs = typeof a === "number" ? scalar(call, a, (b as Value).type.shape.length, "lhs") : a;
      const rhs = typeof b === "number" ? scalar(call, b, (a as Value).type.shape.length, "rhs") : b;
      return [call.lw.b.add(op, [lhs, rhs], {}, named(call))];
    },
  });
}

function unary(op: "relu" | "tanh" | "sigmoid" | "gelu") {
  return defineOp({ signature: { input: INPUT }, lower: (call, a) => [activate(call, a.input.value, op)] });
}

function withAlpha(op: "leaky_relu" | "elu", alpha: number) {
  return defineOp({
    signature: { input: INPUT, alpha: { kind: "number" } },
    lower: (call, a) => [call.lw.b.add(op, [a.input.value], { alpha: a.alpha?.value ?? alpha }, named(call))],
  });
}

function softmaxLike(op: "softmax" | "log_softmax") {
  return defineOp({
    signature: { input: INPUT, axis: { kind: "int" } },
    lower: (call, a) => {
      const axis = axisOf(call, a.axis, a.input.value);
      return axis === undefined ? poisoned(call) : [call.lw.b.add(op, [a.input.value], { axis }, named(call))];
    },
  });
}

const clamp = defineOp({
  signature: {
    input: INPUT,
    min: { kind: "number", required: "the lowest value", example: "min=0" },
    max: { kind: "number", required: "the highest value", example: "max=1" },
  },
  lower: (call, a) => [call.lw.b.add("clamp", [a.input.value], { min: a.min.value, max: a.max.value }, named(call))],
});

/** Inference batch normalization over the channels, with Keras' parameter names. */
const batch_norm = defineOp({
  signature: { input: INPUT, epsilon: { kind: "number" } },
  lower: (call, a) => {
    const x = a.input.value;
    const c = x.type.shape[x.type.shape.length - 1];
    if (typeof c !== "number") {
      call.lw.report(error("MC2010", `batch_norm needs the input's channels (its last axis) to be known, but '${spanText(a.input.span)}' is ${formatShape(x.type.shape)}`, a.input.span));
      return poisoned(call);
    }
    const stats = ["gamma", "beta", "moving_mean", "moving_variance"].map((p) => call.lw.b.param(`${call.names[0]}.${p}`, [c], { span: call.span }));
    return [call.lw.b.add("batch_norm", [x, ...stats], { epsilon: a.epsilon?.value ?? 0.001 }, named(call))];
  },
});

/** Dropout is the identity at inference: the name is bound to the input, no node is made. */
const dropout = defineOp({
  signature: { input: INPUT, rate: { kind: "number", required: "the fraction dropped in training, from 0 to 1", example: "rate=0.5" } },
  lower: (call, a) => {
    if (!(a.rate.value >= 0 && a.rate.value < 1)) {
      call.lw.report(error("MC2017", `'rate' must be at least 0 and below 1, got ${a.rate.value}`, a.rate.span));
      return poisoned(call);
    }
    return [a.input.value];
  },
});

/** How a mask broadcasts onto NHWC activations: [c] → [1,1,1,c], [h,w] → [1,h,w,1], [h,w,c] → [1,h,w,c]. */
function activationMaskShape(mask: readonly Dim[]): Dim[] {
  if (mask.length === 1) return [1, 1, 1, mask[0]!];
  if (mask.length === 2) return [1, mask[0]!, mask[1]!, 1];
  if (mask.length === 3) return [1, ...mask];
  return [...mask];
}

/** RealNVP-style masks on activations: x ⊙ m, with m broadcast as activationMaskShape says. */
const apply_mask = defineOp({
  signature: { input: INPUT, mask: { kind: "mask", required: "a mask", role: "mask", example: "apply_mask(x, checkerboard([8, 8]))" } },
  lower: (call, a) => {
    const x = a.input.value;
    const { node, expr } = a.mask.value;
    const data = expr && !expr.sized ? expr.data : undefined;
    if (!node && !data) {
      const message = "a causal mask with groups is sized by the conv it masks; apply_mask needs a mask of known shape";
      call.lw.report(error("MC2029", message, a.mask.span));
      return poisoned(call);
    }
    const shape = node ? node.type.shape : data!.shape;
    const target = activationMaskShape(shape);
    const out = broadcastShapes(x.type.shape, target);
    if (x.type.shape.length !== 4 || !Array.isArray(out) || !sameShape(out, x.type.shape)) {
      const as = shape.length < 4 ? ` (as ${formatShape(target)})` : "";
      const message =
        `mask ${formatShape(shape)}${as} does not fit the activations ${formatShape(x.type.shape)} [batch, height, width, channels]; ` +
        `a mask is [channels], [height, width] or [height, width, channels]`;
      call.lw.report(error("MC2007", message, a.mask.span));
      return poisoned(call);
    }
    const b = call.lw.b;
    const opts = named(call, "mask", a.mask.span);
    const mask = node ? (shape.length === 4 ? node : b.reshape(node, target, opts)) : b.constant(target, data!.data, opts);
    return [b.mul(x, mask, named(call))];
  },
});

export const ELEMENTWISE: Readonly<Record<string, OpLowering>> = {
  add: arithmetic("add"),
  sub: arithmetic("sub"),
  mul: arithmetic("mul"),
  div: arithmetic("div"),
  relu: unary("relu"),
  tanh: unary("tanh"),
  sigmoid: unary("sigmoid"),
  gelu: unary("gelu"),
  leaky_relu: withAlpha("leaky_relu", 0.3),
  elu: withAlpha("elu", 1),
  softmax: softmaxLike("softmax"),
  log_softmax: softmaxLike("log_softmax"),
  clamp,
  batch_norm,
  dropout,
  apply_mask,
};
