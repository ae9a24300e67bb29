// Arbitraries for .mconv source text: token soup from the language's vocabulary, mutated seed programs, deep
// nesting, odd numbers in every numeric slot, unicode and control characters, and inputs at and past the limits
// (repeat counts, block depth, dimensions, mask sizes). Well-formed random programs are in program.ts.

import fc from "fast-check";
import { MASK_FUNCTIONS } from "../../../src/parser/lower/mask-functions.js";
import { OP_NAMES } from "../../../src/parser/lower/ops.js";
import { KEYWORDS } from "../../../src/parser/tokens.js";
import { MCONV_SEEDS } from "../corpus.js";
import { ODD_CHARS, ODD_NUMBERS, insertion, mutated } from "./mutate.js";

/** How .mconv text splits into tokens for mutation: comments, strings, names, numbers, blanks. */
export const MCONV_TOKEN = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|"[^"\n]*"|'[^'\n]*'|[A-Za-z_][A-Za-z0-9_]*|-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|\s+/;

const ARG_NAMES = [
  "activation", "axis", "begin", "bias", "dilation", "filters", "groups", "kernel", "mask", "max", "min", "multiplier",
  "order", "padding", "parity", "size", "stride", "type", "value", "units", "factor", "rate", "alpha", "epsilon", "parts",
];
const WORDS = ["same", "valid", "relu", "none", "A", "B", "contiguous", "interleaved", "true", "false", "f32", "f16", "N", "x", "y", "m", "a", "b"];
const PUNCT = ["{", "}", "(", ")", "[", "]", ",", "=", ":", ";", "\n", "/*", "*/", "//", '"', "'", 'load("masks/m.json")', '"masks/m.json"'];

export const MCONV_VOCABULARY: readonly string[] = [...KEYWORDS, ...OP_NAMES, ...MASK_FUNCTIONS, ...ARG_NAMES, ...WORDS, ...PUNCT];

/** Random tokens of the language glued with blanks, newlines, ';' or nothing. */
export const tokenSoup: fc.Arbitrary<string> = fc
  .array(fc.tuple(insertion(MCONV_VOCABULARY), fc.constantFrom(" ", " ", "\n", "", ";", "\t", ", ")), { maxLength: 80 })
  .map((parts) => parts.map(([tok, sep]) => tok + sep).join(""));

/** A token soup inside a model, so the parser gets past `model M {` and into statements. */
export const soupInModel: fc.Arbitrary<string> = tokenSoup.map((soup) => `model M {\n  input x: f32[N, 8, 8, 4]\n${soup}\n}\n`);

export const mutatedProgram: fc.Arbitrary<string> = mutated(MCONV_SEEDS, MCONV_VOCABULARY, MCONV_TOKEN);

/** Nested brackets of one or mixed kinds, nested calls, nested mask algebra and list literals, 0–100 deep. */
export const deepNesting: fc.Arbitrary<string> = fc
  .tuple(fc.nat({ max: 100 }), fc.constantFrom("call", "list", "mixed", "algebra", "unbalanced", "block-call"), fc.array(fc.constantFrom("(", "[", "{"), { maxLength: 100 }))
  .map(([depth, kind, mix]) => {
    const wrap = (open: string, inner: string, close: string) => open.repeat(depth) + inner + close.repeat(depth);
    const model = (line: string) => `block b(x) {\n  return relu(x)\n}\nmodel M {\n  input x: f32[N, 8, 8, 4]\n  ${line}\n  output y\n}\n`;
    switch (kind) {
      case "call":
        return model(`y = ${wrap("relu(", "x", ")")}`);
      case "block-call":
        return model(`y = ${wrap("b(", "x", ")")}`);
      case "list":
        return model(`mask y = ${wrap("[", "1", "]")}`);
      case "algebra":
        return model(`y = conv2d(x, filters=1, kernel=3, mask=${wrap("not(", "causal(3, type=A)", ")")})`);
      case "mixed": {
        const closers: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
        return model(`y = relu(${mix.join("")}x${[...mix].reverse().map((c) => closers[c]).join("")})`);
      }
      default:
        return model(`y = relu(${mix.join("")}x`);
    }
  });

