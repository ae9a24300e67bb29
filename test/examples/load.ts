// Loading the example networks for tests, with inputs shaped as their roles need (0/1 for hole masks).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatDiagnostics } from "../../src/diagnostics.js";
import type { Graph } from "../../src/ir/node.js";
import { parseModel } from "../../src/parser/parse.js";
import { repoRoot } from "../support/cli.js";
import { randomFeeds } from "../support/random.js";

export function loadExample(file: string): Graph {
  const text = readFileSync(join(repoRoot, "examples", file), "utf8");
  const parsed = parseModel({ name: `examples/${file}`, text });
  if (!parsed.ok) throw new Error(formatDiagnostics(parsed.diagnostics));
  return parsed.value;
}

/** Inputs named like masks (holes) are fed 0/1 values, as a mask would be; others uniform in [-1, 1). */
export function exampleInputs(graph: Graph, seed: number, batch = 2) {
  const { inputs } = randomFeeds(graph, seed, { N: batch });
  const fed: Record<string, { shape: readonly number[]; data: Float32Array }> = {};
  for (const [name, t] of Object.entries(inputs)) {
    const data = Float32Array.from(t.data);
    fed[name] = { shape: t.shape, data: /hole|mask/.test(name) ? data.map((v) => (v > -0.4 ? 1 : 0)) : data };
  }
  return fed;
}
