// The optimizer, top to bottom: which passes run at each level, in order, and for which target. bind-weights always
// runs first when weights are given at compile time (it is part of compiling, not an optimization). The verifier can
// run after every pass; --print-ir-after shows the graph between passes.

import { InternalError, formatDiagnostics } from "../diagnostics.js";
import type { Graph } from "../ir/node.js";
import { verifyGraph } from "../ir/verify.js";
import { bindWeights } from "./bind-weights.js";
import { cropMaskedKernels } from "./crop-masked-kernels.js";
import { commonSubexpressionElimination } from "./cse.js";
import { deadCodeElimination } from "./dce.js";
import { foldBatchNorm } from "./fold-batch-norm.js";
import { foldConstants } from "./fold-constants.js";
import { foldStaticMasks } from "./fold-static-masks.js";
import { fuseBiasActivation } from "./fuse-bias-activation.js";
import { fuseDynamicMasks } from "./fuse-dynamic-masks.js";
import type { Pass, PassContext, PipelineTarget } from "./pass.js";
import { splitMaskedKernels } from "./split-masked-kernels.js";

export type OptLevel = 0 | 1;
export type { PipelineTarget } from "./pass.js";

/**
 * The named pipelines: -O0 changes nothing but binding weights. -O1: fold what is known before the first call
 * (batch norms into kernels, static masks into kernels, constant expressions), cut kernels to their live taps
 * (split-masked-kernels for tfjs only: on the js target dead taps cost nothing already), fuse, merge duplicates,
 * drop what no output needs.
 */
export const pipelines: Readonly<Record<OptLevel, readonly Pass[]>> = {
  0: [bindWeights],
  1: [
    bindWeights,
    foldBatchNorm,
    foldStaticMasks,
    foldConstants,
    cropMaskedKernels,
    splitMaskedKernels,
    fuseDynamicMasks,
    fuseBiasActivation,
    commonSubexpressionElimination,
    deadCodeElimination,
  ],
};

/** Every pass by name, for --print-ir-after and tests. */
export const passes: readonly Pass[] = pipelines[1];

/** The passes of a level for a target; without a target, only the passes that serve every target. */
export function pipelineFor(level: OptLevel, target?: PipelineTarget): readonly Pass[] {
  return pipelines[level].filter((p) => p.targets === undefined || (target !== undefined && p.targets.includes(target)));
}

export interface PipelineOptions extends PassContext {
  readonly level?: OptLevel;
  /** What the graph is compiled for: target-specific passes run only for their target. */
  readonly target?: PipelineTarget;
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

/** Runs the pipeline of an optimization level (default -O1) for `options.target`. */
export function optimize(graph: Graph, options: PipelineOptions = {}): Graph {
  return runPasses(graph, pipelineFor(options.level ?? 1, options.target), options);
}
