// The VS Code extension in editors/vscode: its manifest points at the one grammar in syntaxes/ under the scope
// the grammar declares, and its language configuration uses the lexer's comment and bracket syntax.
import { readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLOSERS, OPENERS, lexer } from "../../src/parser/tokens.js";
import { repoRoot } from "../support/cli.js";
import { grammarPath, tokenize, scopeOf } from "./tokenize.js";

const extension = join(repoRoot, "editors", "vscode");
const manifest = JSON.parse(readFileSync(join(extension, "package.json"), "utf8"));
const grammar = JSON.parse(readFileSync(grammarPath, "utf8"));

describe("the VS Code extension", () => {
  it("contributes the language for .mconv files and the grammar of syntaxes/", () => {
    const [language] = manifest.contributes.languages;
    const [contributed] = manifest.contributes.grammars;
    expect(language).toMatchObject({ id: "mconv", extensions: [".mconv"] });
    expect(contributed).toMatchObject({ language: "mconv", scopeName: "source.mconv" });
    expect(grammar.scopeName).toBe("source.mconv");
    expect(realpathSync(join(extension, contributed.path))).toBe(realpathSync(grammarPath));
  });

  it("configures comments the lexer skips and the grammar scopes as comments", async () => {
    const [language] = manifest.contributes.languages;
    const config = JSON.parse(readFileSync(join(extension, language.configuration), "utf8"));
    const [open, close] = config.comments.blockComment;
    for (const text of [`${config.comments.lineComment} a comment`, `${open} a comment ${close}`]) {
      const lexed = lexer.tokenize(text);
      expect({ text, tokens: lexed.tokens.length, errors: lexed.errors.length }).toEqual({ text, tokens: 0, errors: 0 });
      expect((await tokenize(text)).every((t) => scopeOf(t).startsWith("comment.") || t.scopes.some((s) => s.startsWith("comment.")))).toBe(true);
    }
  });

  it("pairs exactly the lexer's brackets", () => {
    const [language] = manifest.contributes.languages;
    const config = JSON.parse(readFileSync(join(extension, language.configuration), "utf8"));
    const pairs = (config.brackets as [string, string][]).map(([o, c]) => {
      const [opener] = lexer.tokenize(o).tokens;
      const [closer] = lexer.tokenize(c).tokens;
      return [OPENERS.has(opener!.tokenType), CLOSERS.has(closer!.tokenType)];
    });
    expect(pairs).toEqual([...OPENERS].map(() => [true, true]));
  });
});
