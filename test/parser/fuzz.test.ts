// Robustness: a seeded loop of mutated programs (tokens deleted, duplicated, swapped or inserted; random bytes;
// pure noise). parseModel must never throw, and every diagnostic must carry a span inside the file and a code.

import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { type Diagnostic, type Span, formatDiagnostics } from "../../src/diagnostics.js";
import { parseModel } from "../../src/parser/parse.js";
import { rng as prng } from "../support/random.js";

const seeds = ["seed.mconv", "seed_static.mconv"].map((f) => readFileSync(new URL(`../../examples/${f}`, import.meta.url), "utf8"));
seeds.push(`model Rich {
  input x: f32[N, 8, 8, 4]; input dyn: f32[3, 3, 4]
  mask m = [[[1, 0, 1, 0], [1, 1, 1, 1], [0, 1, 0, 1]], [[1, 1, 1, 1], [0, 0, 0, 0], [1, 1, 1, 1]],
            [[-1.5e-3, .5, 2., 1e2], [1, 1, 1, 1], [1, 1, 1, 1]]]
  a = conv2d(x, filters=4, kernel=[3, 3], stride=[1, 1], dilation=1, padding=same, bias=false, mask=m)
  b = conv2d(a, filters=2, kernel=3, mask=dyn, activation=tanh) /* block */
  c = sigmoid(b)
  output c, a
}`);

seeds.push(`block residual(x, channels, m=causal(3, type=B)) {
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
}
block pair(x) {
  return split(x, 2)
}`);

const TOKEN = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|\s+|[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|./g;
const VOCAB = [
  "model", "input", "mask", "output", "conv2d", "relu", "filters", "kernel", "=", ",", ":", ";", "[", "]", "(", ")",
  "{", "}", "f32", "N", "0", "-1", "1e999", "2.5", "/*", "*/", "//", '"', "'same'", "ï", "\u0000", "\u00a0", "\n",
  "[".repeat(70), "x", "y", "m", "padding", "same", "true", "🙂", "block", "return", "repeat", "repeat 10000", "causal(3, type=A)",
  "groups=3", "split", "partial_conv2d", "residual", 'load("m.json")', '"m.json"', "pair(x)", "-1", "a, b", "mask=",
];

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

function mutate(rnd: () => number, text: string): string {
  const r = rnd();
  if (r < 0.08) {
    return Array.from({ length: Math.floor(rnd() * 200) }, () => String.fromCharCode(Math.floor(rnd() * 0x3000))).join("");
  }
  if (r < 0.25) {
    const at = Math.floor(rnd() * (text.length + 1));
    const noise = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => String.fromCharCode(Math.floor(rnd() * 256))).join("");
    return rnd() < 0.5 ? text.slice(0, at) + noise + text.slice(at) : text.slice(0, at);
  }
  const tokens = text.match(TOKEN) ?? [];
  const i = Math.floor(rnd() * tokens.length);
  const j = Math.floor(rnd() * tokens.length);
  const op = rnd();
  if (op < 0.3) tokens.splice(i, 1);
  else if (op < 0.5) tokens.splice(i, 0, tokens[i] ?? "");
  else if (op < 0.7) [tokens[i], tokens[j]] = [tokens[j] ?? "", tokens[i] ?? ""];
  else tokens.splice(i, 0, ` ${pick(rnd, VOCAB)} `);
  return tokens.join("");
}

function checkSpan(s: Span | undefined, text: string, what: string): void {
  expect(s, `${what} has a span`).toBeDefined();
  expect(s!.source.text).toBe(text);
  expect(0 <= s!.start && s!.start <= s!.end && s!.end <= text.length, `${what} span ${s!.start}..${s!.end} in 0..${text.length}`).toBe(true);
}

function checkDiagnostic(d: Diagnostic, text: string): void {
  expect(d.code).toMatch(/^MC[12]\d{3}$/);
  expect(d.message.length).toBeGreaterThan(0);
  checkSpan(d.span, text, `${d.code} ${d.message}`);
  for (const n of d.notes) if (n.span) checkSpan(n.span, text, `a note of ${d.code}`);
}

describe("fuzz", () => {
  test("600 mutated programs: no throw, every diagnostic placed, deterministic", () => {
    const rnd = prng(0x6d636f6e);
    let accepted = 0;
    for (let round = 0; round < 600; round++) {
      let text = pick(rnd, seeds);
      const steps = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < steps; k++) text = mutate(rnd, text);
      const context = `round ${round}: ${JSON.stringify(text.slice(0, 400))}`;
      let result: ReturnType<typeof parseModel>;
      try {
        result = parseModel({ name: "fuzz.mconv", text });
      } catch (e) {
        throw new Error(`${context}\nthrew ${(e as Error).stack}`);
      }
      for (const d of result.diagnostics) checkDiagnostic(d, text);
      expect(result.ok, context).toBe(!result.diagnostics.some((d) => d.severity === "error"));
      expect(() => formatDiagnostics(result.diagnostics)).not.toThrow();
      if (result.ok) accepted++;
      if (round % 10 === 0) {
        const again = parseModel({ name: "fuzz.mconv", text });
        expect(formatDiagnostics(again.diagnostics), context).toBe(formatDiagnostics(result.diagnostics));
      }
    }
    // Some mutations (a swapped output order, a duplicated comment) keep the program valid.
    expect(accepted).toBeGreaterThan(0);
  });
});
