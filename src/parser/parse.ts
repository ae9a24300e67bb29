// The parser's entry point: source text → Graph or diagnostics. Syntax first (syntax.ts: every syntax error in one
// run), then lowering (lower.ts) only when the syntax is clean. Never throws on user input.

import { type Result, type Source, error, failed, span } from "../diagnostics.js";
import type { Graph } from "../ir/node.js";
import { type ParseOptions, lowerFile } from "./lower.js";
import { parseSyntax } from "./syntax.js";

export type { ParseOptions } from "./lower.js";

/**
 * Larger files are refused rather than slowly chewed through: parsing costs about half a kilobyte per token, so a
 * megabyte of short statements takes two seconds and 600 MB, and ten took over a minute and 4 GB. Real models are
 * a few kilobytes; large masks belong in load("file.json").
 */
export const MAX_SOURCE_CHARS = 1024 * 1024;

/**
 * Parses a .mconv model into a graph, or reports every problem found. `options.readFile` gives load("file.json")
 * access to files (paths are joined to the folder of `source.name`); without it load() is an error.
 */
export function parseModel(source: Source, options: ParseOptions = {}): Result<Graph> {
  if (source.text.length > MAX_SOURCE_CHARS) {
    const message = `the file has ${source.text.length} characters; the limit is ${MAX_SOURCE_CHARS} (1 MB)`;
    return failed([error("MC1005", message, span(source, 0, 0))]);
  }
  const syntax = parseSyntax(source);
  if (syntax.cst === undefined || syntax.diagnostics.length > 0) return failed(syntax.diagnostics);
  return lowerFile(syntax.cst, source, options);
}
