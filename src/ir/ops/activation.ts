// Activations with parameters or a reduction: leaky_relu, elu, gelu (exact, with erf), softmax and log_softmax
// over one axis (computed stably, shifting by the maximum).

import { formatShape, tensorType } from "../types.js";
import { type OpDef, type Tensor64, normalizeAxis, problem, stridesOf } from "./def.js";
import { unary } from "./elementwise.js";

/**
 * The error function, to about 1.2e-7 relative (the Chebyshev fit of erfc in Numerical Recipes, §6.2); enough for
 * an oracle checked at 1e-5. The generated modules carry the same formula.
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

export const leaky_relu: OpDef<"leaky_relu"> = unary({ alpha: "float" }, (v, a) => (v > 0 ? v : a.alpha * v));
export const elu: OpDef<"elu"> = unary({ alpha: "float" }, (v, a) => (v > 0 ? v : a.alpha * Math.expm1(v)));
export const gelu: OpDef<"gelu"> = unary({}, (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)));

/** Runs `f` over every line of `x` along `axis` (its values at positions base + k · step). */
function forEachLine(x: Tensor64, axis: number, f: (base: number, step: number, n: number) => void): void {
  const n = x.shape[axis]!;
  const step = stridesOf(x.shape)[axis]!;
  const outer = x.data.length / (n * step || 1);
  for (let o = 0; o < outer; o++) for (let i = 0; i < step; i++) f(o * n * step + i, step, n);
}

function softmaxLike(log: boolean): OpDef<"softmax" | "log_softmax"> {
  return {
    operands: ["input"],
    attrs: { axis: "int" },
    /** f32[N,28,28,256] over axis 3 → f32[N,28,28,256]; the axis is given non-negative. */
    infer: ([x], a) =>
      normalizeAxis(a.axis, x!.shape.length) === a.axis
        ? tensorType(x!.shape)
        : problem("MC2017", `axis ${a.axis} is not an axis of ${formatShape(x!.shape)} (0 to ${x!.shape.length - 1})`),
    reference: ([x], a) => {
      const data = new Float64Array(x!.data.length);
      forEachLine(x!, a.axis, (base, step, n) => {
        let max = -Infinity;
        for (let k = 0; k < n; k++) max = Math.max(max, x!.data[base + k * step]!);
        let sum = 0;
        for (let k = 0; k < n; k++) sum += Math.exp(x!.data[base + k * step]! - max);
        for (let k = 0; k < n; k++) {
          const v = x!.data[base + k * step]! - max;
          data[base + k * step] = log ? v - Math.log(sum) : Math.exp(v) / sum;
        }
      });
      return { shape: x!.shape, data };
    },
  };
}

export const softmax: OpDef<"softmax"> = softmaxLike(false);
export const log_softmax: OpDef<"log_softmax"> = softmaxLike(true);
