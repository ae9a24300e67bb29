// Calls: `op(...)` through the op table, `block(...)` through an instance, and `repeat N f(...)`, which chains
// instances named `res1` … `resN`, passing each one's results to the next one's first arguments. Result counts
// are checked against the names bound (MC2023).

import type { IToken } from "chevrotain";
import { type Span, error } from "../../diagnostics.js";
import type { Value } from "../../ir/builder.js";
import { didYouMean } from "../spelling.js";
import { readArgs } from "./arguments.js";
import type { Arg, Lowerer, Target } from "./context.js";
import { MASK_FUNCTIONS, isMaskFunction } from "./mask-functions.js";
import { OP_NAMES, opLowering } from "./ops.js";
import type { Scope } from "./scope.js";
import { describeVal } from "./values.js";

/** Repeat counts above this are surely mistakes (and expansion is limited anyway). */
export const MAX_REPEAT = 10_000;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Reports (MC2023) that a call gives another number of results than names are bound; false then. */
export function arityFits(what: string, results: number, target: Target, lw: Lowerer): boolean {
  const k = target.names.length;
  if (results === k) return true;
  if (target.nested) {
    lw.report(error("MC2023", `${what} gives ${plural(results, "result")}, but an argument takes one value; bind them to names first, as in 'a, b = ${what}(...)'`, target.span));
    return false;
  }
  const bound = `${plural(k, "name")} ${k === 1 ? "is" : "are"} bound`;
  const names = Array.from({ length: Math.min(results, 3) }, (_, i) => String.fromCharCode(97 + i)).join(", ");
  const hint = results > 1 ? `; bind one name per result, as in '${names}${results > 3 ? ", …" : ""} = ${what}(...)'` : "";
  lw.report(error("MC2023", `${what} gives ${plural(results, "result")}, but ${bound}${hint}`, target.span));
  return false;
}

/** Where a call is written: the whole statement (the span of its nodes) and the call from its name on. */
export interface CallSite {
  readonly statement: Span;
  readonly call: Span;
}

/**
 * Lowers one call with its results named by `target`; `instance` is the IR prefix of a block instance's names.
 * Undefined when a problem was reported.
 */
export function lowerCall(fnTok: IToken, args: readonly Arg[], target: Target, instance: string, site: CallSite, lw: Lowerer): readonly Value[] | undefined {
  const name = fnTok.image;
  const op = opLowering(name);
  if (op) {
    const read = readArgs(name, op.signature, args, site.call, (d) => lw.report(d));
    if (!read) return undefined;
    if (!arityFits(name, op.results?.(read) ?? 1, target, lw)) return undefined;
    const values = op.lower({ lw, op: name, names: target.names, span: site.statement }, read);
    return values.every((v) => v.valid) ? values : undefined;
  }
  const block = lw.blocks.get(name);
  if (block) return lw.runBlock(block, { args, target, instance, span: site.call });
  if (isMaskFunction(name)) {
    lw.report(error("MC2018", `'${name}' makes a mask, not a value; declare it with 'mask ${target.names[0]?.split(".").pop()} = ${name}(...)'`, lw.at(fnTok)));
    return undefined;
  }
  const blocks = [...lw.blocks.keys()];
  const hint = didYouMean(name, [...OP_NAMES, ...blocks, ...MASK_FUNCTIONS]);
  const known = `the ops are ${OP_NAMES.join(", ")}${blocks.length > 0 ? `; the blocks are ${blocks.join(", ")}` : ""}`;
  lw.report(error("MC2018", `unknown op or block '${name}'${hint || `; ${known}`}`, lw.at(fnTok)));
  return undefined;
}

/** The repeat count: a whole number 1 … MAX_REPEAT, written or given as a block's parameter (MC2024). */
function repeatCount(countTok: IToken, scope: Scope, lw: Lowerer): number | undefined {
  const at = lw.at(countTok);
  const v = countTok.tokenType.name === "NumberLiteral" ? Number(countTok.image) : scope.nameVal(countTok, at);
  const n = typeof v === "number" ? v : v.kind === "number" ? v.value : undefined;
  if (n !== undefined && Number.isInteger(n) && n >= 1 && n <= MAX_REPEAT) return n;
  if (typeof v !== "number" && v.kind === "failed") return undefined;
  const got = n !== undefined ? String(n) : typeof v === "number" ? String(v) : describeVal(v);
  lw.report(error("MC2024", `a repeat count must be a whole number from 1 to ${MAX_REPEAT}, got ${got}`, at));
  return undefined;
}

/**
 * `names = repeat N f(args)`: instances `name1` … `nameN`; instance k + 1 gets instance k's results as its first
 * positional arguments. Stops at the first instance that reports a problem. The last instance's results.
 */
export function lowerRepeat(
  countTok: IToken,
  fnTok: IToken,
  args: readonly Arg[],
  locals: readonly string[],
  target: Target,
  site: CallSite,
  scope: Scope,
  lw: Lowerer,
): readonly Value[] | undefined {
  const count = repeatCount(countTok, scope, lw);
  if (count === undefined) return undefined;
  const instances = Array.from({ length: count }, (_, k) => locals.map((n) => `${n}${k + 1}`));
  if (!scope.claim(instances.flat(), lw.at(countTok))) return undefined;
  const positions = args.flatMap((a, i) => (a.name === undefined ? [i] : []));
  let current = [...args];
  let results: readonly Value[] | undefined;
  for (const names of instances) {
    if (!lw.spend(site.call)) return undefined;
    const before = lw.b.diagnostics.length;
    const instanceTarget: Target = { names: names.map((n) => scope.irName(n)), span: target.span };
    results = lowerCall(fnTok, current, instanceTarget, instanceTarget.names[0]!, site, lw);
    if (!results || lw.b.diagnostics.length > before) return undefined;
    if (results.length > positions.length) {
      const message = `repeat passes each instance's ${plural(results.length, "result")} to the next one's first positional arguments, but the call has ${plural(positions.length, "positional argument")}`;
      lw.report(error("MC2023", message, site.call));
      return undefined;
    }
    const threaded = [...current];
    results.forEach((value, i) => {
      const arg = current[positions[i]!]!;
      threaded[positions[i]!] = { ...arg, val: { kind: "tensor", value, span: arg.val.span } };
    });
    current = threaded;
  }
  return results;
}
