// What the playground shows of a model, computed without the DOM: diagnostics, the IR after every pass, the masks
// and the generated module. Imports only mconv's browser-safe modules (no node:* — vite.config.ts enforces it).

import { type Diagnostic, InternalError } from "../../src/diagnostics.js";
import { type Target, emitModule } from "../../src/codegen/index.js";
import type { TensorMap } from "../../src/ir/interpret.js";
import type { Graph } from "../../src/ir/node.js";
import { printGraph } from "../../src/ir/text/print.js";
import { parseModel } from "../../src/parser/parse.js";
import { type OptLevel, optimize } from "../../src/passes/pipeline.js";
import { type WeightsMode, makeWeights } from "./feeds.js";
import { type MaskView, kernelMasks } from "./masks.js";

/** The file name diagnostics are reported under. */
export const SOURCE_NAME = "model.mconv";

export interface Stage {
  /** "parsed", a pass name, or "final". */
  readonly name: string;
  readonly ir: string;
}

export interface CompileSettings {
  readonly level: OptLevel;
  readonly weights: WeightsMode;
  readonly seed: number;
  readonly target: Target;
}

export interface Compiled {
  /** Errors and warnings with spans into the text. */
  readonly diagnostics: readonly Diagnostic[];
  /** A bug in mconv (a pass broke the verifier), shown as such. */
  readonly internalError?: string;
  /** The graph as parsed: the reference interpreter runs it. */
  readonly parsed?: Graph;
  /** The graph after the passes, weights bound (as `mconv run` compiles). */
  readonly graph?: Graph;
  readonly weights?: TensorMap;
  readonly stages: readonly Stage[];
  readonly masks: readonly MaskView[];
  /** The ES module `mconv compile --target` would write. */
  readonly module?: string;
}

/** Parses, binds generated weights, runs the passes of `level` (verifying after each) and emits the module. */
export function compileSource(text: string, settings: CompileSettings): Compiled {
  const parsed = parseModel({ name: SOURCE_NAME, text });
  if (!parsed.ok) return { diagnostics: parsed.diagnostics, stages: [], masks: [] };
  const graph0 = parsed.value;
  const weights = makeWeights(graph0, settings.weights, settings.seed);
  const stages: Stage[] = [{ name: "parsed", ir: printGraph(graph0) }];
  const base = { parsed: graph0, weights, masks: kernelMasks(graph0) };
  let graph: Graph;
  try {
    graph = optimize(graph0, { level: settings.level, target: settings.target, weights, verify: true, after: (pass, g) => stages.push({ name: pass.name, ir: printGraph(g) }) });
  } catch (cause) {
    if (!(cause instanceof InternalError)) throw cause;
    return { ...base, diagnostics: parsed.diagnostics, stages, internalError: cause.message };
  }
  stages.push({ name: "final", ir: printGraph(graph) });
  const emitted = emitModule(graph, settings.target);
  const diagnostics = [...parsed.diagnostics, ...emitted.diagnostics];
  return { ...base, diagnostics, graph, stages, module: emitted.ok ? emitted.value : undefined };
}
