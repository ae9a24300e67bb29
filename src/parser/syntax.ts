// Syntax: lex, check what the grammar cannot (number range, nesting depth, one statement per line), parse with
// recovery, and turn every problem into an MC1xxx diagnostic in the user's words. Echoes of an earlier error are
// dropped so the report stays about causes. Not for meaning (lower.ts).

import { EOF, type ILexingError, type IRecognitionException, type IToken } from "chevrotain";
import { type Diagnostic, type Source, error, span } from "../diagnostics.js";
import type { BodyChildren, Cst, FileChildren } from "./cst.js";
import { MAX_PARSE_ERRORS, parseTokens } from "./grammar.js";
import { LineIndex, lastAtOrBefore, nodeSpan, tokenSpan } from "./spans.js";
import * as t from "./tokens.js";

/** Deeper bracket nesting is refused: the parser recurses, and no model needs more than a handful of levels. */
export const MAX_NESTING = 64;
/** After this many syntax errors the rest are consequences more often than not. */
const MAX_SYNTAX_ERRORS = 50;

/** A parse error and the offset of the token the parser stopped at (its span may sit earlier). */
interface Found {
  readonly d: Diagnostic;
  readonly at: number;
}

/** The parse tree and the syntax errors (MC1xxx) of a source, in source order. No tree when parsing was skipped. */
export function parseSyntax(source: Source): { cst?: Cst<FileChildren>; diagnostics: Diagnostic[] } {
  const lexed = t.lexer.tokenize(source.text);
  const unterminated = lexed.groups[t.UNTERMINATED] ?? [];
  // Only the first few of each kind are shown, so a file of garbage costs no more than its tokens.
  const strays = strayStrings(lexed.tokens);
  const badNumbers = lexed.tokens.filter(isOutOfRange);
  const unshown = [lexed.errors, strays, badNumbers].reduce((n, xs) => n + Math.max(0, xs.length - MAX_SYNTAX_ERRORS), 0);
  const lexical = [
    ...lexed.errors.slice(0, MAX_SYNTAX_ERRORS).map((e) => lexingDiagnostic(source, e)),
    ...unterminated.map((tok) =>
      error("MC1001", "unterminated block comment: '/*' has no matching '*/'", span(source, tok.startOffset, tok.startOffset + 2)),
    ),
    ...strays.slice(0, MAX_SYNTAX_ERRORS).map((tok) =>
      error("MC1001", `unexpected string ${tok.image}: words such as same or relu are written without quotes`, tokenSpan(source, tok)),
    ),
    ...badNumbers.slice(0, MAX_SYNTAX_ERRORS).map((tok) => numberDiagnostic(source, tok)),
  ];
  const tooDeep = nestingDiagnostic(source, lexed.tokens);
  if (tooDeep) return { diagnostics: finish([...lexical, tooDeep], unshown) };
  if (lexed.tokens.length === 0 && lexical.length === 0) {
    return { diagnostics: [error("MC1002", "the file is empty; expected 'model Name { ... }'", span(source, 0, 0))] };
  }

  const parsed = parseTokens(lexed.tokens);
  const cst = parsed.cst as Cst<FileChildren> | undefined;
  const lines = new LineIndex(source.text);
  const bodies: Cst<BodyChildren>[] = cst ? [...(cst.children.model ?? []), ...(cst.children.block ?? [])] : [];
  const found: Found[] = [
    ...parsed.errors.map((e) => parsingDiagnostic(source, lines, lexed.tokens, e)),
    ...bodies.flatMap((body) => separatorDiagnostics(source, lines, body, lexed.tokens)).map((d) => ({ d, at: d.span!.start })),
  ];
  if (cst && parsed.errors.length === 0) found.push(...modelCount(source, cst).map((d) => ({ d, at: d.span!.start })));
  found.sort((a, b) => a.at - b.at);
  // A lexing error usually derails the rest of its line, and an unterminated comment the rest of the file.
  const lexStarts = lexical.map((d) => d.span!.start).sort((a, b) => a - b);
  const commentStart = unterminated[0]?.startOffset ?? Infinity;
  const afterLexing = (at: number) => {
    const i = lastAtOrBefore(lexStarts, at);
    return at >= commentStart || (i >= 0 && lines.sameLine(lexStarts[i]!, at));
  };
  const news = withoutBracketEchoes(lexed.tokens, found.filter((f) => !afterLexing(f.at) && !afterLexing(f.d.span!.start)));
  const diagnostics = finish([...lexical, ...onePerLine(lines, news)], unshown, parsed.stopped);
  return cst ? { cst, diagnostics } : { diagnostics };
}

