// Pass tests, MLIR style: each case file under test/passes/<pass-name>/ is IR text whose first line states its
// intent. The pass runs, the verifier checks the result, the printed IR is compared with the file snapshot in
// __snapshots__/, and the reference interpreter checks that outputs before and after agree on random feeds.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostics } from "../../src/diagnostics.js";
import { interpret } from "../../src/ir/interpret.js";
import { printGraph } from "../../src/ir/text/print.js";
import { readGraph } from "../../src/ir/text/read.js";
import { verifyGraph } from "../../src/ir/verify.js";
import { passByName } from "../../src/passes/pipeline.js";
import { maxRelativeError, randomFeeds } from "../support/random.js";

const root = new URL(".", import.meta.url).pathname;
const passDirs = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

describe.each(passDirs)("%s", (passName) => {
  const pass = passByName(passName);
  const dir = join(root, passName);
  const cases = readdirSync(dir).filter((f) => f.endsWith(".ir"));

  it("names a real pass and has cases", () => {
    expect(pass, `no pass named ${passName}`).toBeDefined();
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases)("%s", async (file) => {
    const text = readFileSync(join(dir, file), "utf8");
    const intent = text.split("\n")[0]!;
    expect(intent, "the first line states the case's intent").toMatch(/^# Test case: \S/);
    const parsed = readGraph({ name: file, text });
    if (!parsed.ok) throw new Error(formatDiagnostics(parsed.diagnostics));
    const before = parsed.value;
    const { inputs, params } = randomFeeds(before, 7, { N: 2 });
    // bind-weights takes every param's value at compile time; other passes see no weights.
    const ctx = passName === "bind-weights" ? { weights: params } : {};
    const after = pass!.run(before, ctx);
    expect(formatDiagnostics(verifyGraph(after))).toBe("");
    await expect(`${intent}\n${printGraph(after)}`).toMatchFileSnapshot(join(dir, "__snapshots__", file));

    const expected = interpret(before, inputs, params);
    const actual = interpret(after, inputs, params);
    expect(Object.keys(actual)).toEqual(Object.keys(expected));
    for (const name of Object.keys(expected)) {
      expect(actual[name]!.shape).toEqual(expected[name]!.shape);
      expect(maxRelativeError(actual[name]!.data, expected[name]!.data)).toBeLessThan(1e-6);
    }
  });
});
