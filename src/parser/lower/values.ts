// What expressions evaluate to while lowering: numbers, strings, lists, names (with what they are bound to),
// tensors, and masks known at compile time. Arguments are evaluated to these first, then read against an op's
// signature (arguments.ts). Not IR: only tensors become nodes.

import type { Diagnostic, Span } from "../../diagnostics.js";
import type { Value } from "../../ir/builder.js";
import type { MaskData } from "../../ir/masks.js";

/** The channels of the conv a mask is applied to: what sizes a channel-grouped causal mask. */
export interface ConvChannels {
  readonly inChannels: number;
  readonly outChannels: number;
  /** The conv's own groups (grouped or depthwise convolution). */
  readonly convGroups: number;
}

/**
 * A mask known at compile time: its data now, or (a channel-grouped causal mask) a rule that sizes it from the
 * conv it masks, evaluated at each use. `span` is the expression that made it.
 */
export type MaskExpr =
  | { readonly sized: false; readonly data: MaskData; readonly span: Span }
  | { readonly sized: true; readonly make: (conv: ConvChannels) => MaskData | Diagnostic; readonly span: Span };

/** What a user-visible name is bound to, and where. */
export interface Binding {
  readonly kind: "input" | "mask" | "layer";
  /** The IR value; absent for a mask sized by its conv. Invalid when its statement failed: uses stay quiet. */
  readonly value?: Value;
  /** For a `mask` declaration: the mask itself, for algebra and for sizing. */
  readonly mask?: MaskExpr;
  /** Where the name is bound. */
  readonly site: Span;
  /** For a layer: the op or block that computes it. */
  readonly op?: string;
}

/** An evaluated expression; `span` is where it is written. */
export type Val =
  | { readonly kind: "number"; readonly value: number; readonly span: Span }
  | { readonly kind: "string"; readonly value: string; readonly span: Span }
  | { readonly kind: "list"; readonly items: readonly Val[]; readonly span: Span }
  /**
   * A bare name: a tensor or mask when bound, else a word (`relu`, `same`, `A`). `unknown()` reports it as an
   * unknown name, for readers that need a binding.
   */
  | { readonly kind: "name"; readonly name: string; readonly span: Span; readonly binding?: Binding; readonly unknown: () => void }
  /** A value made by lowering: a call nested in an argument (`op` names it), or a repeat's result passed on. */
  | { readonly kind: "tensor"; readonly value: Value; readonly span: Span; readonly op?: string }
  | { readonly kind: "mask"; readonly mask: MaskExpr; readonly span: Span }
  /** An expression whose error is already reported. */
  | { readonly kind: "failed"; readonly span: Span };

/** `3`, `'same'`, `[3, 3, 3]`: a value as the user wrote it, short, for messages. */
export function describeVal(v: Val): string {
  const s = v.span;
  const text = s.source.text.slice(s.start, s.end).replace(/\s+/g, " ");
  const short = text.length > 32 ? `${text.slice(0, 31)}…` : text;
  return v.kind === "name" ? `'${short}'` : short;
}

/** Whether span `inner` lies within `outer`. */
export function within(inner: Span | undefined, outer: Span): boolean {
  return inner !== undefined && inner.source === outer.source && inner.start >= outer.start && inner.end <= outer.end;
}
