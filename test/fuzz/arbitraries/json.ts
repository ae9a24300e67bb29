// Arbitraries for tensors JSON files: the repository's files mutated by tokens and lines, tensor files built with
// odd shapes, odd numbers and wrong types written as raw text (so 1e999, -0 and 0x10 reach the parser as
// written), random JSON values, and nesting that goes deep.

import fc from "fast-check";
import { JSON_SEEDS } from "../corpus.js";
import { ODD_NUMBERS, insertion, mutated } from "./mutate.js";

export const JSON_TOKEN = /"(?:[^"\\\n]|\\.)*"|-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|true|false|null|\s+/;

const KEYS = ['"x"', '"m"', '"y.kernel"', '"y.bias"', '"shape"', '"data"', '"__proto__"', '"constructor"', '"toString"', '""', '"\\u0000"', '"a\\nb"', '"\\ud800"', '"\u001b[31m"'];

export const JSON_VOCABULARY: readonly string[] = [...KEYS, "{", "}", "[", "]", ",", ":", "null", "true", "false", "[]", "{}", '"NaN"', '"1"', "//", "/*"];

/** A value as JSON text: mostly numbers (odd ones included), sometimes another type. */
const rawValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.double().map((v) => (Object.is(v, -0) ? "-0" : Number.isFinite(v) ? String(v) : "1e999")) },
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }).map(String) },
  { weight: 3, arbitrary: fc.constantFrom(...ODD_NUMBERS) },
  { weight: 1, arbitrary: fc.constantFrom("null", "true", '"1"', "[]", "{}", "[1]") },
);

/** `{"name": {"shape": [...], "data": [...]}, ...}` with sizes that fit or nearly fit, odd keys and extra fields. */
const tensorFile: fc.Arbitrary<string> = fc
  .array(
    fc.record({
      key: fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s))),
      shape: fc.array(fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 4 }).map(String) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_NUMBERS) }), { maxLength: 4 }),
      slack: fc.integer({ min: -2, max: 2 }),
      values: fc.array(rawValue, { maxLength: 70 }),
      extra: fc.constantFrom("", "", "", ', "dtype": "f32"', ', "shape": [1]', ', "data": []'),
      order: fc.boolean(),
    }),
    { maxLength: 4 },
  )
  .map((tensors) => {
    const parts = tensors.map(({ key, shape, slack, values, extra, order }) => {
      const count = shape.reduce((a, d) => a * (Number.isInteger(Number(d)) ? Number(d) : 1), 1);
      const n = Math.max(0, Math.min(count, 64) + (count <= 64 ? slack : 0));
      const data = Array.from({ length: n }, (_, i) => values[i % Math.max(values.length, 1)] ?? "0");
      const fields = [`"shape": [${shape.join(", ")}]`, `"data": [${data.join(", ")}]`];
      return `${key}: {${(order ? fields : fields.reverse()).join(", ")}${extra}}`;
    });
    return `{${parts.join(",\n ")}}`;
  });

const deepJson: fc.Arbitrary<string> = fc
  .tuple(fc.nat({ max: 120 }), fc.constantFrom("[", "{\"a\":", "[\"[{\","))
  .map(([depth, open]) => `{"x": {"shape": [1], "data": ${open.repeat(depth)}1${(open.startsWith("{") ? "}" : "]").repeat(depth)}}}`);

export const jsonText: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: mutated([...JSON_SEEDS], JSON_VOCABULARY, JSON_TOKEN) },
  { weight: 5, arbitrary: tensorFile },
  { weight: 2, arbitrary: tensorFile.chain((text) => mutated([text], JSON_VOCABULARY, JSON_TOKEN, 3)) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 1, arbitrary: deepJson },
  { weight: 1, arbitrary: fc.array(insertion(JSON_VOCABULARY), { maxLength: 40 }).map((ts) => ts.join("")) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 100 }) },
);

/** Mask values: mostly 0/1 and soft values, sometimes anything. */
const maskValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom("0", "1", "1", "0.5", "-1", "1e-3", "-0") },
  { weight: 2, arbitrary: rawValue },
);

/** A mask nested [kh, kw] or [kh, kw, c], or {"shape", "data"}, with odd sizes and values (load()'s file). */
const maskJson: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.constantFrom(3, 3, 3, 0, 1, 4), fc.constantFrom(3, 3, 3, 0, 2), fc.array(maskValue, { minLength: 1, maxLength: 20 }), fc.boolean())
    .map(([h, w, vs, deep]) => {
      let k = 0;
      const v = () => vs[k++ % vs.length]!;
      const row = () => `[${Array.from({ length: w }, () => (deep ? `[${v()}, ${v()}]` : v())).join(", ")}]`;
      return `[${Array.from({ length: h }, row).join(", ")}]`;
    }),
  fc
    .tuple(fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom("3", "3", "2", "1") }, fc.integer({ min: -1, max: 5 }).map(String), fc.constantFrom(...ODD_NUMBERS)), { maxLength: 5 }), fc.array(maskValue, { maxLength: 30 }))
    .map(([shape, data]) => `{"shape": [${shape.join(", ")}], "data": [${data.join(", ")}]}`),
);

export const maskFileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: maskJson },
  { weight: 2, arbitrary: maskJson.chain((text) => mutated([text], JSON_VOCABULARY, JSON_TOKEN, 2)) },
  { weight: 1, arbitrary: jsonText },
);
