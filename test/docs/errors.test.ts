// docs/errors.md is the catalogue of diagnostics: every code the sources can produce has an entry, every entry
// names a code that exists, and every code is produced by a test — a case in test/diagnostics/cases (whose
// driver checks it is produced there), or the `example CODE KIND` block under its heading, run here.
import { closeSync, openSync, readFileSync, readdirSync, statSync, writeFileSync, ftruncateSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Diagnostic, Result } from "../../src/diagnostics.js";
import * as mconvApi from "../../src/index.js";
import { mconv, repoRoot, scratchDir } from "../support/cli.js";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const catalogue = readFileSync(join(repoRoot, "docs/errors.md"), "utf8");
const documented = new Set(catalogue.match(/^### (MC\d{4})$/gm)!.map((h) => h.slice(4)));
const produced = new Set(sourceFiles(join(repoRoot, "src")).flatMap((f) => readFileSync(f, "utf8").match(/"MC\d{4}"/g) ?? []).map((c) => c.slice(1, -1)));
const casesDir = join(repoRoot, "test/diagnostics/cases");
const byCases = new Set(readdirSync(casesDir).flatMap((f) => readFileSync(join(casesDir, f), "utf8").match(/expect-error@\S+ (MC\d{4})/g) ?? []).map((m) => m.slice(-6)));
const examples = [...catalogue.matchAll(/^```example (MC\d{4}) (\w+)\n([\s\S]*?)^```$/gm)].map((m) => ({ code: m[1]!, kind: m[2]!, body: m[3]! }));

/** The codes a run of one example reports: CLI output, or the diagnostics of an API call. */
async function codesOf(kind: string, body: string): Promise<string[]> {
  const dir = scratchDir("errors");
  const write = (name: string) => {
    const path = join(dir, name);
    writeFileSync(path, body);
    return path;
  };
  const cli = async (...argv: string[]) => {
    const r = await mconv(...argv);
    expect(r.code, r.stderr).toBe(1);
    return [...r.stderr.matchAll(/error (MC\d{4})/g)].map((m) => m[1]!);
  };
  switch (kind) {
    case "mconv":
      return cli("check", write("m.mconv"));
    case "ir":
      return cli("ir", write("m.ir"));
    case "inputs":
      return cli("run", "examples/seed.mconv", "--inputs", write("i.json"), "--weights", "examples/seed.weights.json");
    case "weights":
      return cli("run", "examples/seed.mconv", "--inputs", "examples/seed.inputs.json", "--weights", write("w.json"));
    case "argv": {
      const big = join(dir, "big.mconv");
      const fd = openSync(big, "w");
      ftruncateSync(fd, 65 * 1024 * 1024); // sparse: costs no disk, only its size is read
      closeSync(fd);
      return cli(...body.trim().replace("{big}", big).split(/\s+/));
    }
    case "js": {
      const run = new Function("mconv", `return (async () => {\n${body}\n})();`) as (m: typeof mconvApi) => Promise<Result<unknown> | Diagnostic[]>;
      const out = await run(mconvApi);
      const ds = Array.isArray(out) ? out : out.diagnostics;
      return ds.filter((d) => d.severity === "error").map((d) => d.code);
    }
    default:
      throw new Error(`unknown example kind ${kind}`);
  }
}

describe("docs/errors.md", () => {
  it("lists exactly the codes the sources produce", () => {
    expect([...produced].filter((c) => !documented.has(c)).sort(), "codes without an entry").toEqual([]);
    expect([...documented].filter((c) => !produced.has(c)).sort(), "entries for codes nothing produces").toEqual([]);
  });

  it("has a test producing every code: a diagnostics case or an example", () => {
    const exampled = new Set(examples.map((e) => e.code));
    expect([...documented].filter((c) => !byCases.has(c) && !exampled.has(c)).sort()).toEqual([]);
  });

  it.each(examples.map((e) => [e.code, e] as const))("the example of %s produces it", async (code, e) => {
    expect(await codesOf(e.kind, e.body)).toContain(code);
  });
});
