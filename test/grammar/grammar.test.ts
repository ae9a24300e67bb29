// The TextMate grammar (syntaxes/mconv.tmLanguage.json) through the engine VS Code runs: the scopes of keywords,
// names, op calls, arguments, numbers, strings and comments; every keyword of the chevrotain lexer; and agreement
// with the lexer on every token of the examples, the parser's cases and the docs.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { TokenType } from "chevrotain";
import { describe, expect, it } from "vitest";
import * as lexicon from "../../src/parser/tokens.js";
import { repoRoot } from "../support/cli.js";
import { type ScopedToken, scopeOf, tokenize } from "./tokenize.js";

/** The keyword tokens, as the lexer defines them: tokens that give way to a longer Identifier. */
function lexerKeywords(): string[] {
  return lexicon.allTokens
    .filter((t) => [(t as { LONGER_ALT?: TokenType | TokenType[] }).LONGER_ALT].flat().includes(lexicon.Identifier))
    .map((t) => (t.PATTERN as RegExp).source);
}

/**
 * The grammar token holding `word` at its first occurrence from `context` on in `text`: the token that spells it
 * exactly, or, in a comment, the comment token around it.
 */
function tokenAt(tokens: readonly ScopedToken[], text: string, context: string, word: string): ScopedToken {
  const from = text.indexOf(context);
  if (from < 0) throw new Error(`test text has no ${JSON.stringify(context)}`);
  // A name is found as a whole word (the `m` of `mask m` is the second one).
  const whole = /^\w+$/.test(word) ? new RegExp(`(?<!\\w)${word}(?!\\w)`, "g") : undefined;
  if (whole) whole.lastIndex = from;
  const at = whole ? (whole.exec(text)?.index ?? -1) : text.indexOf(word, from);
  const t = tokens.find((t) =>
    t.start === at && t.text === word ? true : t.start <= at && t.end >= at + word.length && scopeOf(t).startsWith("comment."),
  );
  if (!t) {
    const near = tokens.filter((t) => t.start <= at + word.length && t.end >= at).map((t) => `${JSON.stringify(t.text)} ${scopeOf(t)}`);
    throw new Error(`no token ${JSON.stringify(word)} at offset ${at}; tokens there: ${near.join(", ")}`);
  }
  return t;
}

const seedStatic = readFileSync(join(repoRoot, "examples/seed_static.mconv"), "utf8");
const lexiconCase = readFileSync(join(repoRoot, "test/grammar/cases/lexicon.mconv"), "utf8");

