// Everything mconv makes from the example models, by name: the printed IR as parsed and after -O0 and -O1, and the
// emitted modules of both targets, with and without weights embedded (initWeights, seeded). The determinism test compares
// these across runs in this process and in a child process (determinism-child.ts).

import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { emitModule } from "../../src/codegen/index.js";
import { formatDiagnostics } from "../../src/diagnostics.js";
import { initWeights } from "../../src/io/init.js";
import { printGraph } from "../../src/ir/text/print.js";
import { parseModel } from "../../src/parser/parse.js";
import { optimize } from "../../src/passes/pipeline.js";

export const EXAMPLES_DIR = new URL("../../examples/", import.meta.url).pathname;

export function exampleFiles(): string[] {
  return readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith(".mconv")).sort();
}

/** The artifacts of one example model, by a label such as `js -O1 +weights`. */
export function artifactsOf(file: string): Record<string, string> {
  const parsed = parseModel({ name: `examples/${file}`, text: readFileSync(join(EXAMPLES_DIR, file), "utf8") });
  if (!parsed.ok) throw new Error(formatDiagnostics(parsed.diagnostics));
  const graph = parsed.value;
  const weights = initWeights(graph, "random", 7);
  const out: Record<string, string> = { parsed: printGraph(graph, { elideAbove: Infinity }) };
  for (const level of [0, 1] as const) {
    for (const bound of [false, true]) {
      const optimized = optimize(graph, { level, weights: bound ? weights : undefined, verify: true });
      const suffix = ` -O${level}${bound ? " +weights" : ""}`;
      // Embedded weights print elided (printing every value costs seconds); the modules carry their exact bytes.
      out[`ir${suffix}`] = printGraph(optimized);
      for (const target of ["js", "tfjs"] as const) {
        const emitted = emitModule(optimized, target);
        if (!emitted.ok) throw new Error(formatDiagnostics(emitted.diagnostics));
        out[`${target}${suffix}`] = emitted.value;
      }
    }
  }
  return out;
}

/** sha256 of each artifact, by the same labels. */
export function digests(artifacts: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(artifacts).map(([k, v]) => [k, createHash("sha256").update(v).digest("hex")]));
}

/** The digests of every artifact of every example: `{ "seed.mconv": { "js -O1": "ab12…" } }`. */
export function artifactDigests(): Record<string, Record<string, string>> {
  return Object.fromEntries(exampleFiles().map((file) => [file, digests(artifactsOf(file))]));
}
