// Lowering: the parse tree of an error-free parse → GraphBuilder calls. Collects the blocks, checks each body's
// shape, then lowers the model's statements top to bottom (lower/statements.ts), instantiating blocks as they
// are called. Checks what the builder cannot know (names, argument kinds, layouts); shape rules stay the
// builder's, which reports them at the span given. Not for syntax (syntax.ts).

import { type Result, type Source, error } from "../diagnostics.js";
import type { Graph } from "../ir/node.js";
import type { BlockChildren, Cst, FileChildren } from "./cst.js";
import { checkBody, runBlock } from "./lower/blocks.js";
import { Lowerer, type ParseOptions } from "./lower/context.js";
import { MASK_FUNCTIONS } from "./lower/mask-functions.js";
import { OP_NAMES } from "./lower/ops.js";
import { Scope } from "./lower/scope.js";
import { lowerBody } from "./lower/statements.js";

export type { ParseOptions } from "./lower/context.js";

/** Lowers a parse tree with no syntax errors (one model) into a graph, or reports the semantic errors (MC2xxx). */
export function lowerFile(cst: Cst<FileChildren>, source: Source, options: ParseOptions = {}): Result<Graph> {
  const model = cst.children.model![0]!;
  const modelName = model.children.name![0]!;
  const blocks = new Map<string, Cst<BlockChildren>>();
  const lw = new Lowerer(source, modelName.image, blocks, options);
  lw.runBlock = (block, call) => (broken.has(block) ? undefined : runBlock(lw, block, call));
  const broken = new Set<Cst<BlockChildren>>();
  for (const block of cst.children.block ?? []) {
    const tok = block.children.name![0]!;
    const prior = blocks.get(tok.image);
    if (prior) {
      lw.report(error("MC2001", `block '${tok.image}' is declared twice`, lw.at(tok), [{ message: "first declared here", span: lw.at(prior.children.name![0]!) }]));
    } else if (OP_NAMES.includes(tok.image) || MASK_FUNCTIONS.includes(tok.image)) {
      lw.report(error("MC2001", `block '${tok.image}' has the name of a built-in ${OP_NAMES.includes(tok.image) ? "op" : "mask function"}; pick another`, lw.at(tok)));
    } else {
      blocks.set(tok.image, block);
    }
    if (!checkBody(block, "block", lw)) broken.add(block);
  }
  const scope = new Scope((d) => lw.report(d));
  checkBody(model, "model", lw);
  const { outputs } = lowerBody(model.children.statement ?? [], scope, lw);
  if (outputs === 0 && lw.b.diagnostics.length === 0) {
    lw.report(error("MC2013", `model '${modelName.image}' has no output; add an 'output' line, as in 'output y'`, lw.at(modelName)));
  }
  return lw.b.build();
}
