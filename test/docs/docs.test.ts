// The docs are run as tests: every ```mconv block in README.md and docs/*.md must compile and, on random weights
// and inputs, give the reference interpreter's outputs on the js target; every ```mconv-error CODE block must be
// rejected with that code.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostics } from "../../src/diagnostics.js";
import { loadCompiled } from "../../src/codegen/index.js";
import { interpret } from "../../src/ir/interpret.js";
import { parseModel } from "../../src/parser/parse.js";
import { optimize } from "../../src/passes/pipeline.js";
import { initWeights } from "../../src/io/init.js";
import { repoRoot } from "../support/cli.js";
import { maxRelativeError, randomFeeds } from "../support/random.js";

interface Block {
  readonly file: string;
  readonly line: number;
  readonly expectCode?: string;
  readonly text: string;
}

function blocks(file: string): Block[] {
  const text = readFileSync(join(repoRoot, file), "utf8");
  const out: Block[] = [];
  const re = /^```(mconv(?:-error (MC\d{4}))?)\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ file, line: text.slice(0, m.index).split("\n").length, expectCode: m[2], text: m[3]! });
  }
  return out;
}

const docFiles = ["README.md", ...readdirSync(join(repoRoot, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const all = docFiles.flatMap(blocks);

describe("docs", () => {
  it("have examples", () => {
    expect(all.length).toBeGreaterThan(3);
  });

  it.each(all.map((b) => [`${b.file}:${b.line}`, b] as const))("%s", async (_where, block) => {
    const parsed = parseModel({ name: `${block.file}:${block.line}`, text: block.text });
    if (block.expectCode) {
      expect(parsed.ok).toBe(false);
      expect(parsed.diagnostics.map((d) => d.code)).toContain(block.expectCode);
      return;
    }
    if (!parsed.ok) throw new Error(formatDiagnostics(parsed.diagnostics));
    const { inputs } = randomFeeds(parsed.value, 11, { N: 2 });
    const params = initWeights(parsed.value, "random", 11);
    const expected = interpret(parsed.value, inputs, params);
    const model = await loadCompiled(optimize(parsed.value), "js", params);
    if (!model.ok) throw new Error(formatDiagnostics(model.diagnostics));
    const actual = await model.value.predict(inputs);
    for (const name of Object.keys(expected)) {
      expect(actual[name]!.shape).toEqual(expected[name]!.shape);
      expect(maxRelativeError(actual[name]!.data, expected[name]!.data)).toBeLessThan(1e-5);
    }
  });
});
