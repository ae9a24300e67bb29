// Convs of the same shape, live taps, bias and activation share one kernel function in the js module (a deep stack
// of alike layers would otherwise repeat the same loops once per layer): the module declares one function per kind
// of conv, and the shared function computes every layer as the reference interpreter does.

import { describe, expect, it } from "vitest";
import { emitModule, loadCompiled } from "../../src/codegen/index.js";
import { interpret } from "../../src/ir/interpret.js";
import { initWeights } from "../../src/io/init.js";
import { parseModel } from "../../src/parser/parse.js";
import { optimize } from "../../src/passes/pipeline.js";
import { maxRelativeError } from "../support/random.js";

const layers = (n: number) =>
  Array.from({ length: n }, (_, i) => `  h${i + 1} = conv2d(h${i}, filters=4, kernel=3, padding=same, mask=causal(3, type=B), activation=relu)`);
const text = [
  "model Stack {",
  "  input x: f32[N, 6, 5, 4]",
  "  h0 = conv2d(x, filters=4, kernel=3, padding=same, mask=causal(3, type=A))",
  ...layers(4),
  "  w = conv2d(h4, filters=4, kernel=3, padding=same, mask=causal(3, type=B))", // no activation: a kind of its own
  "  output w",
  "}",
].join("\n");

describe("js convs alike share their kernel function", () => {
  const parsed = parseModel({ name: "stack.mconv", text });
  if (!parsed.ok) throw new Error("the stack does not parse");
  const weights = initWeights(parsed.value, "random", 5);
  const graph = optimize(parsed.value, { weights, target: "js" });

  it("declares one function per kind of conv: type A linear, type B relu (4 layers), type B linear", () => {
    const module = emitModule(graph, "js");
    if (!module.ok) throw new Error("no module");
    // Each kind twice: the asm.js loops and the plain ones (for heaps past asm.js's size).
    expect(module.value.match(/^\s*function conv\d+\(/gm)?.length).toBe(3);
    expect(module.value.match(/^\s*function convAsm\d+\(stdlib, foreign, heap\)/gm)?.length).toBe(3);
    expect(module.value.match(/\/\/ the loops of convAsm\d+ and conv\d+, a conv of the same shape/g)?.length).toBe(3);
  });

  it("computes every layer as the reference interpreter does", async () => {
    const data = Float32Array.from({ length: 3 * 6 * 5 * 4 }, (_, i) => Math.sin(i * 0.7));
    const inputs = { x: { shape: [3, 6, 5, 4], data } };
    const expected = interpret(parsed.value, inputs, weights)["w"]!;
    const model = await loadCompiled(graph, "js", undefined, { threads: 1 });
    if (!model.ok) throw new Error("no model");
    const got = (await model.value.predict(inputs))["w"]!;
    expect(got.shape).toEqual([3, 6, 5, 4]);
    expect(maxRelativeError(got.data, Array.from(expected.data))).toBeLessThan(1e-5);
    expect(Array.from(expected.data).some((v) => v !== 0)).toBe(true);
  });
});