describe("the mconv TextMate grammar", () => {
  it("scopes every keyword the lexer knows as a keyword, alone and before a name", async () => {
    const keywords = lexerKeywords();
    expect(new Set(keywords)).toEqual(new Set(lexicon.KEYWORDS));
    for (const kw of keywords) {
      for (const line of [kw, `${kw} name`, `  ${kw} a, b`]) {
        const first = (await tokenize(line)).find((t) => t.text.trim() !== "")!;
        expect({ line, text: first.text, scope: scopeOf(first) }).toEqual({ line, text: kw, scope: expect.stringMatching(/^keyword\./) });
      }
    }
  });

  it("does not scope names that merely start with a keyword, or op names, as keywords", async () => {
    for (const word of ["models", "masked", "input_1", "outputs", "repeated", "conv2d", "relu", "f32x"]) {
      const [t] = await tokenize(word);
      expect({ word, scope: scopeOf(t!) }).toEqual({ word, scope: expect.stringMatching(/^variable\./) });
    }
  });

  it("scopes the founding example", async () => {
    const tokens = await tokenize(seedStatic);
    const expected: [context: string, word: string, scope: string][] = [
      ["// The founding", "//", "punctuation.definition.comment.mconv"],
      ["// The founding", " The founding case", "comment.line.double-slash.mconv"],
      ["model", "model", "keyword.other.model.mconv"],
      ["model", "SeedStatic", "entity.name.type.model.mconv"],
      ["input", "input", "keyword.other.input.mconv"],
      ["input", "x", "variable.other.definition.mconv"],
      ["input x:", ":", "punctuation.separator.type.mconv"],
      ["input x:", "f32", "storage.type.mconv"],
      ["input x:", "N", "variable.other.mconv"],
      ["f32[N, ", "4", "constant.numeric.integer.mconv"],
      ["mask m", "mask", "keyword.other.mask.mconv"],
      ["mask m", "m", "variable.other.definition.mconv"],
      ["mask m =", "=", "keyword.operator.assignment.mconv"],
      ["[[1, 1, 0]", "[", "punctuation.section.brackets.begin.mconv"],
      ["[[1, 1, 0]", "0", "constant.numeric.integer.mconv"],
      ["  y =", "y", "variable.other.definition.mconv"],
      ["  y =", "conv2d", "entity.name.function.mconv"],
      ["conv2d(", "(", "punctuation.section.arguments.begin.mconv"],
      ["conv2d(", "x", "variable.other.mconv"],
      ["conv2d(", "filters", "variable.parameter.mconv"],
      ["filters=", "2", "constant.numeric.integer.mconv"],
      ["kernel=3, ", "mask", "variable.parameter.mconv"],
      ["mask=", "m", "variable.other.mconv"],
      ["activation=", "relu", "variable.other.mconv"],
      ["output", "output", "keyword.other.output.mconv"],
      ["output", "y", "variable.other.mconv"],
    ];
    const actual = expected.map(([context, word]) => [context, word, scopeOf(tokenAt(tokens, seedStatic, context, word))]);
    expect(actual).toEqual(expected);
    // An op call's arguments are inside its meta scope.
    expect(tokenAt(tokens, seedStatic, "activation=", "relu").scopes).toContain("meta.function-call.mconv");
  });

  it("scopes blocks, comments, strings, numbers and multi-line calls", async () => {
    const tokens = await tokenize(lexiconCase);
    const expected: [context: string, word: string, scope: string][] = [
      ["/* A block", "/*", "punctuation.definition.comment.begin.mconv"],
      ["over two lines", "model", "comment.block.mconv"],
      ["over two lines", "3.5", "comment.block.mconv"],
      ["block residual", "block", "keyword.other.block.mconv"],
      ["block residual", "residual", "entity.name.function.block.mconv"],
      ["block residual(", "channels", "variable.other.mconv"],
      ["a = relu", "a", "variable.other.definition.mconv"],
      ["a = relu", "relu", "entity.name.function.mconv"],
      ["relu(x);", ";", "punctuation.terminator.statement.mconv"],
      ["; b = ", "b", "variable.other.definition.mconv"],
      ["mask=causal", "causal", "entity.name.function.mconv"],
      ["type=", "type", "variable.parameter.mconv"],
      ["type=", "B", "variable.other.mconv"],
      ["  return", "return", "keyword.control.return.mconv"],
      ["  return", "add", "entity.name.function.mconv"],
      ["input x1", "x1", "variable.other.definition.mconv"],
      ["[[0.5", "0.5", "constant.numeric.float.mconv"],
      ["1, .5]", ".5", "constant.numeric.float.mconv"],
      ["[-1.5e-3", "-1.5e-3", "constant.numeric.float.mconv"],
      ["2E+2", "2E+2", "constant.numeric.float.mconv"],
      ["2E+2, 3.", "3.", "constant.numeric.float.mconv"],
      ["[0, -7", "-7", "constant.numeric.integer.mconv"],
      ["-7, 1e-3", "1e-3", "constant.numeric.float.mconv"],
      ["load(\"", "load", "entity.name.function.mconv"],
      ["load(\"", "masks/a.json", "string.quoted.double.mconv"],
      ["load('", "masks/b.json", "string.quoted.single.mconv"],
      ["h = conv2d(x1", "x1", "variable.other.mconv"],
      ["padding=same, bias", "bias", "variable.parameter.mconv"],
      ["bias=", "true", "constant.language.mconv"],
      ["activation=", "none", "constant.language.mconv"],
      ["             mask=soft)", "mask", "variable.parameter.mconv"],
      ["             mask=soft)", ")", "punctuation.section.arguments.end.mconv"],
      ["r = repeat", "repeat", "keyword.control.repeat.mconv"],
      ["r = repeat", "2", "constant.numeric.integer.mconv"],
      ["r = repeat", "residual", "entity.name.function.mconv"],
      ["y, m2 =", "y", "variable.other.definition.mconv"],
      ["y, m2 =", "m2", "variable.other.definition.mconv"],
      ["// two results", " two results", "comment.line.double-slash.mconv"],
      ["output y, m2", "m2", "variable.other.mconv"],
    ];
    const actual = expected.map(([context, word]) => [context, word, scopeOf(tokenAt(tokens, lexiconCase, context, word))]);
    expect(actual).toEqual(expected);
  });

  it("ends an unterminated string at the end of its line, as the lexer does", async () => {
    const text = 'a = "oops\nmask b = [1]';
    const tokens = await tokenize(text);
    expect(scopeOf(tokenAt(tokens, text, "mask b", "mask"))).toBe("keyword.other.mask.mconv");
  });
});