/**
 * Source order, at most MAX_SYNTAX_ERRORS; the last one shown notes how many more there are (`unshown` were never
 * made into diagnostics) or that parsing stopped early.
 */
function finish(ds: Diagnostic[], unshown = 0, stopped = false): Diagnostic[] {
  const sorted = ds.sort((a, b) => a.span!.start - b.span!.start);
  const more = Math.max(0, sorted.length - MAX_SYNTAX_ERRORS) + unshown;
  if ((more === 0 && !stopped) || sorted.length === 0) return sorted;
  const shown = sorted.slice(0, MAX_SYNTAX_ERRORS);
  const last = shown[shown.length - 1]!;
  const note = stopped
    ? { message: `parsing stopped after ${MAX_PARSE_ERRORS} syntax errors; fix these and check again` }
    : { message: `${more} more syntax errors not shown` };
  return [...shown.slice(0, -1), { ...last, notes: [...last.notes, note] }];
}

/** The first parse error of a line is the cause; more on the same line are recovery's guesses. */
function onePerLine(lines: LineIndex, ds: readonly Diagnostic[]): Diagnostic[] {
  const sorted = [...ds].sort((a, b) => a.span!.start - b.span!.start);
  return sorted.filter((d, i) => i === 0 || !lines.sameLine(sorted[i - 1]!.span!.start, d.span!.start));
}

/** Where each ')' and ']' has its opener, matching by kind and skipping strays. The model's braces do not count. */
function openers(tokens: readonly IToken[]): Map<number, number> {
  const pairs = new Map<number, number>();
  const stack: IToken[] = [];
  const partner = new Map([[t.RParen, t.LParen], [t.RBracket, t.LBracket]]);
  for (const tok of tokens) {
    if (tok.tokenType === t.LParen || tok.tokenType === t.LBracket) stack.push(tok);
    else if (stack.length > 0 && partner.get(tok.tokenType) === stack[stack.length - 1]!.tokenType) {
      pairs.set(tok.startOffset, stack.pop()!.startOffset);
    }
  }
  return pairs;
}

/**
 * Drops parse errors at a closing bracket whose group already holds an error: recovery closed the group early, so
 * its real closer looks stray (`[[1, 1] [0, 1]]` reports the missing ',' only). `sorted` is by offset.
 */
function withoutBracketEchoes(tokens: readonly IToken[], sorted: readonly Found[]): Diagnostic[] {
  // A clean file (the usual case) needs no pairing of its brackets.
  if (sorted.length === 0) return [];
  const opener = openers(tokens);
  return sorted
    .filter(({ at }, i) => {
      const open = opener.get(at);
      return open === undefined || i === 0 || sorted[i - 1]!.at < open;
    })
    .map((f) => f.d);
}

/** `'@'`, or code points for what would not show: `(U+00A0)`. */
function describeChars(text: string): string {
  const chars = [...text];
  const shown = chars.slice(0, 12).join("");
  const tail = chars.length > 12 ? "…" : "";
  if (/^[\x21-\x7e]+$/.test(shown)) return `'${shown}${tail}'`;
  const codes = chars.slice(0, 4).map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`);
  const visible = /^[^\p{C}\p{Z}]+$/u.test(shown) ? `'${shown}${tail}' ` : "";
  return `${visible}(${codes.join(" ")}${chars.length > 4 ? " …" : ""})`;
}

function lexingDiagnostic(source: Source, e: ILexingError): Diagnostic {
  const text = source.text.slice(e.offset, e.offset + e.length);
  const what = [...text].length === 1 ? "character" : "characters";
  let hint = "";
  if (/[^\x00-\x7f]/.test(text)) hint = "; names use ASCII letters, digits and '_'";
  else if (/^["'`]/.test(text)) hint = "; words such as same or relu are written without quotes";
  else if (text.startsWith("#")) hint = "; comments start with '//'";
  return error("MC1001", `unexpected ${what} ${describeChars(text)}${hint}`, span(source, e.offset, e.offset + e.length));
}

/** Every number must be a finite f32: masks are stored as f32, and sizes are far smaller. */
function isOutOfRange(tok: IToken): boolean {
  return tok.tokenType === t.NumberLiteral && !Number.isFinite(Math.fround(Number(tok.image)));
}

function numberDiagnostic(source: Source, tok: IToken): Diagnostic {
  const shown = tok.image.length > 24 ? `${tok.image.slice(0, 23)}…` : tok.image;
  return error("MC1004", `number ${shown} is out of range: an f32 is at most about 3.4e38`, tokenSpan(source, tok));
}

