// The diagnostics driver: each cases/*.mconv file states its intent on line 1 and annotates the errors it expects
// (syntax in README.md). Every expected error must appear at its line:col with its code and message fragment, and
// nothing else may; the formatted output is then pinned in __snapshots__/<case>.txt.

import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { type Diagnostic, formatDiagnostics, lineCol } from "../../src/diagnostics.js";
import { parseModel } from "../../src/parser/parse.js";

const CASES = new URL("./cases/", import.meta.url);

interface Expectation {
  readonly line: number;
  readonly col?: number;
  readonly code: string;
  readonly fragment: string;
}

const ANNOTATION = /^@([+-]\d+)(?::(\d+))?\s+(MC\d{4}):\s*(.*?)\s*$/;

/** `// expect-error@+0:14 MC2003: fragment`, several per line allowed; the offset is relative to the comment's line. */
function readExpectations(text: string): Expectation[] {
  const out: Expectation[] = [];
  text.split("\n").forEach((line, i) => {
    for (const part of line.split(/\/\/\s*expect-error/).slice(1)) {
      const m = ANNOTATION.exec(part.replace(/\r$/, ""));
      if (!m) throw new Error(`line ${i + 1}: malformed annotation 'expect-error${part}'`);
      out.push({ line: i + 1 + Number(m[1]), col: m[2] ? Number(m[2]) : undefined, code: m[3]!, fragment: m[4]! });
    }
  });
  return out;
}

function describeActual(d: Diagnostic): string {
  const at = d.span ? lineCol(d.span.source, d.span.start) : undefined;
  return `${at ? `${at.line}:${at.col}` : "<no span>"} ${d.code}: ${d.message}`;
}

function matches(e: Expectation, d: Diagnostic): boolean {
  if (!d.span) return false;
  const at = lineCol(d.span.source, d.span.start);
  return at.line === e.line && (e.col === undefined || at.col === e.col) && d.code === e.code && d.message.includes(e.fragment);
}

const files = readdirSync(CASES)
  .filter((f) => f.endsWith(".mconv"))
  .sort();

describe("diagnostics", () => {
  test("there are cases", () => expect(files.length).toBeGreaterThan(20));

  test.each(files)("%s", async (file) => {
    const text = readFileSync(new URL(file, CASES), "utf8");
    expect(text.split("\n")[0], "line 1 states the intent").toMatch(/^\/\/ Test case: \S/);
    const expected = readExpectations(text);
    expect(expected.length, "a case expects at least one error").toBeGreaterThan(0);
    const result = parseModel({ name: `cases/${file}`, text });
    expect(result.ok).toBe(false);

    const unmatched = [...result.diagnostics];
    const missing: Expectation[] = [];
    for (const e of expected) {
      const i = unmatched.findIndex((d) => matches(e, d));
      if (i < 0) missing.push(e);
      else unmatched.splice(i, 1);
    }
    const report = [
      ...missing.map((e) => `missing: ${e.line}:${e.col ?? "*"} ${e.code}: …${e.fragment}…`),
      ...unmatched.map((d) => `unexpected: ${describeActual(d)}`),
    ];
    expect(report, `actual:\n${result.diagnostics.map(describeActual).join("\n")}`).toEqual([]);

    await expect(formatDiagnostics(result.diagnostics) + "\n").toMatchFileSnapshot(`./__snapshots__/${file.replace(/\.mconv$/, "")}.txt`);
  });
});