/** Every .mconv text the project holds that lexes cleanly: examples, parser and grammar cases, docs blocks. */
function corpus(): { name: string; text: string }[] {
  const files = (dir: string) =>
    readdirSync(join(repoRoot, dir))
      .filter((f) => f.endsWith(".mconv"))
      .map((f) => ({ name: `${dir}/${f}`, text: readFileSync(join(repoRoot, dir, f), "utf8") }));
  const docs = ["README.md", ...readdirSync(join(repoRoot, "docs")).map((f) => `docs/${f}`)].flatMap((file) =>
    [...readFileSync(join(repoRoot, file), "utf8").matchAll(/^```mconv\n([\s\S]*?)^```$/gm)].map((m, i) => ({ name: `${file} block ${i + 1}`, text: m[1]! })),
  );
  return [...files("examples"), ...files("test/parser/cases"), ...files("test/grammar/cases"), ...docs].filter(
    (f) => lexicon.lexer.tokenize(f.text).errors.length === 0 && !f.text.includes("\r"),
  );
}

/** What the grammar must say of each kind of lexer token. */
function expectedScope(type: TokenType, next: TokenType | undefined): RegExp {
  if (type === lexicon.NumberLiteral) return /^constant\.numeric\./;
  if (type === lexicon.StringLiteral) return /^(string\.quoted|punctuation\.definition\.string)\./;
  if (type === lexicon.Identifier) return /^(variable|entity\.name|storage\.type|constant\.language)\./;
  if (lexerKeywords().includes((type.PATTERN as RegExp).source)) {
    // A keyword spelled as an argument name (`mask=m`) is an argument name.
    return next === lexicon.Equals ? /^variable\.parameter\./ : /^keyword\./;
  }
  return /^(punctuation|keyword\.operator)\./;
}

describe("the grammar agrees with the lexer", () => {
  const files = corpus();

  it("has a corpus", () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((f) => [f.name, f] as const))("%s", async (_name, file) => {
    const scoped = await tokenize(file.text);
    const lexed = lexicon.lexer.tokenize(file.text).tokens;
    const covered = new Uint8Array(file.text.length);
    const problems: string[] = [];
    lexed.forEach((tok, i) => {
      const start = tok.startOffset;
      const end = tok.endOffset! + 1;
      covered.fill(1, start, end);
      const inside = scoped.filter((t) => t.start >= start && t.end <= end);
      const exact = inside.length > 0 && inside[0]!.start === start && inside[inside.length - 1]!.end === end;
      const want = expectedScope(tok.tokenType, lexed[i + 1]?.tokenType);
      if (!exact || inside.some((t) => !want.test(scopeOf(t)))) {
        const got = scoped.filter((t) => t.end > start && t.start < end).map((t) => `${JSON.stringify(t.text)} ${scopeOf(t)}`);
        problems.push(`${tok.tokenType.name} ${JSON.stringify(tok.image)} at ${start}: want ${want}, got ${got.join(" + ")}`);
      }
    });
    // What the lexer skips, other than blanks, is comments.
    for (const t of scoped) {
      const skipped = [...t.text].some((c, k) => !covered[t.start + k] && c.trim() !== "");
      if (skipped && !t.scopes.some((s) => s.startsWith("comment."))) problems.push(`${JSON.stringify(t.text)} at ${t.start} is skipped by the lexer but scoped ${scopeOf(t)}`);
    }
    expect(problems).toEqual([]);
  });
});