function nestingDiagnostic(source: Source, tokens: readonly IToken[]): Diagnostic | undefined {
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (t.OPENERS.has(tok.tokenType)) depth++;
    else if (t.CLOSERS.has(tok.tokenType)) depth = Math.max(0, depth - 1);
    if (depth > MAX_NESTING) {
      return error("MC1003", `brackets nest more than ${MAX_NESTING} levels deep here; a mask has at most 4`, tokenSpan(source, tok));
    }
  }
  return undefined;
}

/** The last token that starts before `offset`. */
function tokenBefore(tokens: readonly IToken[], offset: number): IToken | undefined {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.startOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return tokens[lo - 1];
}

/**
 * A parse error at the token found, or just after the previous token when the found one is on a later line
 * (a missing ')' belongs at the end of its line, not at the start of the next statement); at the model level,
 * where a statement was expected, it stays on the token found. Lines after the first of the message are notes.
 */
function parsingDiagnostic(source: Source, lines: LineIndex, tokens: readonly IToken[], e: IRecognitionException): Found {
  const [message, ...hints] = e.message.split("\n");
  const notes = hints.map((h) => ({ message: h }));
  const atEnd = e.token.tokenType === EOF || !Number.isFinite(e.token.startOffset);
  const at = atEnd ? source.text.length : e.token.startOffset;
  const previous = tokenBefore(tokens, at);
  const rule = e.context.ruleStack[e.context.ruleStack.length - 1];
  const continues = rule !== undefined && !["file", "model", "block"].includes(rule) && e.name !== "NotAllInputParsedException";
  if (previous && (atEnd || (continues && !lines.sameLine(previous.endOffset!, at)))) {
    const after = previous.endOffset! + 1;
    const text = atEnd ? `${message}, found the end of the file` : message!;
    return { d: error("MC1002", text, span(source, after, after), notes), at };
  }
  const where = atEnd ? span(source, at, at) : tokenSpan(source, e.token);
  const what = atEnd ? "the end of the file" : describeChars(e.token.image);
  return { d: error("MC1002", `${message}, found ${what}`, where, notes), at };
}

/** Strings are file names for load("file.json"); anywhere else they are quoted words, reported once each. */
function strayStrings(tokens: readonly IToken[]): IToken[] {
  return tokens.filter(
    (tok, i) =>
      tok.tokenType === t.StringLiteral &&
      !(tokens[i - 1]?.tokenType === t.LParen && tokens[i - 2]?.tokenType === t.Identifier && tokens[i - 2]?.image === "load"),
  );
}

/** A file holds exactly one model (blocks may come before or after it). */
function modelCount(source: Source, cst: Cst<FileChildren>): Diagnostic[] {
  const models = cst.children.model ?? [];
  if (models.length === 0) {
    const blocks = cst.children.block ?? [];
    const at = blocks.length > 0 ? nodeSpan(source, blocks[blocks.length - 1]!).end : source.text.length;
    return [error("MC1002", "the file has no model; expected 'model Name { ... }' next to its blocks", span(source, at, at))];
  }
  return models.slice(1).map((m) => {
    const where = nodeSpan(source, m);
    const first = nodeSpan(source, models[0]!);
    const message = "a file holds one model; this is a second (put shared layers in a 'block')";
    return error("MC1002", message, span(source, where.start, where.start + "model".length), [{ message: "the first model is here", span: span(source, first.start, first.start + "model".length) }]);
  });
}

/** Statements are separated by newlines or ';': two on one line without ';' is an error. */
function separatorDiagnostics(source: Source, lines: LineIndex, cst: Cst<BodyChildren>, tokens: readonly IToken[]): Diagnostic[] {
  const statements = (cst.children.statement ?? []).filter((s) => !s.recoveredNode && s.location?.endOffset !== undefined);
  const semicolons = (cst.children.Semicolon ?? []).map((tok) => tok.startOffset).sort((a, b) => a - b);
  const out: Diagnostic[] = [];
  for (let i = 1; i < statements.length; i++) {
    const end = statements[i - 1]!.location!.endOffset!;
    const start = statements[i]!.location!.startOffset;
    if (!Number.isFinite(end) || !Number.isFinite(start) || !lines.sameLine(end, start)) continue;
    const semicolon = semicolons[lastAtOrBefore(semicolons, start)];
    if (semicolon !== undefined && semicolon > end) continue;
    const first = tokenBefore(tokens, start + 1);
    const where = first && first.startOffset === start ? tokenSpan(source, first) : span(source, start, start + 1);
    out.push(error("MC1002", "expected a new line or ';' before this statement", where));
  }
  return out;
}
