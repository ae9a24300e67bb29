// The verifier: checks the invariants every graph must keep — unique names, operands defined before use, the op's
// arity, attributes its shape rule accepts and the recorded type equal to the inferred one. Run after every pass in
// tests and under --verify; a failure after a pass is a bug in that pass.

import { type Diagnostic, error } from "../diagnostics.js";
import type { Graph } from "./node.js";
import { acceptsOperandCount, isProblem } from "./ops/def.js";
import { isOpKind, opDef } from "./registry.js";
import { formatType, sameShape } from "./types.js";

/**
 * Graphs known to pass verifyGraph: those a GraphBuilder built from its own checked nodes, and what a rewrite or
 * dead-code removal made of them. They are frozen when marked (their nodes already are), so the knowledge stays
 * true: a caller cannot push or swap a node into a graph that codegen would then trust unchecked.
 */
const valid = new WeakSet<Graph>();

/** Records that `graph` passes verifyGraph, and freezes it: for the builder and the rewrite driver, which keep the invariants. */
export function markValid(graph: Graph): void {
  Object.freeze(graph.nodes);
  Object.freeze(graph.outputs);
  valid.add(Object.freeze(graph));
}

/** Whether `graph` is known to pass verifyGraph, without checking it again. */
export function isKnownValid(graph: Graph): boolean {
  return valid.has(graph);
}

/** The invariants `graph` breaks (none for a valid graph); the check runs in full whatever is known already. */
export function verifyGraph(graph: Graph): Diagnostic[] {
  const ds: Diagnostic[] = [];
  const types = new Map<string, import("./types.js").TensorType>();
  for (const node of graph.nodes) {
    const at = `%${node.name}`;
    if (!isOpKind(node.op)) {
      ds.push(error("MC3001", `${at}: unknown op '${String(node.op)}'`, node.span));
      continue;
    }
    if (types.has(node.name)) ds.push(error("MC3001", `${at} is defined twice`, node.span));
    const def = opDef(node.op);
    if (!acceptsOperandCount(def, node.operands.length)) {
      ds.push(error("MC3001", `${at}: ${node.op} takes ${def.operands.length} operands, has ${node.operands.length}`, node.span));
      continue;
    }
    const operandTypes = node.operands.map((o) => types.get(o));
    const missing = node.operands.filter((o, i) => operandTypes[i] === undefined);
    if (missing.length > 0) {
      ds.push(error("MC3001", `${at} uses ${missing.map((m) => `%${m}`).join(", ")} before it is defined`, node.span));
      continue;
    }
    const inferred = def.infer(operandTypes as never, node.attrs as never);
    if (isProblem(inferred)) {
      ds.push(error("MC3001", `${at}: ${inferred.message}`, node.span));
    } else if (inferred.dtype !== node.type.dtype || !sameShape(inferred.shape, node.type.shape)) {
      ds.push(error("MC3001", `${at} is typed ${formatType(node.type)} but ${node.op} gives ${formatType(inferred)}`, node.span));
    }
    types.set(node.name, node.type);
  }
  const names = new Set<string>();
  for (const out of graph.outputs) {
    if (names.has(out.name)) ds.push(error("MC3001", `output '${out.name}' is declared twice`, out.span));
    names.add(out.name);
    if (!types.has(out.value)) ds.push(error("MC3001", `output '${out.name}' names %${out.value}, which is not defined`, out.span));
  }
  return ds;
}
