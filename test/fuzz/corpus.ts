// The seeds the fuzzers mutate: every .mconv program the repository holds (examples, test cases, the docs' code
// blocks), IR text (the pass and parser snapshots, and the printed IR of every seed that parses) and tensor JSON
// files. Read once per process; not a test.

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseModel } from "../../src/parser/parse.js";
import { printGraph } from "../../src/ir/text/print.js";

export const repoRoot = new URL("../..", import.meta.url).pathname;

function filesIn(folder: string, ext: string): string[] {
  const full = join(repoRoot, folder);
  return readdirSync(full, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => readFileSync(join(full, f), "utf8"));
}

/** The ```mconv and ```mconv-error blocks of a markdown file. */
function codeBlocks(file: string): string[] {
  const text = readFileSync(join(repoRoot, file), "utf8");
  return [...text.matchAll(/^```mconv(?:-error MC\d{4})?\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** A few hand-written programs that use much of the language in little text. */
const RICH = [
  `block residual(x, channels, m=causal(3, type=B)) {
  a = conv2d(x, filters=channels, kernel=1, activation=relu)
  b = conv2d(a, channels, 3, padding=same, mask=m, groups=2)
  return add(x, b)
}
model Blocks {
  input x: f32[N, 8, 8, 4]; input m: f32[N, 8, 8, 1]
  mask rgb = causal([3, 3], type=A, groups=2, order=interleaved)
  mask cb = and(checkerboard(8, parity=1), not(flip(transpose(ones([8, 8])), axis=0)))
  h = conv2d(x, filters=4, kernel=3, padding=same, mask=rgb)
  r = residual(h, channels=4)
  res = repeat 3 residual(r, 4, m=[[1, 1, 1], [1, 0, 0], [0, 0, 0]])
  y, m2 = partial_conv2d(res, m, filters=4, kernel=3, padding=same, activation=elu)
  a, b = split(y, 2, axis=-1)
  t = tanh(a); g = mul(t, 0.5)
  c = concat(a, b); d = apply_mask(c, cb); e = dropout(d, 0.1)
  f = reshape(e, [N, -1]); k = dense(f, units=3, activation=softmax)
  q = pad(x, [[1, 1], [1, 1]]); p = crop(q, 1)
  output k, m2, g
}`,
  `model Loaded {
  input x: f32[1, 5, 5, 2]
  mask m = load("masks/m.json")
  mask n = load('masks/list.json')
  y = conv2d(x, filters=2, kernel=3, mask=and(m, n), padding=same)
  output y
}`,
];

/** Files load() can read while fuzzing (paths as the parser asks for them, next to `fuzz.mconv`). */
export const MASK_FILES: Readonly<Record<string, string>> = {
  "masks/m.json": '{"shape": [3, 3], "data": [1, 1, 1, 1, 0, 0, 0, 0, 0]}',
  "masks/list.json": "[[1, 0, 1], [0, 1, 0], [1, 0, 1]]",
  "masks/bad.json": '{"shape": [3, 3], "data": [1, 1]}',
  "masks/deep.json": "[".repeat(200) + "]".repeat(200),
};

export const MCONV_SEEDS: readonly string[] = [
  ...filesIn("examples", ".mconv"),
  ...filesIn("test/parser/cases", ".mconv"),
  ...filesIn("test/diagnostics/cases", ".mconv"),
  ...codeBlocks("docs/language.md"),
  ...codeBlocks("README.md"),
  ...RICH,
];

/** The printed IR (every constant in full) of each seed that parses, and the .ir files of the test suite. */
export const IR_SEEDS: readonly string[] = [
  ...MCONV_SEEDS.flatMap((text) => {
    const r = parseModel({ name: "seed.mconv", text }, { readFile: (p) => MASK_FILES[p] });
    return r.ok ? [printGraph(r.value, { elideAbove: Infinity })] : [];
  }),
  ...filesIn("test/passes", ".ir"),
  ...filesIn("test/parser/__snapshots__", ".ir"),
];

export const JSON_SEEDS: readonly string[] = [
  ...filesIn("examples", ".json"),
  '{"x": {"shape": [2, 2], "data": [1, -0, 1e-3, 3.4e38]}}',
  '{"__proto__": {"shape": [], "data": [1]}, "constructor": {"shape": [0], "data": []}}',
  "\uFEFF{}",
];
