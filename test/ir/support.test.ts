// An input's declared support (`input m: f32[3, 3] within causal(3, type=A)`): printed and read back, and a feed
// that is nonzero outside it refused everywhere — by the interpreter, by checkTensorMap and by compiled modules.
import { describe, expect, it } from "vitest";
import { loadCompiled } from "../../src/codegen/index.js";
import { formatDiagnostics } from "../../src/diagnostics.js";
import { FeedError, interpret } from "../../src/ir/interpret.js";
import { printGraph } from "../../src/ir/text/print.js";
import { readGraph } from "../../src/ir/text/read.js";
import { checkTensorMap } from "../../src/io/feeds.js";
import { parseModel } from "../../src/parser/parse.js";
import { optimize } from "../../src/passes/pipeline.js";
import { knownZeros } from "../../src/ir/zeros.js";

const MODEL = `model M {
  input x: f32[1, 4, 4, 1]
  input m: f32[3, 3] within causal(3, type=A)
  y = conv2d(x, filters=1, kernel=3, padding=same, mask=m)
  output y
}`;

function model() {
  const parsed = parseModel({ name: "m.mconv", text: MODEL });
  if (!parsed.ok) throw new Error(formatDiagnostics(parsed.diagnostics));
  return parsed.value;
}

const x = { shape: [1, 4, 4, 1], data: Array.from({ length: 16 }, (_, i) => i / 16) };
// causal(3, type=A) keeps the top row and the left of the centre: [[1,1,1],[1,0,0],[0,0,0]].
const inside = { shape: [3, 3], data: [0.5, 1, 2, 3, 0, 0, 0, 0, 0] };
const outside = { shape: [3, 3], data: [0.5, 1, 2, 3, 0, 0, 0, 0.25, 0] };
const weights = { "y.kernel": { shape: [3, 3, 1, 1], data: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, "y.bias": { shape: [1], data: [0] } };

describe("a declared support", () => {
  it("prints as the input's support attribute and reads back", () => {
    const text = printGraph(model());
    expect(text).toContain("%m = input {support=[[1,1,1],[1,0,0],[0,0,0]]} : f32[3,3]");
    const read = readGraph({ name: "m.ir", text });
    expect(read.ok && printGraph(read.value)).toBe(text);
  });

  it("makes the elements outside it structural zeros", () => {
    expect([...knownZeros(model()).get("m")!]).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it("refuses a support of values other than 0 and 1 in IR text", () => {
    const read = readGraph({ name: "m.ir", text: "graph G {\n  %m = input {support=[1,0.5]} : f32[2]\n  output m = %m\n}\n" });
    expect(read.ok).toBe(false);
    expect(read.diagnostics[0]!.code).toBe("MC2011");
  });

  it("is enforced by the interpreter", () => {
    expect(interpret(model(), { x, m: inside }, weights)["y"]!.shape).toEqual([1, 4, 4, 1]);
    expect(() => interpret(model(), { x, m: outside }, weights)).toThrow(FeedError);
    expect(() => interpret(model(), { x, m: outside }, weights)).toThrow("input 'm' must be 0 outside its declared support (the 'within' mask), but m[2, 1] is 0.25");
  });

  it("is enforced by checkTensorMap with MC5025", () => {
    expect(checkTensorMap(model(), "input", { x, m: inside })).toEqual([]);
    const ds = checkTensorMap(model(), "input", { x, m: outside });
    expect(ds.map((d) => d.code)).toEqual(["MC5025"]);
    expect(ds[0]!.message).toContain("m[2, 1] is 0.25");
  });

  it.each(["js", "tfjs-cpu"] as const)("is enforced by the compiled %s module, which agrees with the oracle inside it", async (backend) => {
    const graph = optimize(model(), { target: backend === "js" ? "js" : "tfjs" });
    // The fed mask is cut to the live rows: the support is what makes the crop possible.
    expect(printGraph(graph)).toContain("%m.crop = slice(%m) {axis=0, begin=0, size=2}");
    const loaded = await loadCompiled(graph, backend, weights);
    if (!loaded.ok) throw new Error(formatDiagnostics(loaded.diagnostics));
    const got = await loaded.value.predict({ x, m: inside });
    const want = interpret(model(), { x, m: inside }, weights)["y"]!;
    want.data.forEach((v, i) => expect(got["y"]!.data[i]).toBeCloseTo(v, 5));
    await expect(loaded.value.predict({ x, m: outside })).rejects.toThrow("input 'm' must be 0 outside its declared support (the 'within' mask), but m[2, 1] is 0.25");
    loaded.value.dispose?.();
  });
});
