// The tokens of the .mconv language and its lexer. Newlines are plain whitespace: statements are told apart by
// their first token, and "one statement per line" is checked on the parse tree (syntax.ts). No grammar rules here.

import { Lexer, type TokenType, createToken } from "chevrotain";

/** A name: a model, a value, an op, an argument, a symbolic dimension or a word value such as `relu`. */
export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

function keyword(word: string): TokenType {
  const name = word[0]!.toUpperCase() + word.slice(1);
  return createToken({ name, pattern: new RegExp(word), longer_alt: Identifier, label: `'${word}'` });
}

export const Model = keyword("model");
export const Input = keyword("input");
export const Mask = keyword("mask");
export const Output = keyword("output");

/** The words a statement can start with; a name that is none of them starts `name = op(...)`. */
export const KEYWORDS = ["model", "input", "mask", "output"] as const;

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

/** `"same"`: the language has no strings, but people write them; reported once (syntax.ts), not per quote. */
export const QUOTED = "quoted";
export const Quoted = createToken({ name: "Quoted", pattern: /"[^"\n]*"|'[^'\n]*'/, group: QUOTED });

/** Longest and most specific first: comments before anything else, keywords before Identifier. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  Quoted,
  Model,
  Input,
  Mask,
  Output,
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

export const lexer = new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: false });

/** Tokens that open a nesting level; their depth is limited before parsing (the parser recurses). */
export const OPENERS: ReadonlySet<TokenType> = new Set([LCurly, LParen, LBracket]);
export const CLOSERS: ReadonlySet<TokenType> = new Set([RCurly, RParen, RBracket]);
