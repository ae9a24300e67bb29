// Arbitraries for IR text (the textual IR that printGraph writes and readGraph reads): the printed IR of seed and
// random programs, mutated by tokens and lines, with odd numbers in attributes, shapes and constants, and token
// soup from the IR's vocabulary.

import fc from "fast-check";
import { opDefs } from "../../../src/ir/registry.js";
import { printGraph } from "../../../src/ir/text/print.js";
import { parseModel } from "../../../src/parser/parse.js";
import { IR_SEEDS } from "../corpus.js";
import { ODD_NUMBERS, insertion, mutated } from "./mutate.js";
import { randomProgram } from "./program.js";

/** How IR text splits into tokens for mutation: comments, value names, strings, numbers, words, elisions. */
export const IR_TOKEN = /#[^\n]*|%(?:[A-Za-z_][A-Za-z0-9_.]*|"(?:[^"\\\n]|\\.)*")|"(?:[^"\\\n]|\\.)*"|-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|-?inf\b|nan\b|[A-Za-z_][A-Za-z0-9_.]*|<[^>\n]*>|\s+/;

const ATTR_NAMES = [...new Set(Object.values(opDefs).flatMap((d) => Object.keys(d.attrs)))];

export const IR_VOCABULARY: readonly string[] = [
  ...Object.keys(opDefs), ...ATTR_NAMES, "graph", "output", "f32", "f16", "valid", "same", "N", "%x", "%y", '%"a b"', '%""',
  '%"\\u0000"', '"\\ud800"', '"out"', "{", "}", "(", ")", "[", "]", ",", "=", ":", "\n", "#", "<3 values, 1 zero>", "[]", "[[]]",
];

const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|-?inf\b|nan\b/g;

/** Printed IR with its numbers (the k-th, k-th again, …) replaced by odd ones: attributes, shapes and constants. */
function oddNumbersIn(seeds: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(seeds, fc.array(fc.tuple(fc.nat({ max: 10_000 }), fc.constantFrom(...ODD_NUMBERS)), { minLength: 1, maxLength: 4 }))
    .map(([text, edits]) => {
      let out = text;
      for (const [k, n] of edits) {
        const hits = [...out.matchAll(NUMBER)].filter((m) => !/[%A-Za-z_.]/.test(out[m.index! - 1] ?? ""));
        if (hits.length === 0) break;
        const m = hits[k % hits.length]!;
        out = out.slice(0, m.index) + n + out.slice(m.index! + m[0].length);
      }
      return out;
    });
}

/** The IR of a random program that parses, else one of the seeds. */
const randomIr: fc.Arbitrary<string> = fc.tuple(randomProgram, fc.constantFrom(...IR_SEEDS)).map(([text, fallback]) => {
  const r = parseModel({ name: "random.mconv", text });
  return r.ok ? printGraph(r.value, { elideAbove: Infinity }) : fallback;
});

const irSeeds = fc.oneof(fc.constantFrom(...IR_SEEDS), randomIr);

export const irText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: mutated(IR_SEEDS, IR_VOCABULARY, IR_TOKEN) },
  { weight: 4, arbitrary: oddNumbersIn(irSeeds) },
  { weight: 2, arbitrary: randomIr },
  { weight: 1, arbitrary: fc.array(insertion(IR_VOCABULARY), { maxLength: 60 }).map((ts) => `graph G {\n${ts.join(" ")}\n}\n`) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
);
