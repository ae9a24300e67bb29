// `npm run bench` as a function: loads every case of every workload, times them in interleaved rounds, checks each
// case's output against the reference interpreter, measures compile time and memory, and evaluates the targets.
// The test (test/bench) runs it in quick mode for correctness and the shape of results.json — never for speed.

import { availableParallelism, cpus } from "node:os";
import { type Case, casesOf } from "./cases.js";
import { type CompileResult, growth, measureCompile } from "./compile.js";
import { measure, pairedRatio } from "./measure.js";
import { type TargetResult, evaluateTargets } from "./targets.js";
import { WITHIN, workloads } from "./workloads.js";
import { maxRelativeError } from "../test/support/random.js";

export interface BenchOptions {
  readonly root: string;
  /** Small sizes and few rounds: a smoke test of the whole suite. */
  readonly quick: boolean;
  /** Keep only cases whose id (`workload/variant/backend@threads`, or `compile`) contains one of these. */
  readonly filter: readonly string[];
  readonly rounds?: number;
  readonly warmup?: number;
  readonly log?: (line: string) => void;
}

export interface CaseResult {
  readonly id: string;
  readonly workload: string;
  readonly variant: string;
  readonly backend: string;
  readonly threads: number;
  readonly medianMs: number;
  readonly p25Ms: number;
  readonly p75Ms: number;
  readonly samplesMs: number[];
  /** Largest |output − reference| over the largest |reference| (at least 1), on the first call. */
  readonly maxRelError: number;
  readonly agrees: boolean;
}

export interface BenchResults {
  readonly version: 1;
  readonly date: string;
  readonly quick: boolean;
  readonly node: string;
  readonly machine: { readonly cpus: number; readonly model: string };
  /** Whether the dynamic variants declared their zero pattern with `within`. */
  readonly within: boolean;
  readonly rounds: number;
  readonly warmup: number;
  readonly workloads: { readonly name: string; readonly title: string }[];
  readonly cases: CaseResult[];
  readonly compile: CompileResult[];
  readonly compileGrowth: { from: number; to: number; ratio: number }[];
  readonly targets: TargetResult[];
}

/** Agreement with the float64 reference: relative to the output's scale, as the backend tests measure it. */
export const TOLERANCE = 1e-4;


export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const log = options.log ?? (() => {});
  const keep = (id: string) => options.filter.length === 0 || options.filter.some((f) => id.includes(f));
  const rounds = options.rounds ?? (options.quick ? 2 : 20);
  const warmup = options.warmup ?? (options.quick ? 1 : 2);
  const all = workloads(options.quick, options.root);
  const cases: CaseResult[] = [];
  for (const w of all) {
    const loaded: Case[] = await casesOf(w, keep);
    if (loaded.length === 0) continue;
    // The whole network costs ten to a hundred times a single conv: fewer rounds.
    const n = w.kind === "model" && !options.quick ? Math.max(3, Math.ceil(rounds / 2)) : rounds;
    log(`${w.name}: ${loaded.length} cases, ${warmup} + ${n} rounds`);
    const errors = new Map<Case, number>();
    const timings = await measure(loaded, n, warmup, (c, out) => errors.set(c, maxRelativeError(out, c.reference)), (r) => log(`  round ${r + 1}/${warmup + n}`));
    for (const c of loaded) {
      const t = timings.get(c)!;
      const e = errors.get(c)!;
      cases.push({
        id: c.id, workload: c.workload, variant: c.variant, backend: c.backend, threads: c.threads,
        medianMs: t.medianMs, p25Ms: t.p25Ms, p75Ms: t.p75Ms, samplesMs: t.samples, maxRelError: e, agrees: e <= TOLERANCE,
      });
      c.dispose();
    }
  }
  let compile: CompileResult[] = [];
  if (keep("compile")) {
    const sizes = options.quick ? [10, 100] : [100, 1000, 10_000];
    log(`compile: generated models of ${sizes.join(", ")} layers`);
    compile = measureCompile(options.root, sizes);
  }
  const samples = (id: string) => cases.find((c) => c.id === id)?.samplesMs;
  const ratio = (a: string, b: string) => pairedRatio(samples(a), samples(b));
  return {
    version: 1,
    date: new Date().toISOString(),
    quick: options.quick,
    node: process.version,
    machine: { cpus: typeof availableParallelism === "function" ? availableParallelism() : cpus().length, model: cpus()[0]?.model ?? "unknown" },
    within: WITHIN,
    rounds,
    warmup,
    workloads: all.map((w) => ({ name: w.name, title: w.title })),
    cases,
    compile,
    compileGrowth: growth(compile, "totalMs"),
    targets: evaluateTargets(ratio, compile),
  };
}
