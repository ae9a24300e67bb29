// Compile time and memory for generated models of growing size (bench/compile-child.ts, one process each), and the
// growth of time per 10× layers: compiling should stay close to linear in the model's size.

import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export interface CompileResult {
  readonly layers: number;
  readonly parseMs: number;
  readonly passesMs: number;
  readonly emitMs: number;
  /** Parse + passes + emit. */
  readonly totalMs: number;
  /** CPU time (user + system) of parse + passes + emit: less sensitive than wall time to a loaded machine. */
  readonly cpuMs: number;
  /** `mconv compile FILE --target js -o DIR` in-process: reading, the same stages, writing the module. */
  readonly cliMs: number;
  readonly cliCpuMs: number;
  readonly moduleBytes: number;
  readonly heapGrowthMB: number;
  readonly heapUsedMB: number;
  readonly maxRssMB: number;
}

export function measureCompile(root: string, sizes: readonly number[]): CompileResult[] {
  const dir = join(root, "node_modules", ".cache", "mconv-bench");
  mkdirSync(dir, { recursive: true });
  return sizes.map((layers) => {
    const out = execFileSync(process.execPath, ["--import", "tsx", join(root, "bench", "compile-child.ts"), String(layers), dir], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 1 << 20,
    });
    return JSON.parse(out.trim().split("\n").pop()!) as CompileResult;
  });
}

/** time(10·n) / time(n) for consecutive sizes that grow tenfold. */
export function growth(results: readonly CompileResult[], key: "totalMs" | "cpuMs" | "cliMs" | "cliCpuMs"): { from: number; to: number; ratio: number }[] {
  const out: { from: number; to: number; ratio: number }[] = [];
  for (const a of results) {
    const b = results.find((r) => r.layers === a.layers * 10);
    if (b) out.push({ from: a.layers, to: b.layers, ratio: b[key] / a[key] });
  }
  return out;
}
