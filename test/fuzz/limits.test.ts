// Empty and enormous inputs, one of each kind, at and past the limits: each ends in a clear error (or a success)
// within a bound — what a hang or a blow-up would break. The campaign (campaign.ts) adds larger ones.

import { describe, expect, it } from "vitest";
import { type Source, formatDiagnostic } from "../../src/diagnostics.js";
import { readGraph } from "../../src/ir/text/read.js";
import { readTensorFile } from "../../src/io/tensorFile.js";
import { parseModel } from "../../src/parser/parse.js";
import { MB, PARSE_LIMITS, filled } from "./big.js";
import { checkDiagnostics, checkGraph } from "./properties.js";

describe("enormous and empty model files", () => {
  it.each(PARSE_LIMITS.map(([what, text, code, ms]) => [what, text, code, ms] as const))("%s", (_what, make, code, maxMs) => {
    const source: Source = { name: "big.mconv", text: make() };
    const start = performance.now();
    const r = parseModel(source);
    const ms = performance.now() - start;
    expect(ms, `took ${ms.toFixed(0)} ms`).toBeLessThan(maxMs);
    checkDiagnostics(r.diagnostics, [source]);
    expect(r.diagnostics.length).toBeLessThanOrEqual(101);
    if (code === "ok") {
      expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
      // The 2^24-value mask prints as <16777216 values, …>: its round trip in full is the campaign's.
      if (r.ok && source.text.length < MB / 2 && !source.text.includes("4096")) checkGraph(r.value, "parseModel");
    } else {
      expect(r.ok).toBe(false);
      expect(r.diagnostics[0]!.code).toBe(code);
    }
  });
});

describe("enormous and empty IR and tensor files", () => {
  const cases: readonly [string, () => { ok: boolean; diagnostics: readonly import("../../src/diagnostics.js").Diagnostic[] }, string, number][] = [
    ["empty IR", () => readGraph({ name: "e.ir", text: "" }), "MC1101", 100],
    ["an IR constant of 200,000 values", () => readGraph({ name: "c.ir", text: `graph G {\n  %c = constant [${filled("1,", 400_000)}1] : f32[200001]\n  output c = %c\n}\n` }), "ok", 5000],
    ["an IR constant nested 20,000 deep", () => readGraph({ name: "n.ir", text: `graph G {\n  %c = constant ${"[".repeat(20_000)}1${"]".repeat(20_000)} : f32[${Array(20_000).fill(1).join(",")}]\n  output c = %c\n}\n` }), "MC2020", 3000],
    ["1 MB of IR statements", () => readGraph({ name: "s.ir", text: filled("%a = relu(%b) ", 1024 * 1024, "graph G {\n") }), "MC1101", 5000],
    ["a tensors file of 200,000 values", () => readTensorFile({ name: "t.json", text: `{"x": {"shape": [200001], "data": [${filled("1.5,", 800_000)}1.5]}}` }), "ok", 5000],
    ["a tensors file nested a million deep", () => readTensorFile({ name: "d.json", text: "[".repeat(1_000_000) }), "MC5011", 500],
    ["a tensors file of 10,000 tensors", () => readTensorFile({ name: "k.json", text: `{${Array.from({ length: 10_000 }, (_, i) => `"k${i}": {"shape": [1], "data": [1]}`).join(",")}}` }), "ok", 5000],
  ];
  it.each(cases)("%s", (_what, run, code, maxMs) => {
    const start = performance.now();
    const r = run();
    // A hang detector with room for a loaded machine, not a speed test.
    expect(performance.now() - start).toBeLessThan(maxMs * 4);
    if (code === "ok") expect(r.diagnostics).toEqual([]);
    else expect(r.diagnostics[0]!.code).toBe(code);
  });
});
