// The founding case on every backend: x [1,4,4,3] of ones, kernel [3,3,3,2] of ones, the mask
// [[1,1,0],[1,1,1],[0,1,1]] and a zero bias give 21 everywhere (7 live taps × 3 channels). The mask comes both
// fed at run time (masked_conv2d) and folded by hand into the kernel (conv2d over kernel * reshape(constant)).

import { describe, expect, test } from "vitest";
import { type Backend, loadCompiled } from "../../src/codegen/index.js";
import { formatDiagnostics } from "../../src/diagnostics.js";
import type { Graph } from "../../src/ir/node.js";
import { interpret } from "../../src/ir/interpret.js";
import { FOUNDING_WEIGHTS, expectClose, foundingDynamic, foundingInputs, foundingStatic } from "./cases.js";

const BACKENDS: Backend[] = ["js", "tfjs", "tfjs-wasm", "tfjs-cpu"];

async function load(graph: Graph, backend: Backend) {
  const loaded = await loadCompiled(graph, backend, FOUNDING_WEIGHTS());
  if (!loaded.ok) throw new Error(formatDiagnostics(loaded.diagnostics));
  return loaded.value;
}

describe.each(BACKENDS)("founding case on %s", (backend) => {
  test.each([
    ["a mask fed at run time", foundingDynamic(), true],
    ["a constant mask folded into the kernel", foundingStatic(), false],
  ] as const)("%s: every output is 21", async (_what, graph, dynamic) => {
    const model = await load(graph, backend);
    const out = await model.predict(foundingInputs(1, dynamic));
    expect(Object.keys(out)).toEqual(["y"]);
    expect(out.y!.shape).toEqual([1, 2, 2, 2]);
    expect(out.y!.data).toBeInstanceOf(Float32Array);
    expect(Array.from(out.y!.data)).toEqual(new Array(8).fill(21));
    model.dispose?.();
  });

  test("a symbolic batch N, fed with different batch sizes in turn", async () => {
    const graph = foundingStatic("N");
    const model = await load(graph, backend);
    const seen: Float32Array[] = [];
    for (const batch of [1, 3, 3, 2, 1]) {
      const inputs = foundingInputs(batch);
      // Vary the batch items, so that mixing them up would show.
      const x = inputs.x!.data as Float32Array;
      for (let i = 0; i < x.length; i++) x[i] = 1 + Math.floor(i / 48);
      const out = await model.predict(inputs);
      expect(out.y!.shape).toEqual([batch, 2, 2, 2]);
      expectClose(out.y!, interpret(graph, inputs, FOUNDING_WEIGHTS()).y!, `batch ${batch}`);
      seen.push(out.y!.data);
    }
    // Outputs are the caller's: a later call does not overwrite an earlier result.
    expect(Array.from(seen[0]!)).toEqual(new Array(8).fill(21));
    expect(new Set(seen).size).toBe(seen.length);
    model.dispose?.();
  });
});
