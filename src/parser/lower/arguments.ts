// A call's arguments read against a signature: parameters in order, each given by position or as `name=value`.
// Reports unknown (MC2014), repeated (MC2015), missing (MC2016) and ill-typed (MC2017) arguments. What the values
// mean is the op's business; the readers of each kind are in readers.ts.

import { type Diagnostic, type Span, error } from "../../diagnostics.js";
import { closest, didYouMean } from "../spelling.js";
import type { Arg } from "./context.js";
import { type ArgKind, type ArgKinds, EXPECTATIONS, READERS, REPORTED, WORDS } from "./readers.js";
import { describeVal } from "./values.js";

export interface ParamSpec {
  readonly kind: ArgKind;
  /** What the parameter is, for the "missing" message; present only on required parameters. */
  readonly required?: string;
  /** How it is written, as in `filters=8` or `relu(x)`. */
  readonly example?: string;
  /** What a tensor parameter is called in messages ("the input of conv2d"); the key by default. */
  readonly role?: string;
}

/** Parameters in positional order. */
export type Signature = Readonly<Record<string, ParamSpec>>;

/** A read argument: its value and where it is written. */
export interface Read<T> {
  readonly value: T;
  readonly span: Span;
}

export type ReadArgs<S extends Signature> = {
  readonly [A in keyof S]: S[A] extends { required: string } ? Read<ArgKinds[S[A]["kind"]]> : Read<ArgKinds[S[A]["kind"]]> | undefined;
};

/** Kinds that are tensors: missing ones get their own message, and they are not listed as "takes …" options. */
const TENSOR_KINDS: ReadonlySet<ArgKind> = new Set(["tensor", "tensors", "operand"]);

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Matches arguments to parameters: positional ones in order (a `tensors` parameter takes the rest), then names. */
function assign(op: string, spec: Signature, args: readonly Arg[], fail: (d: Diagnostic) => void) {
  const keys = Object.keys(spec);
  const given = new Map<string, Arg[]>();
  const seen = new Map<string, Span>();
  const typos = new Set<string>();
  const named = keys.filter((k) => !TENSOR_KINDS.has(spec[k]!.kind));
  let position = 0;
  let sawName = false;
  let misplaced = false;
  for (const arg of args) {
    if (arg.name === undefined) {
      if (sawName) {
        fail(error("MC2014", `a positional argument cannot follow named ones; name it, as in '${named[0] ?? "name"}=…'`, arg.span));
        misplaced = true;
        continue;
      }
      const key = keys[position];
      if (key === undefined) {
        fail(error("MC2014", `${op} takes ${plural(keys.length, "argument")} (${keys.join(", ")}); this is one more`, arg.span));
        continue;
      }
      given.set(key, [...(given.get(key) ?? []), arg]);
      if (spec[key]!.kind !== "tensors") position++;
      if (!seen.has(key)) seen.set(key, arg.span);
      continue;
    }
    sawName = true;
    const key = arg.name.image;
    const prior = seen.get(key);
    if (!Object.prototype.hasOwnProperty.call(spec, key)) {
      const typo = closest(key, keys);
      if (typo !== undefined) typos.add(typo);
      const known =
        named.length === 0 ? `; ${op} takes no named arguments` : typo ? `; did you mean '${typo}'?` : `; ${op} takes ${named.join(", ")}`;
      fail(error("MC2014", `unknown argument '${key}' for ${op}${known}`, nameSpan(arg)));
    } else if (prior) {
      fail(error("MC2015", `argument '${key}' is given twice`, arg.span, [{ message: `'${key}' was first given here`, span: prior }]));
    } else {
      seen.set(key, arg.span);
      given.set(key, [arg]);
    }
  }
  return { given, seen, typos, misplaced };
}

function nameSpan(arg: Arg): Span {
  const tok = arg.name!;
  return { source: arg.span.source, start: tok.startOffset, end: (tok.endOffset ?? tok.startOffset) + 1 };
}

/**
 * Reads a call's arguments against `spec`. Every problem is reported; the arguments are returned only when there
 * were none. `callSpan` is where missing arguments are reported.
 */
export function readArgs<S extends Signature>(
  op: string,
  spec: S,
  args: readonly Arg[],
  callSpan: Span,
  report: (d: Diagnostic) => void,
): ReadArgs<S> | undefined {
  const problems: Diagnostic[] = [];
  const fail = (d: Diagnostic) => problems.push(d);
  let quiet = false;
  const { given, seen, typos, misplaced } = assign(op, spec, args, fail);
  const out: Record<string, Read<unknown>> = {};
  for (const [key, list] of given) {
    const kind = spec[key]!.kind;
    const values: unknown[] = [];
    for (const arg of list) {
      const read = READERS[kind](arg.val, report, key);
      if (read === REPORTED) quiet = true;
      else if (read === undefined) fail(mistyped(op, key, spec[key]!, arg));
      else values.push(read);
    }
    const last = list[list.length - 1]!;
    const span = list.length > 1 ? { ...list[0]!.span, end: last.span.end } : last.span;
    out[key] = { value: kind === "tensors" ? values.flat() : values[0], span };
  }
  // A misplaced positional argument was probably meant for a missing parameter: saying it is missing is noise.
  const missing = misplaced ? [] : Object.entries(spec).filter(([key, s]) => s.required !== undefined && !seen.has(key) && !typos.has(key));
  for (const [, s] of missing.filter(([, s]) => TENSOR_KINDS.has(s.kind))) {
    const example = s.example ?? `${op}(x${Object.keys(spec).length > 1 ? ", ..." : ""})`;
    fail(error("MC2016", `${op} needs ${s.required}, as in '${example}'`, callSpan));
  }
  const rest = missing.filter(([, s]) => !TENSOR_KINDS.has(s.kind));
  if (rest.length === 1) {
    const [key, s] = rest[0]!;
    fail(error("MC2016", `${op} needs '${key}', ${s.required}, as in '${s.example ?? `${key}=…`}'`, callSpan));
  } else if (rest.length > 1) {
    const list = rest.map(([key, s]) => `'${key}' (${s.required})`);
    const first = TENSOR_KINDS.has(Object.values(spec)[0]!.kind) ? ["x"] : [];
    const named = rest.map(([key, s]) => (s.example?.startsWith(`${key}=`) ? s.example : `${key}=…`));
    const example = `${op}(${[...first, ...named].join(", ")})`;
    fail(error("MC2016", `${op} needs ${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}, as in '${example}'`, callSpan));
  }
  problems.sort((a, b) => a.span!.start - b.span!.start).forEach(report);
  return problems.length > 0 || quiet ? undefined : (out as ReadArgs<S>);
}

function mistyped(op: string, key: string, spec: ParamSpec, arg: Arg): Diagnostic {
  const v = arg.val;
  const kind = spec.kind;
  if (TENSOR_KINDS.has(kind)) {
    const what = kind === "operand" ? "a name or a number" : "a name";
    return error("MC2017", `the ${spec.role ?? key} of ${op} must be ${what}, got ${describeVal(v)}`, arg.at);
  }
  const options = WORDS[kind];
  const typo = options && v.kind === "name" ? didYouMean(v.name, options) : "";
  return error("MC2017", `'${key}' must be ${EXPECTATIONS[kind]}, got ${describeVal(v)}${typo}`, arg.at);
}
