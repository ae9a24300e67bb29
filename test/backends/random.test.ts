// Random graphs through every backend, compared with interpret() (float64) to 1e-5 relative to the values'
// magnitude. The seeds are fixed; a failure names the seed and the drawn configuration.

import { describe, expect, test } from "vitest";
import { type Backend, loadCompiled } from "../../src/codegen/index.js";
import { formatDiagnostics } from "../../src/diagnostics.js";
import { interpret } from "../../src/ir/interpret.js";
import { expectClose } from "./cases.js";
import { randomCase } from "./random.js";

const SEEDS = Array.from({ length: 40 }, (_, i) => 7000 + i);
const BACKENDS: Backend[] = ["js", "tfjs-wasm", "tfjs-cpu"];

test("the seeds cover the configurations that matter", () => {
  const labels = SEEDS.map((s) => randomCase(s).label).join("\n");
  for (const wanted of [/x\[N,/, / fed/, / folded/, / constant-masked/, / constant-kernel/, /mask\[\d+,\d+\]/,
    /mask\[\d+,\d+,\d+\]/, /mask\[\d+,\d+,\d+,\d+\]/, /pvalid/, /psame/, /p\d,\d,\d,\d/, / L2 /, /relu/, /tanh/, /sigmoid/, /->[57] /, /->[89] /]) {
    expect(labels, String(wanted)).toMatch(wanted);
  }
  // strides > 1 and dilations > 1 in one conv (tfjs refuses it; the tfjs target decomposes it)
  expect(labels).toMatch(/s([23],\d|\d,[23]) d([23],\d|\d,[23])/);
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
