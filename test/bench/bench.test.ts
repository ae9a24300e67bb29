// `npm run bench` in quick mode, as a user runs it: it finishes, writes results.json with every case of the suite,
// and every variant on every backend agrees with the reference interpreter. Correctness only: no figure of speed
// is asserted here (a shared machine makes timings noise; the bench reports them).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PLACES } from "../../bench/cases.js";
import { NOISY_SAMPLES, measure, pairedRatio } from "../../bench/measure.js";
import type { BenchResults } from "../../bench/run.js";
import { repoRoot, scratchDir } from "../support/cli.js";

function bench(...args: string[]): { results: BenchResults; stdout: string } {
  const out = join(scratchDir("bench"), "results.json");
  const stdout = execFileSync(process.execPath, ["--import", "tsx", join(repoRoot, "bench", "main.ts"), "--quick", "--out", out, ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 300_000,
  });
  return { results: JSON.parse(readFileSync(out, "utf8")) as BenchResults, stdout };
}

/** Every case the suite has: conv workloads in 3 variants on 7 places (js-fast: --fast-math) plus the baseline on 2; pixelcnn 2 × 7. */
function expectedIds(): string[] {
  const ids: string[] = [];
  for (const w of ["7x7-A", "3x3-B-64", "3x3-7of9", "pixelcnn"]) {
    for (const { backend, threads } of PLACES) {
      const variants = w === "pixelcnn" ? ["dense", "static"] : ["dense", "static", "dynamic", ...(threads === 1 && !backend.startsWith("js") ? ["baseline"] : [])];
      for (const v of variants) ids.push(`${w}/${v}/${backend}@${threads}`);
    }
  }
  return ids.sort();
}

describe("npm run bench -- --quick", () => {
  it("writes results.json with every case, each agreeing with the reference interpreter", { timeout: 300_000 }, () => {
    const { results, stdout } = bench();
    expect(results.version).toBe(1);
    expect(results.quick).toBe(true);
    expect(results.cases.map((c) => c.id).sort()).toEqual(expectedIds());
    expect(expectedIds()).toHaveLength(3 * 23 + 14);
    expect(expectedIds()).toContain("3x3-B-64/static/js-fast@2");
    for (const c of results.cases) {
      expect(c.maxRelError, c.id).toBeLessThanOrEqual(1e-4);
      expect(c.agrees, c.id).toBe(true);
      expect(c.samplesMs, c.id).toHaveLength(results.rounds);
      expect(c.p25Ms, c.id).toBeLessThanOrEqual(c.medianMs);
      expect(c.medianMs, c.id).toBeLessThanOrEqual(c.p75Ms);
    }
    expect(results.compile.map((c) => c.layers)).toEqual([10, 100]);
    for (const c of results.compile) for (const k of ["parseMs", "passesMs", "emitMs", "totalMs", "cliMs", "maxRssMB"] as const) expect(c[k]).toBeGreaterThan(0);
    expect(results.compileGrowth).toEqual([{ from: 10, to: 100, ratio: results.compile[1]!.totalMs / results.compile[0]!.totalMs }]);
    // Every target is reported, measured or not; those over measured cases carry a verdict.
    const names = results.targets.map((t) => t.name);
    expect(names).toContain("wasm static 7×7 A vs dense");
    expect(names).toContain("js 2 threads ≥ 0.3× tfjs-wasm 1 thread: 3x3-7of9");
    expect(names).toContain("js --fast-math 2 threads ≥ 0.3× tfjs-wasm 1 thread: 3x3-B-64");
    expect(names).toContain("10,000 layers compile < 5 s");
    expect(results.targets.find((t) => t.name === "10,000 layers compile < 5 s")!.pass).toBeNull();
    expect(results.targets.find((t) => t.name === "wasm static 7×7 A vs dense")!.pass).toBeTypeOf("boolean");
    expect(stdout).toContain("targets");
    expect(stdout).not.toContain("WRONG");
  });

  it("--filter keeps only the cases named", { timeout: 120_000 }, () => {
    const { results } = bench("--filter", "7x7-A/static/");
    expect(results.cases.map((c) => c.id).sort()).toEqual(PLACES.map((p) => `7x7-A/static/${p.backend}@${p.threads}`).sort());
    expect(results.compile).toEqual([]);
  });
});

describe("paired ratios", () => {
  it("take the median of the round-by-round ratios, not the ratio of the medians", () => {
    // Rounds: 2/1, 4/1, 6/3 → ratios 2, 4, 2: median 2 (the medians' ratio would be 4/1 = 4).
    expect(pairedRatio([2, 4, 6], [1, 1, 3])).toBe(2);
    // A slow round hits both cases alike and leaves the ratio alone.
    expect(pairedRatio([10, 10, 100, 10], [5, 5, 50, 5])).toBe(2);
  });
});

describe("measure", () => {
  /** A case on `threads` whose call takes `ms` and is counted. */
  const counted = (id: string, threads: 1 | 2, ms: number) => {
    const c = { id, workload: id, variant: "static" as const, backend: "js" as const, threads, reference: [], calls: 0, dispose() {} };
    const run = async () => {
      c.calls++;
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
      return new Float32Array(1);
    };
    return Object.assign(c, { run });
  };

  it("times short calls and calls on two threads three times a round, and keeps one value per round", { timeout: 60_000 }, async () => {
    const long = counted("long/static/js@1", 1, 45);
    const short = counted("short/static/js@1", 1, 0);
    const twoLong = counted("two/static/js@2", 2, 45);
    const checked: string[] = [];
    const timings = await measure([long, short, twoLong], 3, 1, (c) => checked.push(c.id));
    expect(NOISY_SAMPLES).toBe(3);
    expect(checked.sort()).toEqual(["long/static/js@1", "short/static/js@1", "two/static/js@2"]);
    for (const c of [long, short, twoLong]) expect(timings.get(c)!.samples, c.id).toHaveLength(3);
    // One warm-up call each; then a 45 ms call is a sample on its own, and calls this fast are timed 16 to a sample.
    expect(long.calls).toBe(1 + 3);
    expect(short.calls).toBe(1 + 3 * 3 * 16);
    expect(twoLong.calls).toBe(1 + 3 * 3);
    // A round's value is the median of its samples: at least the 45 ms a call takes.
    expect(Math.min(...timings.get(twoLong)!.samples)).toBeGreaterThanOrEqual(44);
  });
});
