// Diagnostics as values: a stable code, a message in the user's terms, a source span, notes.
// Formatting prints `file:line:col: error MCxxxx: message`, the source line and a caret. Not for internal bugs (those throw).

/** A source text with the name it is reported under (a path, `<builder>`, `<ir>`). */
export interface Source {
  readonly name: string;
  readonly text: string;
}

/** A half-open range of character offsets [start, end) in a source. */
export interface Span {
  readonly source: Source;
  readonly start: number;
  readonly end: number;
}

export type Severity = "error" | "warning" | "note";

export interface Note {
  readonly message: string;
  readonly span?: Span;
}

/**
 * A problem found in user input. Codes are stable by stage: MC1xxx parse, MC2xxx types and shapes,
 * MC3xxx passes, MC4xxx codegen, MC5xxx CLI and I/O (catalogued in docs/errors.md).
 */
export interface Diagnostic {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly span?: Span;
  readonly notes: readonly Note[];
}

/** A value or the diagnostics that stopped it; warnings may accompany a value. */
export type Result<T> =
  | { readonly ok: true; readonly value: T; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export function ok<T>(value: T, diagnostics: readonly Diagnostic[] = []): Result<T> {
  return { ok: true, value, diagnostics };
}

export function failed<T>(diagnostics: readonly Diagnostic[]): Result<T> {
  return { ok: false, diagnostics };
}

export function error(code: string, message: string, span?: Span, notes: readonly Note[] = []): Diagnostic {
  return { severity: "error", code, message, span, notes };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

export function span(source: Source, start: number, end: number): Span {
  return { source, start, end: Math.max(end, start) };
}

/** Offsets where each line starts, computed once per source text (a file with many errors stays linear). */
const lineStartsCache = new WeakMap<Source, number[]>();

function lineStarts(source: Source): number[] {
  let starts = lineStartsCache.get(source);
  if (!starts) {
    starts = [0];
    const text = source.text;
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    lineStartsCache.set(source, starts);
  }
  return starts;
}

/** 1-based line and column of an offset. Columns count UTF-16 code units, as editors and tsc do. */
export function lineCol(source: Source, offset: number): { line: number; col: number } {
  const at = Math.max(0, Math.min(offset, source.text.length));
  const starts = lineStarts(source);
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: at - starts[lo]! + 1 };
}

/** The location prefix `file:line:col` of a span. */
export function formatLocation(s: Span): string {
  const { line, col } = lineCol(s.source, s.start);
  return `${s.source.name}:${line}:${col}`;
}

function sourceLineAt(s: Span): { text: string; lineStart: number; line: number } {
  const text = s.source.text;
  const start = Math.max(0, Math.min(s.start, text.length));
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  let lineEnd = text.indexOf("\n", lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  return { text: text.slice(lineStart, lineEnd).replace(/\r$/, ""), lineStart, line: lineCol(s.source, start).line };
}

/**
 * Control characters would garble a terminal, and bidirectional overrides would reorder the line it shows
 * ("Trojan Source"); show them as printable stand-ins of the same width, so the caret stays under its column.
 */
function printable(line: string): string {
  return line.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "?").replace(/\t/g, " ");
}

/** Lines longer than this are shown as a window around the caret (a minified or one-line file stays readable). */
const MAX_SHOWN = 300;

/** How diagnostics print: `color` adds ANSI colours (for a terminal; the caller decides when, see no-color.org). */
export interface FormatOptions {
  readonly color?: boolean;
}

/** The colours of clang and gcc: bold location and message, red errors, magenta warnings, cyan notes, green caret. */
const SGR = { bold: "1", error: "1;31", warning: "1;35", note: "1;36", caret: "1;32" } as const;

function paint(text: string, style: keyof typeof SGR, options: FormatOptions): string {
  return options.color && text.length > 0 ? `\u001b[${SGR[style]}m${text}\u001b[0m` : text;
}

/** The source line of a span with `^~~~` under it. */
export function formatSnippet(s: Span, options: FormatOptions = {}): string {
  const { text, lineStart, line } = sourceLineAt(s);
  const start = Math.max(0, Math.min(s.start, s.source.text.length) - lineStart);
  const end = Math.max(start + 1, Math.min(s.end - lineStart, text.length));
  // A long line shows as a window [from, to) around the caret, with … where it is cut.
  const from = text.length > MAX_SHOWN ? Math.max(0, Math.min(start - MAX_SHOWN / 2, text.length - MAX_SHOWN)) : 0;
  const to = Math.min(text.length, from + MAX_SHOWN);
  const lead = from > 0 ? "…" : "";
  const shown = `${lead}${text.slice(from, to)}${to < text.length ? "…" : ""}`;
  const col = start - from + lead.length;
  const width = Math.max(1, Math.min(end, Math.max(to, start + 1)) - start);
  const gutter = String(line);
  const pad = " ".repeat(gutter.length);
  return `${gutter} | ${printable(shown)}\n${pad} | ${" ".repeat(col)}${paint(`^${"~".repeat(width - 1)}`, "caret", options)}`;
}

/**
 * Messages quote names from files (a weights key, a model name): control characters and bidirectional overrides
 * in them are shown escaped, so a hostile file cannot move the cursor, recolour or clear the user's terminal,
 * forge extra lines or reorder what a line shows.
 */
function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** One diagnostic as a user sees it: location, severity, code, message, snippet, notes. */
export function formatDiagnostic(d: Diagnostic): string {
  return formatDiagnosticStyled(d, {});
}

/** formatDiagnostic with options: colours for a terminal. */
export function formatDiagnosticStyled(d: Diagnostic, options: FormatOptions): string {
  const where = (s: Span | undefined) => (s ? paint(`${escapeControls(formatLocation(s))}:`, "bold", options) + " " : "");
  const head = `${where(d.span)}${paint(`${d.severity} ${d.code}:`, d.severity, options)} ${paint(escapeControls(d.message), "bold", options)}`;
  const parts = [head];
  if (d.span) parts.push(formatSnippet(d.span, options));
  for (const n of d.notes) {
    parts.push(`${where(n.span)}${paint("note:", "note", options)} ${escapeControls(n.message)}`);
    if (n.span) parts.push(formatSnippet(n.span, options));
  }
  return parts.join("\n");
}

export function formatDiagnostics(ds: readonly Diagnostic[]): string {
  return ds.map(formatDiagnostic).join("\n");
}

/** Thrown only for broken invariants: a bug in mconv, never a user error. */
export class InternalError extends Error {
  constructor(message: string) {
    super(`internal error (this is a bug in mconv): ${message}`);
    this.name = "InternalError";
  }
}

export function assertNever(x: never, what = "value"): never {
  throw new InternalError(`unexpected ${what}: ${JSON.stringify(x)}`);
}
