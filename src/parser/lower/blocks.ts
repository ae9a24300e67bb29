// Blocks: the checks made once per declaration (parameters, where return may stand), and instantiation — binding
// the call's arguments to the parameters, lowering the body under the instance's prefix (`r.a`, `r.a.kernel`),
// refusing recursion (MC2022), and noting "in block … instantiated here" on every error from inside.

import { type Diagnostic, type Span, error } from "../../diagnostics.js";
import type { Value } from "../../ir/builder.js";
import type { BlockChildren, BodyChildren, Cst } from "../cst.js";
import { type ParamSpec, readArgs } from "./arguments.js";
import type { BlockCall, Lowerer } from "./context.js";
import { evaluate } from "./evaluate.js";
import { Scope } from "./scope.js";
import { lowerBody } from "./statements.js";
import type { Val } from "./values.js";

/**
 * Checks what may stand where: no `return` in the model; in a block no `input` or `output`, exactly one `return`,
 * last; parameters named once. Reports MC2021 / MC2001; false when the body cannot be lowered.
 */
export function checkBody(body: Cst<BodyChildren>, kind: "model" | "block", lw: Lowerer): boolean {
  const problems: Diagnostic[] = [];
  const statements = body.children.statement ?? [];
  const name = body.children.name![0]!.image;
  statements.forEach((s, i) => {
    const { inputDecl, outputDecl, returnStmt } = s.children;
    const at = lw.at(s);
    if (kind === "model" && returnStmt) {
      problems.push(error("MC2021", "'return' ends a block; a model marks its results with 'output'", at));
    } else if (kind === "block" && (inputDecl || outputDecl)) {
      const what = inputDecl ? "'input' declares a model's input; a block takes its inputs as parameters" : "'output' marks a model's results; a block returns its results with 'return'";
      problems.push(error("MC2021", `${what}`, at));
    } else if (kind === "block" && returnStmt && i !== statements.length - 1) {
      problems.push(error("MC2021", "'return' must be the last statement of a block; the statements after it would never run", lw.at(statements[i + 1]!)));
    }
  });
  if (kind === "block" && !statements.some((s) => s.children.returnStmt)) {
    problems.push(error("MC2021", `block '${name}' has no 'return'; end it with 'return' and its result, as in 'return y'`, lw.at(body.children.name![0]!)));
  }
  if (kind === "block") {
    const seen = new Map<string, Span>();
    for (const p of (body as Cst<BlockChildren>).children.param ?? []) {
      const tok = p.children.name![0]!;
      const prior = seen.get(tok.image);
      if (prior) problems.push(error("MC2001", `parameter '${tok.image}' is named twice`, lw.at(tok), [{ message: "first named here", span: prior }]));
      else seen.set(tok.image, lw.at(tok));
    }
  }
  problems.forEach((d) => lw.report(d));
  return problems.length === 0;
}

/** Instantiates a block for one call; the values it returns, or undefined when a problem was reported. */
export function runBlock(lw: Lowerer, block: Cst<BlockChildren>, call: BlockCall): readonly Value[] | undefined {
  const name = block.children.name![0]!.image;
  if (lw.stack.includes(name)) {
    const chain = [...lw.stack.slice(lw.stack.indexOf(name)), name].join(" → ");
    lw.report(error("MC2022", `block '${name}' calls itself (${chain}); blocks cannot be recursive`, call.span));
    return undefined;
  }
  if (!lw.spend(call.span)) return undefined;
  // On the stack from here on: a parameter's default that calls this block again is recursion too.
  lw.stack.push(name);
  try {
    return lw.deeper(call.span, () => instantiate(lw, block, name, call));
  } finally {
    lw.stack.pop();
  }
}

function instantiate(lw: Lowerer, block: Cst<BlockChildren>, name: string, call: BlockCall): readonly Value[] | undefined {
  const params = block.children.param ?? [];
  const spec: Record<string, ParamSpec> = {};
  for (const p of params) {
    const key = p.children.name![0]!.image;
    spec[key] = p.children.expr ? { kind: "any" } : { kind: "any", required: "a parameter of the block", example: `${key}=…` };
  }
  const read = readArgs(name, spec, call.args, call.span, (d) => lw.report(d));
  if (!read) return undefined;
  const values = new Map<string, Val>();
  const defaults = new Scope((d) => lw.report(d));
  for (const p of params) {
    const key = p.children.name![0]!.image;
    const given = read[key] as { value: Val } | undefined;
    values.set(key, given ? given.value : evaluate(p.children.expr![0]!, defaults, lw, call.instance));
  }
  const scope = new Scope((d) => lw.report(d), `${call.instance}.`, values, { block: name, name: call.instance, call: call.span });
  const before = lw.b.diagnostics.length;
  const result = lowerBody(block.children.statement ?? [], scope, lw, call.target);
  const note = { message: `in block '${name}' (instance '${call.instance}') instantiated here`, span: call.span };
  for (let i = before; i < lw.b.diagnostics.length; i++) {
    const d = lw.b.diagnostics[i]!;
    lw.b.diagnostics[i] = { ...d, notes: [...d.notes, note] };
  }
  return lw.b.diagnostics.length > before ? undefined : result.returned;
}
