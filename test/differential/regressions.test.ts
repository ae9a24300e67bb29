// Replays every shrunk failure kept under regressions/ (regression-file.ts) through the whole differential matrix:
// interpret() and every backend, after -O0, -O1 and every pass alone, weights bound or given at load.

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { printGraph } from "../../src/ir/text/print.js";
import { REGRESSIONS_DIR, formatRegression, parseRegression } from "./regression-file.js";
import { checkGraph } from "./run.js";

const FILES = readdirSync(REGRESSIONS_DIR).filter((f) => f.endsWith(".ir")).sort();

test("every regression file reads back to the text it was written as", () => {
  expect(FILES.length).toBeGreaterThan(0);
  for (const file of FILES) {
    const text = readFileSync(join(REGRESSIONS_DIR, file), "utf8");
    const r = parseRegression(file, text);
    expect(formatRegression(r).trim(), file).toBe(text.trim());
    expect(printGraph(r.graph, { elideAbove: Infinity }), file).toContain("graph ");
  }
});

test.each(FILES)("%s", async (file) => {
  const r = parseRegression(file, readFileSync(join(REGRESSIONS_DIR, file), "utf8"));
  const failures = await checkGraph(r.graph, r.dists, r.seed);
  expect(failures.map((f) => `${f.config} on ${f.runner}: ${f.message}`), r.intent).toEqual([]);
});
