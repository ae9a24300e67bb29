// docs/errors.md is the catalogue of diagnostics: every code the sources can produce has an entry, and every
// entry names a code that exists.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { repoRoot } from "../support/cli.js";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

it("docs/errors.md lists exactly the codes the sources produce", () => {
  const produced = new Set(sourceFiles(join(repoRoot, "src")).flatMap((f) => readFileSync(f, "utf8").match(/"MC\d{4}"/g) ?? []).map((c) => c.slice(1, -1)));
  const documented = new Set(readFileSync(join(repoRoot, "docs/errors.md"), "utf8").match(/^### (MC\d{4})$/gm)!.map((h) => h.slice(4)));
  expect([...produced].filter((c) => !documented.has(c)).sort(), "codes without an entry").toEqual([]);
  expect([...documented].filter((c) => !produced.has(c)).sort(), "entries for codes nothing produces").toEqual([]);
});
