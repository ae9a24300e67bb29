// Language cases, MLIR style: each cases/<name>.mconv states its intent on line 1, parses without diagnostics, its
// printed IR is pinned in __snapshots__/<name>.ir, the verifier accepts it, and the reference interpreter gives
// the same outputs before and after optimize() (with the weights fed at run time and bound at compile time).

import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { formatDiagnostics } from "../../src/diagnostics.js";
import { interpret } from "../../src/ir/interpret.js";
import { printGraph } from "../../src/ir/text/print.js";
import { verifyGraph } from "../../src/ir/verify.js";
import { parseModel } from "../../src/parser/parse.js";
import { optimize } from "../../src/passes/pipeline.js";
import { maxRelativeError, randomFeeds } from "../support/random.js";

const CASES = new URL("./cases/", import.meta.url);
const files = readdirSync(CASES)
  .filter((f) => f.endsWith(".mconv"))
  .sort();

describe("language cases", () => {
  test("there are cases", () => expect(files.length).toBeGreaterThan(10));

  test.each(files)("%s", async (file) => {
    const text = readFileSync(new URL(file, CASES), "utf8");
    const intent = text.split("\n")[0]!;
    expect(intent, "line 1 states the intent").toMatch(/^\/\/ Test case: \S/);
    const parsed = parseModel({ name: `cases/${file}`, text });
    if (!parsed.ok) throw new Error(formatDiagnostics(parsed.diagnostics));
    expect(formatDiagnostics(parsed.diagnostics)).toBe("");
    const graph = parsed.value;
    expect(formatDiagnostics(verifyGraph(graph))).toBe("");
    await expect(`${intent}\n${printGraph(graph)}`).toMatchFileSnapshot(`./__snapshots__/${file.replace(/\.mconv$/, ".ir")}`);

    const feeds = randomFeeds(graph, 5, { N: 2 });
    const inputs = feeds.inputs;
    // Variances are ≥ 0 (random ones would make batch_norm's outputs NaN).
    const params = Object.fromEntries(
      Object.entries(feeds.params).map(([k, t]) => [k, k.endsWith(".moving_variance") ? { ...t, data: Float32Array.from(t.data, Math.abs) } : t]),
    );
    const expected = interpret(graph, inputs, params);
    for (const optimized of [optimize(graph), optimize(graph, { weights: params })]) {
      expect(formatDiagnostics(verifyGraph(optimized))).toBe("");
      const actual = interpret(optimized, inputs, params);
      expect(Object.keys(actual)).toEqual(Object.keys(expected));
      for (const name of Object.keys(expected)) {
        expect(actual[name]!.shape, name).toEqual(expected[name]!.shape);
        expect(maxRelativeError(actual[name]!.data, expected[name]!.data), name).toBeLessThan(1e-6);
      }
    }
  });
});