/** A program with one numeric slot (a dimension, an argument, a mask value, a repeat count) set to an odd number. */
export const oddNumbers: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...ODD_NUMBERS), fc.nat({ max: 11 }))
  .map(([n, slot]) => {
    const slots = [
      `input x: f32[N, ${n}, 8, 4]\n  y = relu(x)`,
      `input x: f32[${n}]\n  y = relu(x)`,
      `input x: f32[N, 8, 8, 4]\n  y = conv2d(x, filters=${n}, kernel=3)`,
      `input x: f32[N, 8, 8, 4]\n  y = conv2d(x, filters=2, kernel=${n}, stride=${n}, padding=same)`,
      `input x: f32[N, 8, 8, 4]\n  y = conv2d(x, filters=2, kernel=3, dilation=${n}, groups=${n})`,
      `input x: f32[N, 8, 8, 4]\n  mask m = [[1, ${n}, 1], [1, 1, 1], [0, 0, 0]]\n  y = conv2d(x, filters=2, kernel=3, mask=m)`,
      `input x: f32[N, 8, 8, 4]\n  y = repeat ${n} relu(x)`,
      `input x: f32[N, 8, 8, 4]\n  y = softmax(x, axis=${n})`,
      `input x: f32[N, 8, 8, 4]\n  y = leaky_relu(mul(x, ${n}), alpha=${n})`,
      `input x: f32[N, 8, 8, 4]\n  y = pad(x, [[${n}, 1], [1, ${n}]], value=${n})`,
      `input x: f32[N, 8, 8, 4]\n  y = conv2d(x, filters=2, kernel=3, mask=ones([3, ${n}]))`,
      `input x: f32[N, 8, 8, 4]\n  y = reshape(x, [N, ${n}, -1])`,
    ];
    return `model Odd {\n  ${slots[slot]}\n  output y\n}\n`;
  });

/** A seed with odd characters (controls, BOM, U+2028, lone surrogates, RTL marks, emoji) dropped in. */
export const unicodeNoise: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...MCONV_SEEDS),
    fc.array(fc.tuple(fc.nat({ max: 100_000 }), fc.oneof(fc.constantFrom(...ODD_CHARS), fc.string({ unit: "binary", minLength: 1, maxLength: 3 }))), {
      minLength: 1,
      maxLength: 8,
    }),
  )
  .map(([seed, inserts]) => {
    let text = seed;
    for (const [at, s] of inserts) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + s + text.slice(i);
    }
    return text;
  });

/** Names made of anything: they must be refused with a position, or accepted and printed back safely. */
export const oddNames: fc.Arbitrary<string> = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: 8 })
  .map((name) => `model ${name} {\n  input ${name}: f32[1, 4]\n  y = relu(${name})\n  output y\n}\n`);

/** Repeat counts, block chains, dimensions and mask sizes at, just under and just over their limits. */
export const atTheLimits: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("0", "1", "2", "9999", "10000", "10001", "1e4", "-1", "2.5", "k").map(
    (n) => `block step(x, k=3) {\n  return relu(x)\n}\nmodel R {\n  input x: f32[1, 2]\n  y = repeat ${n} step(x)\n  output y\n}\n`,
  ),
  fc.integer({ min: 1, max: 260 }).map((depth) => {
    const blocks = Array.from({ length: depth }, (_, i) => `block b${i}(x) {\n  return b${i + 1}(x)\n}`).join("\n");
    return `${blocks}\nblock b${depth}(x) {\n  return relu(x)\n}\nmodel Deep {\n  input x: f32[1, 2]\n  y = b0(x)\n  output y\n}\n`;
  }),
  fc.constantFrom("2147483647", "2147483648", "46341", "65536", "1", "0").map(
    (d) => `model Big {\n  input x: f32[${d}, ${d}, 2, 1]\n  y = relu(x)\n  output y\n}\n`,
  ),
  // Masks just over the limit (refused before anything is allocated); ones at the limit are in limits.test.ts.
  fc.constantFrom(4097, 8193, 16777217).map(
    (n) => `model Ones {\n  input x: f32[1, 2]\n  mask m = ones([${n}, ${Math.floor(16777216 / n) + 1}])\n  output x\n}\n`,
  ),
  fc.constantFrom("a", "b").map(
    (first) => `block a(x, p=${first}(x)) {\n  return relu(x)\n}\nblock b(x, q=a(x)) {\n  return relu(x)\n}\nmodel Loop {\n  input x: f32[1, 2]\n  y = a(x)\n  output y\n}\n`,
  ),
);

/** Every .mconv arbitrary, weighted towards the ones that reach deepest into lowering. */
export const mconvText: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: mutatedProgram },
  { weight: 2, arbitrary: tokenSoup },
  { weight: 2, arbitrary: soupInModel },
  { weight: 1, arbitrary: deepNesting },
  { weight: 2, arbitrary: oddNumbers },
  { weight: 2, arbitrary: unicodeNoise },
  { weight: 1, arbitrary: oddNames },
  { weight: 1, arbitrary: atTheLimits },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
);
