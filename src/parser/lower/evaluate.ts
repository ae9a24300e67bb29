// Expressions → values, in a scope: numbers, strings, lists, names (a block's parameter stands for its value), and
// calls: a mask function gives a mask; an op or block call nested in an argument is lowered on the spot, named
// after the result it feeds (`y.relu`, its parameters `y.conv2d.kernel`).

import { type Span, error } from "../../diagnostics.js";
import type { ArgumentsChildren, Cst, ExprChildren } from "../cst.js";
import { didYouMean } from "../spelling.js";
import { lowerCall } from "./calls.js";
import type { Arg, Lowerer } from "./context.js";
import { MASK_FUNCTIONS, callMaskFunction, isMaskFunction } from "./mask-functions.js";
import { OP_NAMES, opLowering } from "./ops.js";
import { REPORTED } from "./readers.js";
import type { Scope } from "./scope.js";
import type { Val } from "./values.js";

/** The arguments of a call, each evaluated; `parent` is the IR name of the call's (first) result. */
export function evaluateArgs(args: Cst<ArgumentsChildren> | undefined, scope: Scope, lw: Lowerer, parent: string): Arg[] {
  return (args?.children.argument ?? []).map((arg) => {
    const expr = arg.children.expr![0]!;
    return { name: arg.children.name?.[0], val: evaluate(expr, scope, lw, parent), span: lw.at(arg), at: lw.at(expr) };
  });
}

/** Evaluates an expression; calls nested in it are named after `parent`. */
export function evaluate(expr: Cst<ExprChildren>, scope: Scope, lw: Lowerer, parent: string): Val {
  const c = expr.children;
  const span = lw.at(expr);
  const num = c.NumberLiteral?.[0];
  if (num) return { kind: "number", value: Number(num.image), span };
  const str = c.StringLiteral?.[0];
  if (str) return { kind: "string", value: str.image.slice(1, -1), span };
  if (!c.list && !c.LParen) return scope.nameVal(c.Identifier![0]!, span);
  // Lists and calls recurse, here and through the blocks they call: the depth is limited.
  return lw.deeper(span, () => evaluateNested(c, span, scope, lw, parent)) ?? { kind: "failed", span };
}

function evaluateNested(c: ExprChildren, span: Span, scope: Scope, lw: Lowerer, parent: string): Val {
  const list = c.list?.[0];
  if (list) return { kind: "list", items: (list.children.expr ?? []).map((e) => evaluate(e, scope, lw, parent)), span };
  const tok = c.Identifier![0]!;
  const fn = tok.image;
  if (isMaskFunction(fn)) {
    const mask = callMaskFunction(fn, evaluateArgs(c.arguments?.[0], scope, lw, parent), span, lw);
    return mask === REPORTED ? { kind: "failed", span } : { kind: "mask", mask, span };
  }
  if (opLowering(fn) || lw.blocks.has(fn)) {
    const name = lw.nestedName(`${parent}.${fn}`);
    const args = evaluateArgs(c.arguments?.[0], scope, lw, name);
    const values = lowerCall(tok, args, { names: [name], span, nested: true }, name, { statement: span, call: span }, lw);
    return values ? { kind: "tensor", value: values[0]!, span, op: fn } : { kind: "failed", span };
  }
  const hint = didYouMean(fn, [...MASK_FUNCTIONS, ...OP_NAMES, ...lw.blocks.keys()]);
  const blocks = lw.blocks.size > 0 ? `, blocks ${[...lw.blocks.keys()].join(", ")}` : "";
  lw.report(error("MC2018", `unknown function '${fn}'${hint || `; calls name ops, mask functions (${MASK_FUNCTIONS.join(", ")})${blocks}`}`, lw.at(tok)));
  return { kind: "failed", span };
}
