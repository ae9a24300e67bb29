// Enormous and empty inputs, written out rather than generated: the limits suite runs the ones that stay fast,
// and the campaign all of them, with the larger ones that take seconds each (BIG_INPUTS).

import { MAX_SOURCE_CHARS } from "../../src/parser/parse.js";
import type { Entry } from "./targets.js";

/** Fills a model up to `size` characters with copies of `unit` between `head` and `tail`. */
export function filled(unit: string, size: number, head = "", tail = ""): string {
  return head + unit.repeat(Math.max(0, Math.floor((size - head.length - tail.length) / unit.length))) + tail;
}

export const MB = MAX_SOURCE_CHARS;
const model = (body: string) => `model M {\n  input x: f32[1, 4]\n${body}\n  output x\n}\n`;

/** [what, text, the first code expected or "ok", a bound in ms]. */
export const PARSE_LIMITS: readonly [string, () => string, string, number][] = [
  ["an empty file", () => "", "MC1002", 100],
  ["only blanks and a byte-order mark", () => "\uFEFF \n\t\r\n", "MC1002", 100],
  ["only a comment", () => "// nothing here", "MC1002", 100],
  ["an unterminated comment", () => "/*", "MC1001", 100],
  ["one character past the size limit", () => " ".repeat(MB + 1), "MC1005", 100],
  ["a 5 MB line", () => "a".repeat(5 * 1024 * 1024), "MC1005", 200],
  ["a 1 MB name", () => `model M {\n  input ${"x".repeat(MB - 100)}: f32[1]\n  output x\n}`, "MC2002", 3000],
  ["a 1 MB comment line", () => filled("c", MB, `${model("")}// `), "ok", 3000],
  ["a 1 MB number", () => model(`  mask m = [${"9".repeat(MB - 100)}]`), "MC1004", 3000],
  ["1 MB of commas in a call", () => filled(",", MB, "model M {\n  y = relu(x"), "MC1002", 5000],
  ["1 MB of broken statements", () => filled("x = = \n", MB, "model M {\n", "}"), "MC1002", 5000],
  ["1 MB of stray characters", () => filled("@ ", MB), "MC1001", 5000],
  ["1 MB of one output repeated", () => filled("x, ", MB, "model M {\n  input x: f32[1]\n  output ", "x\n}"), "MC2001", 5000],
  ["100,000 empty statements", () => model(";".repeat(100_000)), "ok", 3000],
  ["5,000 statements", () => model(Array.from({ length: 5_000 }, (_, i) => `  a${i} = relu(x)`).join("\n")), "ok", 5000],
  ["a mask of 2^24 values, the limit", () => model("  mask m = ones([4096, 4096])"), "ok", 5000],
  ["a mask of 2^24 + 4096 values", () => model("  mask m = ones([4096, 4097])"), "MC2025", 200],
  ["10,000 nested brackets", () => model(`  mask m = ${"[".repeat(10_000)}`), "MC1003", 500],
];

/** The campaign's extra enormous inputs: [what, entry, text] — run through every property of their entry. */
export const BIG_INPUTS: readonly [string, Entry, () => string][] = [
  ...PARSE_LIMITS.map(([what, text]) => [what, "parse", text] as [string, Entry, () => string]),
  ["1 MB of statements", "parse", () => filled("a=relu(x)\n", MB, "model M {\n  input x: f32[1, 2]\n", "  output a\n}")],
  ["1 MB of empty statements", "parse", () => model(";".repeat(MB - 100))],
  ["50,000 distinct layers", "parse", () => `model M {\n  input x: f32[1, 2]\n${Array.from({ length: 50_000 }, (_, i) => `  a${i} = relu(x)`).join("\n")}\n  output a0\n}\n`],
  ["a 1 MB mask literal", "parse", () => filled("1,", MB, "model M {\n  input x: f32[1]\n  mask m = [", "1]\n  output x\n}")],
  ["1 MB of numbers as one statement", "parse", () => filled("1 ", MB, "model M {\n")],
  ["a repeat of 10,000 blocks", "parse", () => "block s(x) {\n  return relu(x)\n}\nmodel R {\n  input x: f32[1, 2]\n  y = repeat 10000 s(x)\n  output y\n}\n"],
  ["IR of a million-value constant", "ir", () => `graph G {\n  %c = constant [${filled("1,", 2_000_000)}1] : f32[1000001]\n  output c = %c\n}\n`],
  ["IR of 60,000 nodes", "ir", () => `graph G {\n  %x = input : f32[1,2]\n${Array.from({ length: 60_000 }, (_, i) => `  %a${i} = relu(%x) : f32[1,2]`).join("\n")}\n  output a = %a0\n}\n`],
  ["5 MB of IR statements", "ir", () => filled("%a = relu(%b) ", 5 * MB, "graph G {\n")],
  ["a tensors file of a million values", "tensors", () => `{"x": {"shape": [1000001], "data": [${filled("-1.5e-7,", 8_000_000)}1]}}`],
  ["a tensors file of 100,000 tensors", "tensors", () => `{${Array.from({ length: 100_000 }, (_, i) => `"k${i}": {"shape": [1], "data": [${i}]}`).join(",")}}`],
  ["a tensors file nested a million deep", "tensors", () => "[".repeat(1_000_000)],
  ["an empty tensors file", "tensors", () => ""],
];
