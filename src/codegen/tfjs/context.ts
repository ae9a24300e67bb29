// What the tfjs emitters may ask of the generator, and the small spellings they share: operand identifiers, shapes
// with symbolic sizes, explicit padding as tfjs takes it, and identifiers derived from a value's own.

import type { Dim } from "../../ir/types.js";
import type { Emitted } from "../emitter.js";
import { jsIdentifier } from "../escape.js";
import { shapeExpr } from "../literals.js";
import type { Plan, PlannedValue } from "../lower.js";
import type { HelperName } from "../runtime.js";

export interface TfjsContext {
  readonly plan: Plan;
  readonly helpers: Set<HelperName>;
  /** The identifier of the Float32Array fed for an input or param. */
  fedId(v: PlannedValue): string;
  /** Lines load() runs after its tidy (awaiting kept tensors' data); their identifiers are visible to the calls. */
  readonly afterLoad: string[];
  /** Names of the load-time values those lines read: kept out of the tidy. */
  readonly keepAfterLoad: Set<string>;
}

/** The identifier of an operand's tensor. */
export function ref(ctx: TfjsContext, name: string): string {
  return ctx.plan.value(name).id;
}

/** `[s0, 4, 4, 3]` */
export function shape(ctx: TfjsContext, s: readonly Dim[]): string {
  return shapeExpr(s, ctx.plan.symbols);
}

/** `const v3 = <expr>;` */
export function define(value: PlannedValue, expr: string): Emitted {
  return { code: [`const ${value.id} = ${expr};`] };
}

/** An identifier belonging to a value: `v5kernel`. */
export function derived(value: PlannedValue, suffix: string): string {
  return jsIdentifier(`${value.id}${suffix}`);
}

/** Padding [top, bottom, left, right] in pixels as tfjs takes it: `"valid"` when there is none, else explicit NHWC. */
export function padArg(pads: readonly [number, number, number, number]): string {
  const [t, b, l, r] = pads;
  return t + b + l + r === 0 ? `"valid"` : `[[0, 0], [${t}, ${b}], [${l}, ${r}], [0, 0]]`;
}

/** Whether every named value is known at load time (params, constants and what is computed from them alone). */
export function allLoadTime(ctx: TfjsContext, names: readonly string[]): boolean {
  return names.every((o) => ctx.plan.value(o).stage === "load");
}
