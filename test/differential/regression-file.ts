// Regression files: a shrunk failing graph as IR text (every constant printed in full, so readGraph reads it back)
// with its intent on the first line, the seed its feeds and weights are drawn with, and the distributions of the
// sources that do not draw uniformly from [-1, 1). `mconv run` and `mconv ir` read the same file.
//
//   # Test case: <what must hold>
//   # seed: 123
//   # values %m4: binary 0.4
//   graph Diff { ... }

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatDiagnostics } from "../../src/diagnostics.js";
import type { Graph } from "../../src/ir/node.js";
import { printGraph } from "../../src/ir/text/print.js";
import { readGraph } from "../../src/ir/text/read.js";
import { type Dist, type Dists, formatDist, parseDist } from "./values.js";

export interface Regression {
  readonly intent: string;
  readonly seed: number;
  readonly dists: Dists;
  readonly graph: Graph;
}

export const REGRESSIONS_DIR = new URL("./regressions/", import.meta.url).pathname;

export function formatRegression(r: Regression): string {
  const names = new Set(r.graph.nodes.filter((n) => n.op === "input" || n.op === "param").map((n) => n.name));
  const values = [...r.dists].filter(([name]) => names.has(name)).map(([name, d]) => `# values %${name}: ${formatDist(d)}`);
  return [`# Test case: ${r.intent.replace(/\s+/g, " ")}`, `# seed: ${r.seed}`, ...values, printGraph(r.graph, { elideAbove: Infinity })].join("\n");
}

/** Reads a regression file; throws with the reader's diagnostics when the text is not one. */
export function parseRegression(name: string, text: string): Regression {
  const lines = text.split("\n");
  const intent = /^# Test case: (\S.*)$/.exec(lines[0] ?? "")?.[1];
  if (!intent) throw new Error(`${name}: the first line must be '# Test case: <intent>'`);
  const seed = Number(/^# seed: (\d+)$/m.exec(text)?.[1] ?? NaN);
  if (!Number.isInteger(seed)) throw new Error(`${name}: no '# seed: <n>' line`);
  const dists = new Map<string, Dist>();
  for (const m of text.matchAll(/^# values %(\S+): (.*)$/gm)) {
    const d = parseDist(m[2]!);
    if (!d) throw new Error(`${name}: cannot read the distribution '${m[2]}'`);
    dists.set(m[1]!, d);
  }
  const read = readGraph({ name, text });
  if (!read.ok) throw new Error(formatDiagnostics(read.diagnostics));
  return { intent, seed, dists, graph: read.value };
}

/** Writes `<name>.ir` into the regressions folder; returns its path. */
export function saveRegression(name: string, r: Regression): string {
  mkdirSync(REGRESSIONS_DIR, { recursive: true });
  const path = join(REGRESSIONS_DIR, `${name}.ir`);
  writeFileSync(path, formatRegression(r));
  return path;
}
