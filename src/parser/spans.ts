// Source spans of tokens and parse-tree nodes (chevrotain's offsets are inclusive; a Span's end is exclusive), and
// a line index to ask "same line?" in logarithmic time, since error filtering asks it often on large files.

import type { CstNode, IToken } from "chevrotain";
import { type Source, type Span, span } from "../diagnostics.js";

export function tokenSpan(source: Source, tok: IToken): Span {
  return span(source, tok.startOffset, (tok.endOffset ?? tok.startOffset) + 1);
}

/** The span of a node, from its first token to its last. */
export function nodeSpan(source: Source, node: CstNode): Span {
  const loc = node.location;
  if (!loc || !Number.isFinite(loc.startOffset)) return span(source, 0, 0);
  return span(source, loc.startOffset, (loc.endOffset ?? loc.startOffset) + 1);
}

/** From the start of one span to the end of another. */
export function joinSpans(from: Span, to: Span): Span {
  return span(from.source, from.start, to.end);
}

/** The index of the last of `sorted` that is ≤ x, or -1. */
export function lastAtOrBefore(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** 1-based line numbers of offsets. */
export class LineIndex {
  private readonly breaks: number[] = [];

  constructor(text: string) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.breaks.push(i);
  }

  line(offset: number): number {
    return lastAtOrBefore(this.breaks, offset - 1) + 2;
  }

  sameLine(a: number, b: number): boolean {
    return this.line(a) === this.line(b);
  }
}
