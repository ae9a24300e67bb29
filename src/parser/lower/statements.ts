// Statements, top to bottom in a scope: input, mask, output, return and `names = call(...)`. The model's body and
// every block instance are lowered here; what may stand where was checked beforehand (blocks.ts, checkBody).

import type { IToken } from "chevrotain";
import { error } from "../../diagnostics.js";
import type { Value } from "../../ir/builder.js";
import type { Dim } from "../../ir/types.js";
import type { AssignmentChildren, Cst, ExprChildren, InputDeclChildren, MaskDeclChildren, OutputDeclChildren, ReturnStmtChildren, StatementChildren } from "../cst.js";
import { arityFits, lowerCall, lowerRepeat } from "./calls.js";
import type { Lowerer, Target } from "./context.js";
import { evaluate, evaluateArgs } from "./evaluate.js";
import { isMaskFunction } from "./mask-functions.js";
import { REPORTED, READERS } from "./readers.js";
import type { Scope } from "./scope.js";
import { type Binding, describeVal } from "./values.js";

/** Dimensions beyond this would overflow the int32 shapes of the backends. */
const MAX_DIM = 2 ** 31 - 1;

function poison(name: string): Value {
  return { name, type: { dtype: "f32", shape: [] }, valid: false };
}

/** What a body gave: the outputs it declared (a model), or the values it returned (a block instance). */
export interface BodyResult {
  readonly outputs: number;
  readonly returned?: readonly Value[];
}

/** Lowers a body in `scope`; a block instance's return goes to `target`. */
export function lowerBody(statements: readonly Cst<StatementChildren>[], scope: Scope, lw: Lowerer, target?: Target): BodyResult {
  for (const s of statements) {
    const { inputDecl, maskDecl, assignment } = s.children;
    const names: IToken[] = [...(inputDecl?.[0]?.children.name ?? []), ...(maskDecl?.[0]?.children.name ?? []), ...(assignment?.[0]?.children.name ?? [])];
    for (const tok of names) scope.noteSite(tok.image, lw.at(tok));
  }
  let outputs = 0;
  for (const s of statements) {
    if (!lw.spend(lw.at(s))) break;
    const { inputDecl, maskDecl, outputDecl, returnStmt, assignment } = s.children;
    if (inputDecl) input(inputDecl[0]!, scope, lw);
    else if (maskDecl) mask(maskDecl[0]!, scope, lw);
    else if (assignment) assign(assignment[0]!, scope, lw);
    else if (outputDecl) outputs += output(outputDecl[0]!, scope, lw);
    else if (returnStmt && target) return { outputs, returned: returned(returnStmt[0]!, scope, lw, target) };
  }
  return { outputs };
}

function bindChecked(tok: IToken, scope: Scope, lw: Lowerer, make: () => Omit<Binding, "site">): void {
  const site = lw.at(tok);
  if (scope.canBind(tok.image, site)) scope.bind(tok.image, { ...make(), site });
}

function input(node: Cst<InputDeclChildren>, scope: Scope, lw: Lowerer): void {
  const nameTok = node.children.name![0]!;
  bindChecked(nameTok, scope, lw, () => {
    const dtype = node.children.dtype![0]!;
    let ok = true;
    if (dtype.image !== "f32") {
      lw.report(error("MC2020", `unknown element type '${dtype.image}'; mconv supports 'f32'`, lw.at(dtype)));
      ok = false;
    }
    const dims: Dim[] = [];
    for (const d of node.children.dim ?? []) {
      const symbol = d.children.Identifier?.[0];
      const num = d.children.NumberLiteral?.[0];
      const v = Number(num?.image);
      if (symbol) dims.push(symbol.image);
      else if (Number.isInteger(v) && v >= 1 && v <= MAX_DIM) dims.push(v);
      else {
        lw.report(error("MC2020", `a dimension must be a whole number ≥ 1 or a name such as N, got ${num?.image}`, lw.at(d)));
        ok = false;
      }
    }
    const supportExpr = node.children.support?.[0];
    const support = supportExpr && ok ? supportOf(supportExpr, dims, nameTok.image, scope, lw) : undefined;
    if (support === REPORTED) ok = false;
    const opts = { span: lw.at(node), ...(support && support !== REPORTED ? { support } : {}) };
    const value = ok ? lw.b.input(scope.irName(nameTok.image), dims, opts) : poison(nameTok.image);
    return { kind: "input", value };
  });
}

/** `within <mask>`: a mask known at compile time, of the input's own (known) shape; its data is the support. */
function supportOf(expr: Cst<ExprChildren>, dims: readonly Dim[], name: string, scope: Scope, lw: Lowerer): Float32Array | typeof REPORTED {
  const val = evaluate(expr, scope, lw, `${scope.irName(name)}.support`);
  const m = READERS.maskExpr(val, (d) => lw.report(d), "within");
  if (m === REPORTED) return REPORTED;
  const what = `the support after 'within' must be a mask of the input's shape [${dims.join(", ")}]`;
  if (m === undefined) {
    lw.report(error("MC2031", `${what}: a list, a mask's name or a call such as causal(3, type=A), got ${describeVal(val)}`, val.span));
    return REPORTED;
  }
  if (m.sized) {
    lw.report(error("MC2031", `${what}, but a causal mask with groups is sized by the conv it masks`, val.span));
    return REPORTED;
  }
  const shape = m.data.shape;
  if (shape.length !== dims.length || shape.some((d, i) => d !== dims[i])) {
    lw.report(error("MC2031", `${what}, got [${shape.join(", ")}]`, val.span));
    return REPORTED;
  }
  return m.data.data;
}

