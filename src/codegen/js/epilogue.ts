// The activations a fused conv applies as it stores its results, as expressions of a local double `v`. The same
// expressions serve the standalone elementwise ops, so a fused and an unfused model compute alike.

import { jsNumber } from "../literals.js";

/** An activation applied in a kernel's epilogue. `relu6` is clamp(v, 0, 6). */
export type FusedActivation =
  | { readonly kind: "linear" | "relu" | "relu6" | "sigmoid" | "tanh" }
  | { readonly kind: "elu" | "leaky_relu"; readonly alpha: number };

/** The activation of `v` (an identifier) as an expression; `v` itself for linear. */
export function activationExpr(a: FusedActivation, v: string): string {
  switch (a.kind) {
    case "linear":
      return v;
    case "relu":
      return `${v} > 0 ? ${v} : 0`;
    case "relu6":
      return `Math.min(Math.max(${v}, 0), 6)`;
    case "sigmoid":
      return `1 / (1 + Math.exp(-${v}))`;
    case "tanh":
      return `Math.tanh(${v})`;
    case "leaky_relu":
      return `${v} > 0 ? ${v} : ${jsNumber(a.alpha)} * ${v}`;
    case "elu":
      return `${v} > 0 ? ${v} : ${jsNumber(a.alpha)} * Math.expm1(${v})`;
  }
}
