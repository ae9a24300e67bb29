// The real TextMate engine VS Code runs (vscode-textmate over the oniguruma regex library compiled to wasm),
// loaded with mconv's grammar, for tests: text in, tokens with their scope stacks and offsets out.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as oniguruma from "vscode-oniguruma";
import * as textmate from "vscode-textmate";
import { repoRoot } from "../support/cli.js";

export const grammarPath = join(repoRoot, "syntaxes", "mconv.tmLanguage.json");

export interface ScopedToken {
  readonly text: string;
  /** Offset in the whole text. */
  readonly start: number;
  readonly end: number;
  /** Outermost first: ["source.mconv", …, "keyword.other.model.mconv"]. */
  readonly scopes: readonly string[];
}

let loaded: Promise<textmate.IGrammar> | undefined;

/** The grammar through vscode-textmate, loaded once per test file. */
export function mconvGrammar(): Promise<textmate.IGrammar> {
  loaded ??= (async () => {
    const wasm = readFileSync(createRequire(import.meta.url).resolve("vscode-oniguruma/release/onig.wasm"));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new textmate.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
        createOnigString: (text: string) => new oniguruma.OnigString(text),
      }),
      loadGrammar: async (scope: string) =>
        scope === "source.mconv" ? textmate.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath) : null,
    });
    const grammar = await registry.loadGrammar("source.mconv");
    if (!grammar) throw new Error(`vscode-textmate did not load ${grammarPath}`);
    return grammar;
  })();
  return loaded;
}

/** Tokenizes a whole text line by line, carrying the rule stack as an editor does. */
export async function tokenize(text: string): Promise<ScopedToken[]> {
  const grammar = await mconvGrammar();
  const out: ScopedToken[] = [];
  let stack = textmate.INITIAL;
  let offset = 0;
  for (const line of text.split("\n")) {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) {
      const end = Math.min(t.endIndex, line.length);
      if (end > t.startIndex) out.push({ text: line.slice(t.startIndex, end), start: offset + t.startIndex, end: offset + end, scopes: t.scopes });
    }
    stack = r.ruleStack;
    offset += line.length + 1;
  }
  return out;
}

/** The innermost scope of a token. */
export function scopeOf(t: ScopedToken): string {
  return t.scopes[t.scopes.length - 1]!;
}
