// Runs one graph everywhere and compares with the float64 oracle: interpret() of the graph as generated, against
// interpret() of the transformed graph and the js, tfjs-cpu and tfjs-wasm backends, after -O0 and -O1 (no, all or
// some weights bound at compile time, the rest given at load) and every pass alone. The verifier runs after every
// pass; the input graph must come out of the passes unchanged; backends return Float32Array data that a later
// call does not overwrite.

import { type Backend, loadCompiled } from "../../src/codegen/index.js";
import { formatDiagnostics } from "../../src/diagnostics.js";
import { type Tensor64, type TensorMap, interpret } from "../../src/ir/interpret.js";
import { type Graph, paramsOf } from "../../src/ir/node.js";
import { printGraph } from "../../src/ir/text/print.js";
import { verifyGraph } from "../../src/ir/verify.js";
import { bindWeights } from "../../src/passes/bind-weights.js";
import type { Pass } from "../../src/passes/pass.js";
import { passes, pipelines, runPasses } from "../../src/passes/pipeline.js";
import { maxRelativeError } from "../support/random.js";
import { type Dists, feedsFor, weightsFor } from "./values.js";

/**
 * Agreement required between a runner (float32) and the oracle (float64), relative to the largest magnitude of the
 * expected output (at least 1). Float32 rounds at 2^-24 ≈ 6e-8 per operation; a generated graph chains up to ~14
 * ops, each summing up to ~250 products of values kept near 1, and tfjs has its own exp, erf and summation order
 * (XNNPACK on wasm). Over 900 graphs the worst honest disagreement measured was 2.6e-7 (tfjs-wasm), so 1e-4 leaves
 * a wide margin without hiding bugs: a wrong index, tap, padding or broadcast is off by 1e-2 or more.
 */
export const TOLERANCE = 1e-4;

/** How the graph reaches a backend: the passes run on it, and whether the weights are bound at compile time. */
export interface Config {
  readonly label: string;
  readonly passes: readonly Pass[];
  /**
   * Which weights are given to the passes (bind-weights turns their params into constants); the others are given
   * at load. `some`: every other param in graph order, so that constants and params mix.
   */
  readonly bind: "none" | "all" | "some";
}

const BIND_LABEL = { none: "", all: " +weights", some: " +some weights" } as const;

/** -O0 and -O1 with no, all or some weights bound; every pass alone, and after bind-weights with all bound. */
export const CONFIGS: readonly Config[] = [
  ...[0, 1].flatMap((level) =>
    (["none", "all", "some"] as const).map((bind) => ({ label: `-O${level}${BIND_LABEL[bind]}`, passes: pipelines[level as 0 | 1], bind })),
  ),
  ...passes.flatMap((p) => [
    { label: p.name, passes: [p], bind: "none" as const },
    ...(p === bindWeights ? [] : [{ label: `bind-weights,${p.name}`, passes: [bindWeights, p], bind: "all" as const }]),
  ]),
];

/** The weights a config gives at compile time. */
function boundWeights(graph: Graph, weights: TensorMap, bind: Config["bind"]): TensorMap | undefined {
  if (bind === "none") return undefined;
  if (bind === "all") return weights;
  const some: Record<string, TensorMap[string]> = Object.create(null);
  paramsOf(graph).forEach((p, i) => {
    if (i % 2 === 0) some[p.name] = weights[p.name]!;
  });
  return some;
}

export type Runner = "reference" | Backend;
/** interpret() of the transformed graph, then the backends. */
export const RUNNERS: readonly Runner[] = ["reference", "js", "tfjs-cpu", "tfjs-wasm"];

export interface Failure {
  readonly config: string;
  /** The runner, or `passes` when the passes threw or broke the IR. */
  readonly runner: Runner | "passes";
  readonly kind: "mismatch" | "error";
  readonly message: string;
}

/** The outputs of a graph on its feeds and weights, or undefined when the oracle meets a non-finite value. */
export function oracle(graph: Graph, feeds: readonly TensorMap[], weights: TensorMap): Record<string, Tensor64>[] | undefined {
  const all = feeds.map((f) => interpret(graph, f, weights));
  const finite = all.every((outs) => Object.values(outs).every((t) => t.data.every(Number.isFinite)));
  return finite ? all : undefined;
}

type Outputs = Record<string, { readonly shape: readonly number[]; readonly data: ArrayLike<number> }>;

