// An op call's arguments: one positional input, then `name=value` pairs read against a table of argument kinds.
// Reports unknown (MC2014), repeated (MC2015), missing (MC2016) and ill-typed (MC2017) arguments. What the values
// mean is lower.ts's business.

import type { IToken } from "chevrotain";
import { type Diagnostic, type Source, type Span, error } from "../diagnostics.js";
import type { ArgumentChildren, AssignmentChildren, Cst, ValueChildren } from "./grammar.js";
import { joinSpans, nodeSpan, tokenSpan } from "./spans.js";
import { closest, didYouMean } from "./spelling.js";

export const ACTIVATIONS = ["none", "relu", "tanh", "sigmoid"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** What each kind of argument reads to. */
interface ArgKinds {
  /** A whole number ≥ 1: `filters=8`. */
  count: number;
  /** One size for both axes or [height, width]: `kernel=3`, `stride=[2, 1]`. */
  size2: readonly [number, number];
  padding: "valid" | "same";
  bool: boolean;
  activation: Activation;
  /** A name, resolved by the caller: `mask=m`. */
  name: IToken;
}
type ArgKind = keyof ArgKinds;

export interface ArgSpec {
  readonly kind: ArgKind;
  /** What the argument is, for the "missing" message; present only on required arguments. */
  readonly required?: string;
  /** How it is written, as in `filters=8`. */
  readonly example?: string;
}

/** A read argument: its value and where `name=value` is written. */
export interface Arg<T> {
  readonly value: T;
  readonly span: Span;
}

export type ReadArgs<S extends Record<string, ArgSpec>> = {
  readonly [A in keyof S]: S[A] extends { required: string } ? Arg<ArgKinds[S[A]["kind"]]> : Arg<ArgKinds[S[A]["kind"]]> | undefined;
};

export interface Call<S extends Record<string, ArgSpec>> {
  /** The positional argument: the name of the op's input. */
  readonly input: Arg<IToken>;
  readonly args: ReadArgs<S>;
}

export const conv2dArgs = {
  filters: { kind: "count", required: "the number of output channels", example: "filters=8" },
  kernel: { kind: "size2", required: "the kernel's height and width", example: "kernel=3" },
  stride: { kind: "size2" },
  dilation: { kind: "size2" },
  padding: { kind: "padding" },
  bias: { kind: "bool" },
  activation: { kind: "activation" },
  mask: { kind: "name" },
} as const satisfies Record<string, ArgSpec>;

/** Sizes beyond this are surely typos, and would overflow the int32 shapes of the backends. */
const MAX_SIZE = 2 ** 31 - 1;

const EXPECTATIONS: { readonly [K in ArgKind]: string } = {
  count: "a whole number ≥ 1",
  size2: "a whole number ≥ 1 or a pair [height, width] of them",
  padding: "'valid' or 'same'",
  bool: "true or false",
  activation: `one of ${ACTIVATIONS.join(", ")}`,
  name: "the name of a mask or an input",
};

const WORDS: { readonly [K in ArgKind]?: readonly string[] } = {
  padding: ["valid", "same"],
  bool: ["true", "false"],
  activation: ACTIVATIONS,
};

function count(tok: IToken | undefined): number | undefined {
  if (!tok) return undefined;
  const v = Number(tok.image);
  return Number.isInteger(v) && v >= 1 && v <= MAX_SIZE ? v : undefined;
}

function word<W extends string>(v: Cst<ValueChildren>, words: readonly W[]): W | undefined {
  const image = v.children.Identifier?.[0]?.image;
  return words.find((w) => w === image);
}

const READERS: { readonly [K in ArgKind]: (v: Cst<ValueChildren>) => ArgKinds[K] | undefined } = {
  count: (v) => count(v.children.NumberLiteral?.[0]),
  size2: (v) => {
    const one = count(v.children.NumberLiteral?.[0]);
    if (one !== undefined) return [one, one];
    const elements = v.children.list?.[0]?.children.element ?? [];
    const pair = elements.map((e) => count(e.children.NumberLiteral?.[0]));
    return pair.length === 2 && pair[0] !== undefined && pair[1] !== undefined ? [pair[0], pair[1]] : undefined;
  },
  padding: (v) => word(v, ["valid", "same"] as const),
  bool: (v) => {
    const w = word(v, ["true", "false"] as const);
    return w === undefined ? undefined : w === "true";
  },
  activation: (v) => word(v, ACTIVATIONS),
  name: (v) => v.children.Identifier?.[0],
};

/** `3`, `'same'`, `[3, 3, 3]`: a value as the user wrote it, short. */
function describeValue(source: Source, v: Cst<ValueChildren>): string {
  const s = nodeSpan(source, v);
  const text = source.text.slice(s.start, s.end).replace(/\s+/g, " ");
  const short = text.length > 32 ? `${text.slice(0, 31)}…` : text;
  return v.children.Identifier ? `'${short}'` : short;
}

/**
 * Reads `op(input, name=value, ...)` against `spec`. Every problem is reported; the call is returned only when
 * there were none.
 */
export function readCall<S extends Record<string, ArgSpec>>(
  node: Cst<AssignmentChildren>,
  op: string,
  spec: S,
  source: Source,
  report: (d: Diagnostic) => void,
): Call<S> | undefined {
  const problems: Diagnostic[] = [];
  const fail = (d: Diagnostic) => problems.push(d);
  const names = Object.keys(spec);
  const positional: Cst<ArgumentChildren>[] = [];
  const seen = new Map<string, Span>();
  const typos = new Set<string>();
  const args: Record<string, Arg<unknown>> = {};
  for (const arg of node.children.argument ?? []) {
    const nameTok = arg.children.name?.[0];
    const value = arg.children.value?.[0];
    if (!value) continue;
    if (!nameTok) {
      positional.push(arg);
      continue;
    }
    const key = nameTok.image;
    const where = nodeSpan(source, arg);
    const prior = seen.get(key);
    if (!Object.prototype.hasOwnProperty.call(spec, key)) {
      const typo = closest(key, names);
      if (typo !== undefined) typos.add(typo);
      const known =
        names.length === 0 ? `; ${op} takes no named arguments` : typo ? `; did you mean '${typo}'?` : `; ${op} takes ${names.join(", ")}`;
      fail(error("MC2014", `unknown argument '${key}' for ${op}${known}`, tokenSpan(source, nameTok)));
    } else if (prior) {
      fail(error("MC2015", `argument '${key}' is given twice`, where, [{ message: `'${key}' was first given here`, span: prior }]));
    } else {
      seen.set(key, where);
      const kind = spec[key]!.kind;
      const read = READERS[kind](value);
      if (read === undefined) {
        const options = WORDS[kind];
        const typo = options && value.children.Identifier ? didYouMean(value.children.Identifier[0]!.image, options) : "";
        fail(error("MC2017", `'${key}' must be ${EXPECTATIONS[kind]}, got ${describeValue(source, value)}${typo}`, nodeSpan(source, value)));
      } else {
        args[key] = { value: read, span: where };
      }
    }
  }
  const callSpan = joinSpans(tokenSpan(source, node.children.op![0]!), nodeSpan(source, node));
  // A misspelt argument already says "did you mean 'filters'?"; saying 'filters' is missing too would be noise.
  const missing = Object.entries(spec).filter(([key, s]) => s.required !== undefined && !seen.has(key) && !typos.has(key));
  if (missing.length === 1) {
    const [key, s] = missing[0]!;
    fail(error("MC2016", `${op} needs '${key}', ${s.required}, as in '${s.example}'`, callSpan));
  } else if (missing.length > 1) {
    const list = missing.map(([key, s]) => `'${key}' (${s.required})`);
    const example = `${op}(x, ${missing.map(([, s]) => s.example).join(", ")})`;
    fail(error("MC2016", `${op} needs ${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}, as in '${example}'`, callSpan));
  }
  const first = positional[0];
  const inputTok = first?.children.value?.[0]?.children.Identifier?.[0];
  if (!first) {
    fail(error("MC2016", `${op} needs an input, as in '${op}(x${names.length > 0 ? ", ..." : ""})'`, callSpan));
  } else if (!inputTok) {
    fail(error("MC2017", `the input of ${op} must be a name, got ${describeValue(source, first.children.value![0]!)}`, nodeSpan(source, first)));
  }
  for (const extra of positional.slice(1)) {
    const hint = names.length > 0 ? "; name the other arguments, as in 'filters=8'" : "";
    fail(error("MC2014", `${op} takes one input${hint}`, nodeSpan(source, extra)));
  }
  problems.sort((a, b) => a.span!.start - b.span!.start).forEach(report);
  if (problems.length > 0 || !first || !inputTok) return undefined;
  return { input: { value: inputTok, span: nodeSpan(source, first) }, args: args as ReadArgs<S> };
}
