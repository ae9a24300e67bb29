// The optimizer, top to bottom: which passes run at each level, in order. bind-weights always runs first when
// weights are given at compile time (it is part of compiling, not an optimization). The verifier can run after
// every pass; --print-ir-after shows the graph between passes.

import { InternalError, formatDiagnostics } from "../diagnostics.js";
import type { Graph } from "../ir/node.js";
import { verifyGraph } from "../ir/verify.js";
import { bindWeights } from "./bind-weights.js";
import { cropMaskedKernels } from "./crop-masked-kernels.js";
import { deadCodeElimination } from "./dce.js";
import { foldStaticMasks } from "./fold-static-masks.js";
import { fuseDynamicMasks } from "./fuse-dynamic-masks.js";
import type { Pass, PassContext } from "./pass.js";

export type OptLevel = 0 | 1;

/** Every pass by name, for --print-ir-after and tests. */
export const passes: readonly Pass[] = [bindWeights, foldStaticMasks, cropMaskedKernels, fuseDynamicMasks, deadCodeElimination];

/** The named pipelines: -O0 changes nothing but binding weights, -O1 folds, fuses and cleans up. */
export const pipelines: Readonly<Record<OptLevel, readonly Pass[]>> = {
  0: [bindWeights],
  1: [bindWeights, foldStaticMasks, fuseDynamicMasks, deadCodeElimination],
};

export interface PipelineOptions extends PassContext {
  readonly level?: OptLevel;
  /** Check the graph after every pass; a failure is a bug in that pass. */
  readonly verify?: boolean;
  /** Called after each pass with its name and result (for --print-ir-after). */
  readonly after?: (pass: Pass, graph: Graph) => void;
  /** Called with each pass's wall time in milliseconds. */
  readonly timing?: (pass: Pass, ms: number) => void;
}

export function passByName(name: string): Pass | undefined {
  return passes.find((p) => p.name === name);
}

export function runPasses(graph: Graph, list: readonly Pass[], options: PipelineOptions = {}): Graph {
  let g = graph;
  for (const pass of list) {
    const start = performance.now();
    g = pass.run(g, options);
    options.timing?.(pass, performance.now() - start);
    if (options.verify) {
      const problems = verifyGraph(g);
      if (problems.length > 0) throw new InternalError(`pass ${pass.name} broke the IR:\n${formatDiagnostics(problems)}`);
    }
    options.after?.(pass, g);
  }
  return g;
}

/** Runs the pipeline of an optimization level (default -O1). */
export function optimize(graph: Graph, options: PipelineOptions = {}): Graph {
  return runPasses(graph, pipelines[options.level ?? 1], options);
}
