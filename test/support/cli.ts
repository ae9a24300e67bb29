// Runs the mconv CLI in-process with captured output, from the repository's root.
import { mkdirSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../src/cli/app.js";

export const repoRoot = new URL("../..", import.meta.url).pathname;

export async function mconv(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: repoRoot });
  return { code, stdout, stderr };
}

/** A fresh folder inside the repository (so generated modules resolve @tensorflow/tfjs from node_modules). */
export function scratchDir(prefix: string): string {
  const base = join(repoRoot, "node_modules", ".cache", "mconv-test");
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${prefix}-`));
}
