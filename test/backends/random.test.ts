// Random graphs through every backend, compared with interpret() (float64) to 1e-5 relative to the values'
// magnitude. The seeds are fixed; a failure names the seed and the drawn configuration.

import { describe, expect, test } from "vitest";
import { type Backend, loadCompiled } from "../../src/codegen/index.js";
import { formatDiagnostics } from "../../src/diagnostics.js";
import { interpret } from "../../src/ir/interpret.js";
import { expectClose } from "./cases.js";
import { randomCase } from "./random.js";

const SEEDS = Array.from({ length: 60 }, (_, i) => 7000 + i);
const BACKENDS: Backend[] = ["js", "tfjs-wasm", "tfjs-cpu"];

test("the seeds cover the configurations that matter", () => {
  const labels = SEEDS.map((s) => randomCase(s).label).join("\n");
  for (const wanted of [/x\[N,/, / fed/, / folded/, / constant-masked/, / constant-kernel/, /mask\[\d+,\d+\]/,
    /mask\[\d+,\d+,\d+\]/, /mask\[\d+,\d+,\d+,\d+\]/, /pvalid/, /psame/, /p\d,\d,\d,\d/, / L2 /, /relu/, /tanh/, /sigmoid/, /->[57] /, /->[89] /]) {
    expect(labels, String(wanted)).toMatch(wanted);
  }
  // strides > 1 and dilations > 1 in one conv (tfjs refuses it; the tfjs target decomposes it)
  expect(labels).toMatch(/s([23],\d|\d,[23]) d([23],\d|\d,[23])/);
  // groups: 2 and 3 (split, conv, concat on tfjs), depthwise with multiplier 1 and 2 (tf.depthwiseConv2d)
  for (const wanted of [/ g2 /, / g3 /, / dw1 /, / dw2 /]) expect(labels, String(wanted)).toMatch(wanted);
  // masks of every rank on grouped kernels, fed at run time and constant
  for (const kind of ["fed", "(constant-masked|folded)"]) {
    for (const rank of [2, 3, 4]) {
      const wanted = new RegExp(` ${kind} (g|dw)\\d mask\\[\\d+(,\\d+){${rank - 1}}\\]`);
      expect(labels, String(wanted)).toMatch(wanted);
    }
  }
  // groups of 5 and 8 out channels: a block of 4 and the rest, a loop of blocks (js)
  const grouped = (from: string, to: string, g: string) => new RegExp(`L\\d ${from}->${to} k\\S+ s\\S+ d\\S+ p\\S+ \\S+ g${g} `);
  for (const wanted of [[grouped("6", "15", "3"), grouped("[46]", "10", "2")], [grouped("6", "24", "3"), grouped("[46]", "16", "2")]]) {
    expect(wanted.some((w) => w.test(labels)), String(wanted)).toBe(true);
  }
  // grouped convs with strides and dilations > 1
  expect(labels).toMatch(/s([23],\d|\d,[23]) d([23],\d|\d,[23]) p\S+ \S+ (g|dw)\d/);
});

describe.each(BACKENDS)("%s agrees with interpret()", (backend) => {
  test.each(SEEDS)("seed %i", async (seed) => {
    const c = randomCase(seed);
    const loaded = await loadCompiled(c.graph, backend, c.weights);
    if (!loaded.ok) throw new Error(`${c.label}\n${formatDiagnostics(loaded.diagnostics)}`);
    for (const feed of c.feeds) {
      const got = await loaded.value.predict(feed);
      const want = interpret(c.graph, feed, c.weights);
      expect(got.y!.data).toBeInstanceOf(Float32Array);
      expectClose(got.y!, want.y!, `seed ${seed} (${c.label})`);
    }
    loaded.value.dispose?.();
  });
});
