// The tokens of the .mconv language and its lexer. Newlines are plain whitespace: statements are told apart by
// their first token, and "one statement per line" is checked on the parse tree (syntax.ts). No grammar rules here.

import { type IToken, Lexer, type TokenType, createToken } from "chevrotain";

/** A name: a model, a value, an op, an argument, a symbolic dimension or a word value such as `relu`. */
export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

function keyword(word: string): TokenType {
  const name = word[0]!.toUpperCase() + word.slice(1);
  return createToken({ name, pattern: new RegExp(word), longer_alt: Identifier, label: `'${word}'` });
}

export const Model = keyword("model");
export const Block = keyword("block");
export const Input = keyword("input");
export const Mask = keyword("mask");
export const Output = keyword("output");
export const Return = keyword("return");
export const Repeat = keyword("repeat");
export const Within = keyword("within");

/** The reserved words; a statement starting with a name that is none of them is `name = op(...)`. */
export const KEYWORDS = ["model", "block", "input", "mask", "output", "return", "repeat", "within"] as const;

/** Integers, decimals and scientific notation, with an optional minus: `3`, `-1.5e-3`, `.5`. */
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/,
  label: "a number",
});

export const LCurly = createToken({ name: "LCurly", pattern: /\{/, label: "'{'" });
export const RCurly = createToken({ name: "RCurly", pattern: /\}/, label: "'}'" });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: "RBracket", pattern: /\]/, label: "']'" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','" });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: "'='" });
export const Colon = createToken({ name: "Colon", pattern: /:/, label: "':'" });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/, label: "';'" });

/** Blanks, newlines included, and the byte-order mark some editors write first. */
const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\f\v\uFEFF]+/, group: Lexer.SKIPPED, line_breaks: true });
const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n]*/, group: Lexer.SKIPPED });
const BlockComment = createToken({ name: "BlockComment", pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED, line_breaks: true });

/** `/*` without its `*\/`: it swallows the rest of the file. Kept in its own group so syntax.ts reports it. */
export const UNTERMINATED = "unterminated";
export const UnterminatedComment = createToken({
  name: "UnterminatedComment",
  pattern: /\/\*[\s\S]*/,
  group: UNTERMINATED,
  line_breaks: true,
});

/**
 * `"masks/a.json"`: a file name, the only use of a string (`load("a.json")`). People also quote words
 * (`padding="same"`); syntax.ts reports every string that is not load()'s argument, once, not per quote.
 */
export const StringLiteral = createToken({ name: "StringLiteral", pattern: /"[^"\n]*"|'[^'\n]*'/, label: "a string" });

/** Longest and most specific first: comments before anything else, keywords before Identifier. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  StringLiteral,
  Model,
  Block,
  Input,
  Mask,
  Output,
  Return,
  Repeat,
  Within,
  Identifier,
  NumberLiteral,
  LCurly,
  RCurly,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Equals,
  Colon,
  Semicolon,
];

/**
 * A token as our lexer makes it: the fields of chevrotain's tokens, in an object of a class of its own. chevrotain
 * makes its tokens as object literals of the same shape as the tokens it makes with NaN positions (the end of input,
 * tokens inserted by error recovery); V8 then keeps the six position fields of every token as boxed doubles — six
 * more heap objects per token, which the garbage collector copies while a large file is parsed. Here they are small
 * integers stored in place.
 */
class LexedToken implements IToken {
  constructor(
    public image: string,
    public startOffset: number,
    public endOffset: number,
    public startLine: number,
    public endLine: number,
    public startColumn: number,
    public endColumn: number,
    public tokenTypeIdx: number,
    public tokenType: TokenType,
  ) {}
}

class MconvLexer extends Lexer {
  /**
   * chevrotain's lexer makes each token with this method under positionTracking "full" (an internal of chevrotain
   * 11, not in its typings; were it renamed, tokens would simply be chevrotain's own again).
   */
  createFullToken(image: string, startOffset: number, tokenTypeIdx: number, tokenType: TokenType, startLine: number, startColumn: number, imageLength: number): IToken {
    const last = imageLength - 1;
    return new LexedToken(image, startOffset, startOffset + last, startLine, startLine, startColumn, startColumn + last, tokenTypeIdx, tokenType);
  }
}

export const lexer: Lexer = new MconvLexer(allTokens, { positionTracking: "full", ensureOptimizations: false });

/** Tokens that open a nesting level; their depth is limited before parsing (the parser recurses). */
export const OPENERS: ReadonlySet<TokenType> = new Set([LCurly, LParen, LBracket]);
export const CLOSERS: ReadonlySet<TokenType> = new Set([RCurly, RParen, RBracket]);
