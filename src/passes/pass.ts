// What a pass is, and the one rewrite driver structural passes share: walk the nodes in order, let a rule replace
// a node by values it builds, copy the rest, rebuild everything through the GraphBuilder (spans kept, types
// checked again) and drop what no output needs. Passes never mutate their input graph.

import { InternalError, formatDiagnostics } from "../diagnostics.js";
import { GraphBuilder, type Value } from "../ir/builder.js";
import type { AnyNode, Graph } from "../ir/node.js";
import type { TensorMap } from "../ir/interpret.js";
import { neededNodes, nodeIndex, positionIndex } from "../ir/analysis.js";
import { sameShape } from "../ir/types.js";
import { isKnownValid, markValid } from "../ir/verify.js";

/** What the optimized graph is compiled for; some passes pay on one target only. */
export type PipelineTarget = "tfjs" | "js";

export interface PassContext {
  /** Weights known at compile time, by param name; params without an entry stay params (fed at load time). */
  readonly weights?: TensorMap;
}

export interface Pass {
  /** kebab-case: the CLI flag (--print-ir-after=NAME), the test folder and the label in printed IR. */
  readonly name: string;
  /** One line for `mconv ir --help` and docs. */
  readonly summary: string;
  /** Runs only in pipelines for these targets (pipelineFor); absent: for every target. */
  readonly targets?: readonly PipelineTarget[];
  run(graph: Graph, ctx: PassContext): Graph;
}

/** What a rule sees: the builder of the new graph, the old graph's nodes, and old operands mapped to new values. */
export interface Rewriter {
  readonly b: GraphBuilder;
  /** The node of the input graph that produced a name. */
  producer(name: string): AnyNode | undefined;
  /** The new value standing for a name of the input graph. */
  value(name: string): Value;
  /** How many operand slots and outputs of the input graph use a name. */
  uses(name: string): number;
}

/** A rule returns the value that replaces `node` (built with `r.b`, usually under `node.name`) or undefined to keep it. */
export type RewriteRule = (node: AnyNode, r: Rewriter) => Value | undefined;

/**
 * Rebuilds `graph` applying `rule` once per node in order, then drops the nodes no output needs (inputs stay) —
 * unless `keepDead`, for a rewrite that is no optimization (bind-weights at -O0).
 */
export function rewriteGraph(graph: Graph, rule: RewriteRule, options: { readonly keepDead?: boolean } = {}): Graph {
  const old = nodeIndex(graph);
  const positions = positionIndex(graph);
  const nodes = graph.nodes;
  // Counted on first ask: most rules never ask.
  let uses: Map<string, number> | undefined;
  const countUses = () => {
    const counts = new Map<string, number>();
    for (const n of nodes) for (const o of n.operands) counts.set(o, (counts.get(o) ?? 0) + 1);
    for (const o of graph.outputs) counts.set(o.value, (counts.get(o.value) ?? 0) + 1);
    return counts;
  };
  const b = new GraphBuilder(graph.name, old);
  // By position in the input graph: the new value standing for each node, and whether it is not the old node's
  // (another name, or a type that differs; usually few).
  const mapped: (Value | undefined)[] = new Array(nodes.length);
  const changed = new Uint8Array(nodes.length);
  const r: Rewriter = {
    b,
    producer: (name) => old.get(name),
    value: (name) => {
      const at = positions.get(name);
      const v = at === undefined ? undefined : mapped[at];
      if (!v) throw new InternalError(`rewrite: %${name} used before it was rebuilt`);
      return v;
    },
    uses: (name) => (uses ??= countUses()).get(name) ?? 0,
  };
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    const replacement = rule(node, r);
    let v: Value;
    if (replacement !== undefined) {
      v = replacement;
    } else {
      // A kept node whose operands are the same values as before is the same node: adopted, not built again (its
      // shape rule would give the same type).
      const operands = node.operands;
      let same = true;
      for (let j = 0; j < operands.length && same; j++) {
        // The same name with an equal type (a rebuilt operand's type is a new object).
        const at = positions.get(operands[j]!);
        same = at !== undefined && mapped[at] !== undefined && changed[at] === 0;
      }
      v = same ? b.adopt(node) : b.add(node.op, operands.map(r.value), node.attrs as never, { name: node.name, span: node.span });
    }
    mapped[i] = v;
    const t = node.type;
    if (v.name !== node.name || (v.type !== t && (v.type.dtype !== t.dtype || !sameShape(v.type.shape, t.shape)))) changed[i] = 1;
  }
  for (const o of graph.outputs) b.output(o.name, r.value(o.value), { span: o.span });
  const built = b.build();
  if (!built.ok) throw new InternalError(`a rewrite produced an invalid graph:\n${formatDiagnostics(built.diagnostics)}`);
  // Built nodes were checked by the builder; adopted ones kept operands of equal types, so they are as valid as
  // they were in the input graph.
  if (isKnownValid(graph)) markValid(built.value);
  return options.keepDead ? built.value : dropDeadNodes(built.value);
}

/** Keeps the nodes some output needs, and every input (the model's interface does not shrink). */
export function dropDeadNodes(graph: Graph): Graph {
  const live = neededNodes(graph);
  const nodes = graph.nodes.filter((n, i) => live[i] === 1 || n.op === "input");
  if (nodes.length === graph.nodes.length) return graph;
  const kept = { ...graph, nodes };
  // What a kept node uses is needed too, so it is kept: the graph stays as valid as it was.
  if (isKnownValid(graph)) markValid(kept);
  return kept;
}