/** Why `got` differs from `want`, or undefined. Backends promise Float32Array data (interpret() gives float64). */
function difference(got: Outputs, want: Record<string, Tensor64>, call: number, float32: boolean): string | undefined {
  const names = Object.keys(want);
  if (Object.keys(got).sort().join() !== [...names].sort().join()) return `call ${call}: outputs [${Object.keys(got)}], expected [${names}]`;
  for (const name of names) {
    const g = got[name]!;
    const w = want[name]!;
    if (g.shape.join() !== w.shape.join()) return `call ${call}: output ${name} has shape [${g.shape}], expected [${w.shape}]`;
    if (float32 && !(g.data instanceof Float32Array)) return `call ${call}: output ${name} holds a ${g.data.constructor.name}, not a Float32Array`;
    const err = maxRelativeError(g.data, w.data);
    if (!(err <= TOLERANCE)) {
      let at = 0;
      for (let i = 0; i < w.data.length; i++) if (!(Math.abs(g.data[i]! - w.data[i]!) <= Math.abs(g.data[at]! - w.data[at]!))) at = i;
      return `call ${call}: output ${name} off by ${err.toExponential(2)} relative (element ${at}: ${g.data[at]} vs ${w.data[at]})`;
    }
  }
  return undefined;
}

async function runOn(runner: Runner, graph: Graph, weights: TensorMap, feeds: readonly TensorMap[]): Promise<Outputs[]> {
  if (runner === "reference") return feeds.map((f) => interpret(graph, f, weights));
  const loaded = await loadCompiled(graph, runner, weights);
  if (!loaded.ok) throw new Error(formatDiagnostics(loaded.diagnostics));
  try {
    // Every call first, then every comparison: an output must not change when the model is called again.
    const results: Outputs[] = [];
    for (const f of feeds) results.push(await loaded.value.predict(f));
    return results;
  } finally {
    loaded.value.dispose?.();
  }
}

export interface CheckOptions {
  /** Only these configs and runners (the shrinker re-runs the failing ones). */
  readonly only?: { readonly config: string; readonly runner: Failure["runner"] };
}

/**
 * Every failure of a graph across CONFIGS × RUNNERS. Configs whose passes give the same graph run once. Throws
 * when the oracle itself meets a non-finite value (the case is not a valid test).
 */
export async function checkGraph(graph: Graph, dists: Dists, seed: number, options: CheckOptions = {}): Promise<Failure[]> {
  const weights = weightsFor(graph, dists, seed);
  const feeds = feedsFor(graph, dists, seed);
  const want = oracle(graph, feeds, weights);
  if (!want) throw new Error("the oracle met a non-finite value: not a valid case");
  const before = printGraph(graph, { elideAbove: Infinity });
  const failures: Failure[] = [];
  const seen = new Set<string>();
  for (const config of CONFIGS) {
    if (options.only && options.only.config !== config.label) continue;
    let g: Graph;
    try {
      g = runPasses(graph, config.passes, {
        weights: boundWeights(graph, weights, config.bind),
        after: (pass, out) => {
          const problems = verifyGraph(out);
          if (problems.length > 0) throw new Error(`after ${pass.name}: ${formatDiagnostics(problems)}`);
        },
      });
      if (printGraph(graph, { elideAbove: Infinity }) !== before) throw new Error("the passes changed their input graph");
    } catch (cause) {
      failures.push({ config: config.label, runner: "passes", kind: "error", message: String(cause) });
      continue;
    }
    // The same graph gets the same load-time weights (those of its params): run it once.
    const key = printGraph(g, { elideAbove: Infinity });
    if (seen.has(key)) continue;
    seen.add(key);
    const loadWeights: Record<string, TensorMap[string]> = Object.create(null);
    for (const p of paramsOf(g)) loadWeights[p.name] = weights[p.name]!;
    for (const runner of RUNNERS) {
      if (options.only && options.only.runner !== runner) continue;
      try {
        const got = await runOn(runner, g, loadWeights, feeds);
        const why = got.map((outs, i) => difference(outs, want[i]!, i, runner !== "reference")).find((d) => d !== undefined);
        if (why) failures.push({ config: config.label, runner, kind: "mismatch", message: why });
      } catch (cause) {
        failures.push({ config: config.label, runner, kind: "error", message: cause instanceof Error ? cause.message : String(cause) });
      }
    }
  }
  return failures;
}
