// The mconv executable as a separate process, as a shell user runs it: stdout carries only the results (no tfjs
// banner), stderr only diagnostics, and the exit code tells what happened.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/cli.js";

function mconv(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: repoRoot, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SEED = ["run", "examples/seed.mconv", "--inputs", "examples/seed.inputs.json", "--weights", "examples/seed.weights.json"];

describe("the mconv process", () => {
  it.each(["tfjs", "tfjs-cpu", "js"])("prints only the outputs on %s, nothing on stderr, and exits 0", (backend) => {
    const r = mconv(...SEED, "--backend", backend);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ y: { shape: [1, 2, 2, 2], data: [21, 21, 21, 21, 21, 21, 21, 21] } });
  });

  it("exits 1 with a positioned diagnostic and no stack trace on a broken model", () => {
    const r = mconv("check", "test/diagnostics/cases/mask-width-mismatch.mconv");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^test\/diagnostics\/cases\/mask-width-mismatch\.mconv:\d+:\d+: error MC2003: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 on a usage error", () => {
    const r = mconv("run");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing FILE");
  });
});
