// The targets of issue 4 that `npm run bench` reports pass or fail for, computed from one run. Speed ratios compare
// cases measured interleaved in the same rounds (paired, round by round: measure.ts); a target whose cases were
// filtered out or not measured reports `pass: null`.

import type { CompileResult } from "./compile.js";
import { growth } from "./compile.js";

/** The time of case `a` over that of case `b` (ids `workload/variant/backend@threads`), when both were measured. */
export type Ratios = (a: string, b: string) => number | undefined;

export interface TargetResult {
  readonly name: string;
  /** What was compared, in words. */
  readonly detail: string;
  readonly measured: number | null;
  /** Pass when measured ≥ this (`atLeast`) or ≤ this (`atMost`). */
  readonly threshold: number;
  readonly direction: "atLeast" | "atMost";
  readonly pass: boolean | null;
}

function target(name: string, detail: string, measured: number | undefined, threshold: number, direction: "atLeast" | "atMost"): TargetResult {
  const m = measured === undefined || !Number.isFinite(measured) ? null : measured;
  const pass = m === null ? null : direction === "atLeast" ? m >= threshold : m <= threshold;
  return { name, detail, measured: m, threshold, direction, pass };
}

const CONVS = ["7x7-A", "3x3-B-64", "3x3-7of9"];

export function evaluateTargets(ratio: Ratios, compile: readonly CompileResult[]): TargetResult[] {
  const out: TargetResult[] = [
    target("wasm static 7×7 A vs dense", "tfjs-wasm@1, 7x7-A: dense ms / static ms", ratio("7x7-A/dense/tfjs-wasm@1", "7x7-A/static/tfjs-wasm@1"), 1.6, "atLeast"),
    target("wasm static 3×3 B 64ch vs dense", "tfjs-wasm@1, 3x3-B-64: dense ms / static ms", ratio("3x3-B-64/dense/tfjs-wasm@1", "3x3-B-64/static/tfjs-wasm@1"), 1.4, "atLeast"),
  ];
  for (const w of CONVS) {
    for (const place of ["tfjs-wasm@1", "tfjs-wasm@2", "tfjs-cpu@1", "js@1", "js@2", "js-fast@1", "js-fast@2"]) {
      out.push(target(`dynamic within 5% of static: ${w} ${place}`, "dynamic ms / static ms", ratio(`${w}/dynamic/${place}`, `${w}/static/${place}`), 1.05, "atMost"));
    }
    for (const place of ["tfjs-wasm@1", "tfjs-cpu@1"]) {
      out.push(target(`dynamic not slower than hand-written: ${w} ${place}`, "dynamic ms / baseline ms", ratio(`${w}/dynamic/${place}`, `${w}/baseline/${place}`), 1, "atMost"));
    }
    out.push(target(`js ≥ 5× tfjs-cpu: ${w}`, "static: tfjs-cpu@1 ms / js@1 ms", ratio(`${w}/static/tfjs-cpu@1`, `${w}/static/js@1`), 5, "atLeast"));
    out.push(target(`js 2 threads ≥ 0.3× tfjs-wasm 1 thread: ${w}`, "static: tfjs-wasm@1 ms / js@2 ms", ratio(`${w}/static/tfjs-wasm@1`, `${w}/static/js@2`), 0.3, "atLeast"));
    // The same with --fast-math (Winograd where it pays; exact independence of far inputs given up: docs/performance.md).
    out.push(target(`js --fast-math 2 threads ≥ 0.3× tfjs-wasm 1 thread: ${w}`, "static: tfjs-wasm@1 ms / js-fast@2 ms", ratio(`${w}/static/tfjs-wasm@1`, `${w}/static/js-fast@2`), 0.3, "atLeast"));
  }
  out.push(target("js static 7×7 A vs js dense", "js@1, 7x7-A: dense ms / static ms", ratio("7x7-A/dense/js@1", "7x7-A/static/js@1"), 1.7, "atLeast"));
  const tenK = compile.find((c) => c.layers === 10_000);
  out.push(target("10,000 layers compile < 5 s", "parse + passes + emit, wall ms", tenK?.totalMs, 5000, "atMost"));
  for (const g of growth(compile, "totalMs")) {
    out.push(target(`10× layers ≤ 12× time: ${g.from} → ${g.to}`, "parse + passes + emit, wall time ratio", g.ratio, 12, "atMost"));
  }
  return out;
}
