// What the exchange formats (tfjs GraphModel, ONNX) share: a frozen graph. Values known at load time (weights,
// constants and what is computed from them alone, such as a static mask folded into its kernel) are computed once
// here by the reference interpreter and stored as float32 constants; only run-time values become graph nodes.
// Not for the ES module targets, which compute load-time values in load().

import { type Diagnostic, type Result, error, failed, ok } from "../diagnostics.js";
import { type TensorMap, interpret } from "../ir/interpret.js";
import type { AnyNode, Graph } from "../ir/node.js";
import { type Plan, type PlannedValue, planGraph } from "./lower.js";

export interface FrozenPlan {
  readonly plan: Plan;
  /** Load-time values that run-time nodes or outputs read, by node name, as float32 row-major data. */
  readonly constants: ReadonlyMap<string, Float32Array>;
  /** Run-time values some output needs, in graph order. */
  readonly computed: readonly PlannedValue[];
}

/**
 * Plans `graph` and computes its load-time values, params from `weights`. Every weight must be known: an exchange
 * file carries its weights, so a param neither bound nor given is the user's error (MC4010), named with the format.
 */
export function freezeGraph(graph: Graph, format: string, weights: TensorMap = {}): Result<FrozenPlan> {
  const planned = planGraph(graph);
  if (!planned.ok) return failed(planned.diagnostics);
  const plan = planned.value;
  const unbound = plan.params.filter((p) => p.needed && !Object.prototype.hasOwnProperty.call(weights, p.node.name));
  if (unbound.length > 0) {
    const names = unbound.map((p) => `'${p.node.name}'`).join(", ");
    return failed([error("MC4010", `${format} carries its weights, but none were given for ${names}; compile with --weights W or --init random`)]);
  }
  const boundary = new Set<string>();
  for (const v of plan.values) {
    if (!v.needed || v.stage !== "run") continue;
    for (const o of v.node.operands) if (plan.value(o).stage === "load") boundary.add(o);
  }
  for (const o of plan.outputs) if (o.value.stage === "load") boundary.add(o.value.node.name);
  const loadNodes: AnyNode[] = plan.values.filter((v) => v.stage === "load").map((v) => v.node);
  const sub: Graph = { name: graph.name, nodes: loadNodes, outputs: [...boundary].map((name) => ({ name, value: name })) };
  const values = boundary.size > 0 ? interpret(sub, {}, weights) : {};
  const constants = new Map<string, Float32Array>();
  for (const name of boundary) constants.set(name, Float32Array.from(values[name]!.data));
  const computed = plan.values.filter((v) => v.needed && v.stage === "run");
  return ok({ plan, constants, computed });
}

/** A shape for Reshape: symbolic sizes become -1, which TensorFlow allows once. */
export function reshapeDims(node: AnyNode, shape: readonly (number | string)[]): number[] | Diagnostic {
  const symbols = shape.filter((d) => typeof d === "string").length;
  if (symbols > 1) {
    return error("MC4011", `${node.op} %${node.name} needs a shape with ${symbols} symbolic sizes, but a GraphModel or ONNX Reshape can infer only one`, node.span);
  }
  return shape.map((d) => (typeof d === "number" ? d : -1));
}

/** The error for an op (or a form of it) a format cannot express. */
export function cannotExpress(node: AnyNode, format: string, why: string): Diagnostic {
  return error("MC4011", `${format} cannot express ${node.op} %${node.name}: ${why}`, node.span);
}

/**
 * Spells every computed value with `emit` (an exporter's table entry), recording each name it gives in `tensors`.
 * What depends on a value the format refused is skipped: its error would only repeat the first. The refusals'
 * diagnostics come back (none when everything was spelled).
 */
export function spellEach(computed: readonly PlannedValue[], tensors: Map<string, string>, emit: (v: PlannedValue) => string | Diagnostic): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const refused = new Set<string>();
  for (const v of computed) {
    if (v.node.op === "input") continue;
    if (v.node.operands.some((o) => refused.has(o))) {
      refused.add(v.node.name);
      continue;
    }
    const made = emit(v);
    if (typeof made === "string") tensors.set(v.node.name, made);
    else {
      diagnostics.push(made);
      refused.add(v.node.name);
    }
  }
  return diagnostics;
}
