// `mconv fmt`: the canonical layout of a .mconv file, computed from its tokens (comments included), so it needs no
// knowledge of the grammar beyond brackets, `=`, `,` and `;`. It only moves whitespace: the formatted file has the
// same tokens in the same order (checked after every run). Not a parser: syntax errors are refused before this.

import { type IToken, Lexer, type TokenType, createToken } from "chevrotain";
import { InternalError, type Result, type Source, error, failed, ok, span } from "../diagnostics.js";
import { MAX_SOURCE_CHARS } from "../parser/parse.js";
import { parseSyntax } from "../parser/syntax.js";
import * as t from "../parser/tokens.js";

// The parser's lexer skips comments; the formatter's lexer keeps them as tokens, everything else unchanged.
const LineComment = createToken({ name: "FmtLineComment", pattern: /\/\/[^\n]*/ });
const BlockComment = createToken({ name: "FmtBlockComment", pattern: /\/\*[\s\S]*?\*\//, line_breaks: true });
const COMMENTS = new Set(["LineComment", "BlockComment"]);
const fmtLexer = new Lexer(
  t.allTokens.flatMap((tok): TokenType[] => (tok.name === "LineComment" ? [LineComment, BlockComment] : COMMENTS.has(tok.name) ? [] : [tok])),
  { positionTracking: "full", ensureOptimizations: false },
);

const INDENT = 2;
/** Separation of an end-of-line comment from the code, the comments of consecutive lines aligned (as gofmt). */
const COMMENT_GAP = 2;

interface Line {
  text: string;
  /** An end-of-line `//` comment, aligned with its neighbours' at the end. */
  trailing?: string;
}

interface Open {
  /** Column of a continuation line inside the bracket, and of a line starting with its closer. */
  readonly cont: number;
  readonly close: number;
}

/** A comment as written, less the blanks (and carriage returns) at the ends of its lines. */
const commentText = (tok: IToken) => tok.image.replace(/[ \t\r\f\v]+$/gm, "");
const isComment = (tok: IToken) => tok.tokenType === LineComment || tok.tokenType === BlockComment;
const is = (tok: IToken | undefined, type: TokenType) => tok !== undefined && tok.tokenType === type;
const isOpener = (tok: IToken | undefined) => is(tok, t.LParen) || is(tok, t.LBracket);
const isCloser = (tok: IToken | undefined) => is(tok, t.RParen) || is(tok, t.RBracket);

/** The whitespace between two tokens on one line; `nested` when inside ( ) or [ ]. */
function gap(prev: IToken, tok: IToken, nested: boolean): string {
  if (isOpener(prev) || (is(prev, t.LCurly) && is(tok, t.RCurly))) return "";
  if (isCloser(tok) || is(tok, t.Comma) || is(tok, t.Semicolon) || is(tok, t.Colon)) return "";
  if ((is(tok, t.LParen) || is(tok, t.LBracket)) && is(prev, t.Identifier)) return "";
  if (is(tok, t.Equals) || is(prev, t.Equals)) return nested ? "" : " ";
  return " ";
}

function newlinesBetween(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf("\n", from); i >= 0 && i < to; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** The column where the next character of a line goes (after a multi-line block comment: of its last line). */
function column(text: string): number {
  return text.length - (text.lastIndexOf("\n") + 1);
}

/**
 * The tokens of a mask literal written as a grid: `mask m = [[…], …]` or `mask=[[…], …]`, a list of lists of
 * numbers (any depth), with `//` comments only after a row's comma. Returns the index of its `]` or -1.
 */
function gridEnd(tokens: readonly IToken[], i: number, code: readonly IToken[], codeIndex: number): number {
  const before = code.slice(Math.max(0, codeIndex - 3), codeIndex);
  const declared = before.length === 3 && is(before[0], t.Mask) && is(before[1], t.Identifier) && is(before[2], t.Equals);
  const argument = before.length >= 2 && is(before[before.length - 2], t.Mask) && is(before[before.length - 1], t.Equals) && !declared;
  if (!(declared || argument) || !is(nextCode(tokens, i), t.LBracket)) return -1;
  let depth = 0;
  for (let j = i; j < tokens.length; j++) {
    const tok = tokens[j]!;
    if (is(tok, t.LBracket)) depth++;
    else if (is(tok, t.RBracket)) {
      if (--depth === 0) return j;
    } else if (tok.tokenType === LineComment) {
      if (depth !== 1 || !is(tokens[j - 1], t.Comma) || tokens[j - 1]!.startLine !== tok.startLine) return -1;
    } else if (!is(tok, t.Comma) && !is(tok, t.NumberLiteral)) return -1;
  }
  return -1;
}

function nextCode(tokens: readonly IToken[], i: number): IToken | undefined {
  for (let j = i + 1; j < tokens.length; j++) if (!isComment(tokens[j]!)) return tokens[j];
  return undefined;
}

/** A grid's rows (the elements of its outer list), each one line, numbers right-aligned in columns. */
function gridRows(tokens: readonly IToken[], from: number, to: number): { text: string; trailing?: string }[] {
  const rows: { toks: IToken[]; trailing?: string }[] = [{ toks: [] }];
  let depth = 0;
  for (let j = from + 1; j < to; j++) {
    const tok = tokens[j]!;
    if (tok.tokenType === LineComment) rows[rows.length - 2]!.trailing = commentText(tok);
    else if (depth === 0 && is(tok, t.Comma)) rows.push({ toks: [] });
    else {
      if (is(tok, t.LBracket)) depth++;
      if (is(tok, t.RBracket)) depth--;
      rows[rows.length - 1]!.toks.push(tok);
    }
  }
  const shape = (toks: IToken[]) => toks.map((k) => (is(k, t.NumberLiteral) ? "n" : k.image)).join("");
  const aligned = rows.every((r) => shape(r.toks) === shape(rows[0]!.toks));
  const widths: number[] = [];
  if (aligned) {
    for (const r of rows) {
      r.toks.filter((k) => is(k, t.NumberLiteral)).forEach((k, c) => (widths[c] = Math.max(widths[c] ?? 0, k.image.length)));
    }
  }
  return rows.map((r) => {
    let text = "";
    let cell = 0;
    r.toks.forEach((k, n) => {
      if (n > 0) text += gap(r.toks[n - 1]!, k, true);
      text += is(k, t.NumberLiteral) && aligned ? k.image.padStart(widths[cell++]!) : k.image;
    });
    return r.trailing === undefined ? { text } : { text, trailing: r.trailing };
  });
}

/** Aligns the end-of-line comments of each run of consecutive lines that all have one. */
function render(lines: Line[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j < lines.length && lines[j]!.trailing !== undefined && !lines[j]!.text.includes("\n")) j++;
    if (j === i) {
      const l = lines[i++]!;
      out.push(l.trailing === undefined ? l.text : `${l.text}${" ".repeat(COMMENT_GAP)}${l.trailing}`);
      continue;
    }
    const width = Math.max(...lines.slice(i, j).map((l) => l.text.length));
    for (; i < j; i++) out.push(`${lines[i]!.text.padEnd(width + COMMENT_GAP)}${lines[i]!.trailing}`);
  }
  return out.map((l) => l.replace(/[ \t]+$/gm, "")).join("\n") + "\n";
}

/** Lays out a token list (comments included). Exported for tests; use formatSource. */
export function layout(text: string, tokens: readonly IToken[]): string {
  const lines: Line[] = [];
  const code = tokens.filter((k) => !isComment(k));
  const codeIndexOf = new Map(code.map((k, n) => [k, n]));
  const stack: Open[] = [];
  let curly = 0;
  let prev: IToken | undefined;
  const cur = () => lines[lines.length - 1]!;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const nl = prev ? newlinesBetween(text, prev.endOffset! + 1, tok.startOffset) : 0;
    if (is(tok, t.RCurly)) curly = Math.max(0, curly - 1);
    const forced =
      prev !== undefined &&
      (prev.tokenType === LineComment ||
        (is(prev, t.LCurly) && !is(tok, t.RCurly) && !(isComment(tok) && nl === 0)) ||
        (is(tok, t.RCurly) && !is(prev, t.LCurly)) ||
        (is(prev, t.RCurly) && !(isComment(tok) && nl === 0) && !is(tok, t.Semicolon)));
    const empty = is(prev, t.LCurly) && is(tok, t.RCurly);
    if (prev === undefined || ((nl > 0 || forced) && !empty)) {
      if (prev !== undefined && nl >= 2 && !is(prev, t.LCurly) && !is(tok, t.RCurly)) lines.push({ text: "" });
      const top = stack[stack.length - 1];
      const indent = top ? (isCloser(tok) ? top.close : top.cont) : INDENT * curly;
      lines.push({ text: " ".repeat(indent) });
      if (tok.tokenType === LineComment) {
        cur().text += commentText(tok);
        prev = tok;
        continue;
      }
    } else if (tok.tokenType === LineComment) {
      cur().trailing = commentText(tok);
      prev = tok;
      continue;
    } else {
      cur().text += gap(prev, tok, stack.length > 0);
    }
    const line = cur();
    const at = column(line.text);
    const end = is(tok, t.LBracket) && codeIndexOf.has(tok) ? gridEnd(tokens, i, code, codeIndexOf.get(tok)!) : -1;
    if (end >= 0) {
      const rows = gridRows(tokens, i, end);
      rows.forEach((row, r) => {
        if (r > 0) lines.push({ text: " ".repeat(at + 1) });
        cur().text += `${r === 0 ? "[" : ""}${row.text}${r < rows.length - 1 ? "," : "]"}`;
        if (row.trailing !== undefined) cur().trailing = row.trailing;
      });
      prev = tokens[end]!;
      i = end;
      continue;
    }
    line.text += isComment(tok) ? commentText(tok) : tok.image;
    if (is(tok, t.LCurly)) curly++;
    if (isOpener(tok)) {
      const next = nextCode(tokens, i);
      const hanging = next === undefined || next.startLine !== tok.startLine;
      const lineIndent = line.text.length - line.text.trimStart().length;
      stack.push(hanging ? { cont: lineIndent + INDENT, close: lineIndent } : { cont: at + 1, close: at });
    }
    if (isCloser(tok)) stack.pop();
    prev = tok;
  }
  return render(lines);
}

function lex(text: string): IToken[] {
  return fmtLexer.tokenize(text).tokens;
}

/** The same tokens in the same order; comments compared without the blanks that end their lines. */
const sameTokens = (a: readonly IToken[], b: readonly IToken[]) =>
  a.length === b.length &&
  a.every((k, n) => k.tokenType === b[n]!.tokenType && (isComment(k) ? commentText(k) === commentText(b[n]!) : k.image === b[n]!.image));

/**
 * The formatted text of a .mconv source, or its syntax errors (a file that does not parse is not formatted).
 * Idempotent; keeps every comment; changes only whitespace.
 */
export function formatSource(source: Source): Result<string> {
  if (source.text.length > MAX_SOURCE_CHARS) {
    return failed([error("MC1005", `the file has ${source.text.length} characters; the limit is ${MAX_SOURCE_CHARS} (1 MB)`, span(source, 0, 0))]);
  }
  const syntax = parseSyntax(source);
  if (syntax.diagnostics.length > 0) return failed(syntax.diagnostics);
  const tokens = lex(source.text);
  const formatted = layout(source.text, tokens);
  if (!sameTokens(tokens, lex(formatted))) throw new InternalError(`formatting ${source.name} changed its tokens`);
  return ok(formatted);
}