/** `mask m = <expr>`: a constant `m` when the mask is known now; a rule when its conv sizes it; or an alias. */
function mask(node: Cst<MaskDeclChildren>, scope: Scope, lw: Lowerer): void {
  const nameTok = node.children.name![0]!;
  bindChecked(nameTok, scope, lw, () => {
    const val = evaluate(node.children.expr![0]!, scope, lw, scope.irName(nameTok.image));
    const m = READERS.mask(val, (d) => lw.report(d), "mask");
    if (m === REPORTED || m === undefined) {
      if (m === undefined) lw.report(error("MC2017", `a mask is a list, a mask's name or a call such as causal(3, type=A), got ${describeVal(val)}`, val.span));
      return { kind: "mask", value: poison(nameTok.image) };
    }
    if (m.node) return { kind: m.expr ? "mask" : "input", value: m.node, mask: m.expr };
    const expr = m.expr!;
    if (expr.sized) return { kind: "mask", mask: expr };
    const value = lw.b.constant(expr.data.shape, expr.data.data, { name: scope.irName(nameTok.image), span: lw.at(node) });
    return { kind: "mask", value, mask: expr };
  });
}

function output(node: Cst<OutputDeclChildren>, scope: Scope, lw: Lowerer): number {
  const names = node.children.Identifier ?? [];
  for (const tok of names) {
    // Each name counts, so that `output a, a, a, …` stops after the first hundred errors.
    if (!lw.spend(lw.at(tok))) break;
    const v = READERS.tensor(scope.nameVal(tok, lw.at(tok)), (d) => lw.report(d), "output");
    if (v !== undefined && v !== REPORTED) lw.b.output(tok.image, v, { span: lw.at(tok) });
    else if (v === undefined) lw.report(error("MC2017", `'${tok.image}' is not a tensor; outputs are inputs, masks or layers`, lw.at(tok)));
  }
  return names.length;
}

/** `a, b = f(...)` or `a = repeat N f(...)`: binds every name to its result, or to a poisoned value. */
function assign(node: Cst<AssignmentChildren>, scope: Scope, lw: Lowerer): void {
  const names = node.children.name ?? [];
  const fnTok = node.children.op![0]!;
  const first = lw.at(names[0]!);
  const target: Target = { names: names.map((t) => scope.irName(t.image)), span: { ...first, end: lw.at(names[names.length - 1]!).end } };
  const free = names.map((tok) => scope.canBind(tok.image, lw.at(tok)));
  if (!free.every(Boolean)) {
    // The other names of the tuple stay quiet when used: their statement failed.
    names.forEach((tok, i) => free[i] && scope.bind(tok.image, { kind: "layer", value: poison(tok.image), site: lw.at(tok) }));
    return;
  }
  const statement = lw.at(node);
  const site = { statement, call: { ...lw.at(fnTok), end: statement.end } };
  const args = evaluateArgs(node.children.arguments?.[0], scope, lw, target.names[0]!);
  const countTok = node.children.count?.[0];
  const results = countTok
    ? lowerRepeat(countTok, fnTok, args, names.map((t) => t.image), target, site, scope, lw)
    : lowerCall(fnTok, args, target, target.names[0]!, site, lw);
  names.forEach((tok, i) => {
    const value = results?.[i] ?? poison(scope.irName(tok.image));
    scope.bind(tok.image, { kind: "layer", value, site: lw.at(tok), op: fnTok.image });
  });
}

/**
 * `return y, m`, `return f(...)` (a call's results named after the instance's bound names), or a mix of names
 * and calls of one result each: `return v, add(h, r)`.
 */
function returned(node: Cst<ReturnStmtChildren>, scope: Scope, lw: Lowerer, target: Target): readonly Value[] | undefined {
  const exprs = node.children.expr ?? [];
  const isCall = (e: Cst<ExprChildren>) => e.children.LParen !== undefined && !isMaskFunction(e.children.Identifier![0]!.image);
  if (exprs.length === 1 && isCall(exprs[0]!)) {
    const only = exprs[0]!.children;
    const at = lw.at(exprs[0]!);
    const args = evaluateArgs(only.arguments?.[0], scope, lw, target.names[0]!);
    return lowerCall(only.Identifier![0]!, args, target, scope.irName("return"), { statement: at, call: at }, lw);
  }
  if (!arityFits(scope.instance?.block ?? "the block", exprs.length, target, lw)) return undefined;
  const values: Value[] = [];
  for (const [i, e] of exprs.entries()) {
    const at = lw.at(e);
    const name = target.names[i]!;
    if (isCall(e)) {
      const args = evaluateArgs(e.children.arguments?.[0], scope, lw, name);
      const one = lowerCall(e.children.Identifier![0]!, args, { names: [name], span: at, nested: true }, `${scope.prefix}return.${i + 1}`, { statement: at, call: at }, lw);
      if (!one) return undefined;
      values.push(one[0]!);
      continue;
    }
    const val = evaluate(e, scope, lw, name);
    const v = READERS.tensor(val, (d) => lw.report(d), "return");
    if (v === undefined) lw.report(error("MC2017", "a block returns tensors: names or calls, as in 'return y' or 'return add(x, y)'", val.span));
    if (v === undefined || v === REPORTED) return undefined;
    values.push(v);
  }
  return values;
}
