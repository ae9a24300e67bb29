// Syntax highlighting with shiki, reading the same TextMate grammar VS Code uses (syntaxes/mconv.tmLanguage.json)
// through the oniguruma regex engine compiled to wasm. Each token keeps its innermost scope as data-scope.

import { type HighlighterCore, createHighlighterCore } from "shiki/core";
import { createOnigurumaEngine } from "shiki/engine/oniguruma";
import githubLight from "shiki/themes/github-light.mjs";
import grammar from "../../syntaxes/mconv.tmLanguage.json";

export interface Highlighter {
  /** The text as HTML spans, one line per `\n`, coloured by the theme. */
  toHtml(text: string): string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

export async function createHighlighter(): Promise<Highlighter> {
  const shiki: HighlighterCore = await createHighlighterCore({
    themes: [githubLight],
    langs: [{ ...grammar, name: "mconv" } as never],
    engine: createOnigurumaEngine(import("shiki/wasm")),
  });
  return {
    toHtml(text) {
      const lines = shiki.codeToTokensBase(text, { lang: "mconv", theme: "github-light", includeExplanation: "scopeName" });
      return lines
        .map((line) =>
          line
            .flatMap((t) => {
              const style = t.color ? ` style="color:${t.color}${t.fontStyle === 1 ? ";font-style:italic" : ""}"` : "";
              // Tokens of one colour come merged; their explanation keeps the parts with their scopes.
              const parts = t.explanation ?? [{ content: t.content, scopes: [] }];
              return parts.map((p) => {
                const scope = p.scopes[p.scopes.length - 1]?.scopeName ?? "";
                return `<span data-scope="${escapeHtml(scope)}"${style}>${escapeHtml(p.content)}</span>`;
              });
            })
            .join(""),
        )
        .join("\n");
    },
  };
}
