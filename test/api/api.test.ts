// The public API as a library user meets it: build the founding case with the GraphBuilder (the same road the
// DSL takes), optimize, interpret, compile .mconv text in one call; problems come back as diagnostics.
import { describe, expect, it } from "vitest";
import * as mconv from "../../src/index.js";

const ones = (n: number) => new Float32Array(n).fill(1);
const MASK = [1, 1, 0, 1, 1, 1, 0, 1, 1];

describe("public API", () => {
  it("builds the seed with a dynamic mask written as mul(kernel, reshape(mask)); -O1 fuses it and every path gives 21", async () => {
    const b = new mconv.GraphBuilder("Seed");
    const x = b.input("x", ["N", 4, 4, 3]);
    const m = b.input("m", [3, 3]);
    const k = b.param("y.kernel", [3, 3, 3, 2]);
    const masked = b.mul(k, b.reshape(m, [3, 3, 1, 1]));
    b.output("y", b.conv2d(x, masked, {}, { name: "y" }));
    const built = b.build();
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    const graph = mconv.optimize(built.value);
    expect(graph.nodes.map((n) => n.op)).toEqual(["input", "input", "param", "masked_conv2d"]);

    const inputs = { x: { shape: [2, 4, 4, 3], data: ones(96) }, m: { shape: [3, 3], data: MASK } };
    const weights = { "y.kernel": { shape: [3, 3, 3, 2], data: ones(54) } };
    expect(Array.from(mconv.interpret(built.value, inputs, weights)["y"]!.data)).toEqual(new Array(16).fill(21));
    for (const backend of ["js", "tfjs-cpu"] as const) {
      const model = await mconv.loadCompiled(graph, backend, weights);
      expect(model.ok).toBe(true);
      if (!model.ok) return;
      const y = (await model.value.predict(inputs))["y"]!;
      expect(y.shape).toEqual([2, 2, 2, 2]);
      expect(Array.from(y.data)).toEqual(new Array(16).fill(21));
      model.value.dispose?.();
    }
  });

  it("reports a builder mistake as a diagnostic with the layout spelled out, not an exception", () => {
    const b = new mconv.GraphBuilder("Bad");
    const x = b.input("x", [1, 8, 8, 4]);
    const k = b.param("k", [3, 3, 4, 1]);
    const m = b.input("m", [3, 4]);
    const y = b.maskedConv2d(x, k, m);
    expect(y.valid).toBe(false);
    b.output("y", b.relu(y));
    const built = b.build();
    expect(built.ok).toBe(false);
    expect(built.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([
      "MC2003: mask [3, 4] does not fit kernel [3, 3, 4, 1] [height, width, in_channels, out_channels]: its width is 4 but the kernel's is 3",
    ]);
  });

  it("compiles .mconv text with weights given as a tensors file, embedding them", () => {
    const text = "model M {\n  input x: f32[N, 3, 3, 1]\n  y = conv2d(x, filters=1, kernel=2, bias=false)\n  output y\n}\n";
    const weights = { name: "w.json", text: '{"y.kernel": {"shape": [2, 2, 1, 1], "data": [1, 2, 3, 4]}}' };
    const r = mconv.compile({ name: "m.mconv", text }, { target: "js", weights });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toContain("export async function load");

    const bad = mconv.compile({ name: "m.mconv", text }, { target: "js", weights: { name: "w.json", text: '{"y.kernel": {"shape": [2, 2], "data": [1, 2, 3, 4]}}' } });
    expect(bad.ok).toBe(false);
    expect(mconv.formatDiagnostics(bad.diagnostics)).toContain("w.json:1:24: error MC5023: weight 'y.kernel' must have shape [2, 2, 1, 1]");
  });
});

describe("weights given in memory", () => {
  const text = "model M {\n  input x: f32[N, 3, 3, 1]\n  y = conv2d(x, filters=1, kernel=2, bias=false)\n  output y\n}\n";
  it.each([
    [{ "y.kernel": { shape: [4], data: [1, 2, 3, 4] } }, "MC5023: weight 'y.kernel' must have shape [2, 2, 1, 1] [height, width, in_channels, out_channels], got [4] (rank 1 instead of 4)"],
    [{ "y.kernel": { shape: [2, 2, 1, 1], data: [1, 2, 3] } }, "MC5014: tensor 'y.kernel' has shape [2, 2, 1, 1], which needs 4 values, but its data holds 3"],
    [{}, "MC5021: weight 'y.kernel' is missing from the weights (expected shape [2, 2, 1, 1])"],
  ])("are checked against the model: %#", (weights, message) => {
    const r = mconv.compile({ name: "m.mconv", text }, { target: "js", weights });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => `${d.code}: ${d.message}`)).toContain(message);
  });
});
