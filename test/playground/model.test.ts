// The playground's DOM-free parts in Node: generated weights and inputs, the mask grids, the compile step.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseModel } from "../../src/parser/parse.js";
import { compileSource } from "../../playground/src/compile.js";
import { inputSymbols, makeInputs, makeWeights } from "../../playground/src/feeds.js";
import { kernelMasks } from "../../playground/src/masks.js";
import { repoRoot } from "../support/cli.js";

function parse(text: string) {
  const parsed = parseModel({ name: "t.mconv", text });
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join("\n"));
  return parsed.value;
}

const bnModel = `model Bn {
  input x: f32[N, 4, 4, 2]
  input m: f32[3, 3]
  y = batch_norm(conv2d(x, filters=3, kernel=3, mask=m))
  output y
}`;

describe("playground feeds", () => {
  it("'ones' weights: kernels 1, the rest as Keras starts a layer", () => {
    const w = makeWeights(parse(bnModel), "ones", 7);
    const firsts = Object.fromEntries(Object.entries(w).map(([k, t]) => [k, [t.shape, [...new Set(Array.from(t.data))]]]));
    expect(firsts).toEqual({
      "y.conv2d.kernel": [[3, 3, 2, 3], [1]],
      "y.conv2d.bias": [[3], [0]],
      "y.gamma": [[3], [1]],
      "y.beta": [[3], [0]],
      "y.moving_mean": [[3], [0]],
      "y.moving_variance": [[3], [1]],
    });
  });

  it("inputs take the sizes given to symbolic dimensions, 1 otherwise; random ones are seeded in [-1, 1)", () => {
    const g = parse(bnModel);
    expect(inputSymbols(g)).toEqual(["N"]);
    const a = makeInputs(g, "random", 3, { N: 2 });
    expect(a.x!.shape).toEqual([2, 4, 4, 2]);
    expect(a.m!.shape).toEqual([3, 3]);
    expect(makeInputs(g, "ones", 3).x!.shape).toEqual([1, 4, 4, 2]);
    expect(Array.from(makeInputs(g, "random", 3, { N: 2 }).x!.data)).toEqual(Array.from(a.x!.data));
    const values = Array.from(a.x!.data);
    expect(values.every((v) => v >= -1 && v < 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(values.length / 2);
  });
});

describe("playground mask grids", () => {
  it("PixelCNN RGB's 7×7 type-A stem: rows above and the left of the centre live; the centre shows the colour groups", () => {
    const text = readFileSync(join(repoRoot, "examples/pixelcnn_rgb.mconv"), "utf8");
    const [stem] = kernelMasks(parse(text));
    expect(stem).toMatchObject({ layer: "stem.conv", mask: "stem.mask", kind: "static", rows: 7, cols: 7, shape: [7, 7, 3, 48] });
    // 3 input channels (R, G, B) × 48 outputs (16 per colour): at the centre, G sees R (16 pairs), B sees R and G (32).
    const live = stem!.taps.map((t) => (t.live === 0 ? "." : t.live === t.total ? "#" : String(t.live)));
    const rows = Array.from({ length: 7 }, (_, r) => live.slice(r * 7, r * 7 + 7).join(" "));
    expect(rows).toEqual(["# # # # # # #", "# # # # # # #", "# # # # # # #", "# # # 48 . . .", ". . . . . . .", ". . . . . . .", ". . . . . . ."]);
    expect(stem!.taps[24]!.total).toBe(144);
  });

  it("lists a mask fed at run time without values", () => {
    expect(kernelMasks(parse(bnModel))).toEqual([{ layer: "y.conv2d.conv", mask: "m", shape: [3, 3], kind: "dynamic", rows: 3, cols: 3, taps: [] }]);
  });
});

describe("playground compile step", () => {
  it("gives the IR per pass and a module, or the parser's diagnostics", () => {
    const ok = compileSource(bnModel, { level: 1, weights: "random", seed: 1, target: "js" });
    expect(ok.diagnostics).toEqual([]);
    expect(ok.stages.map((s) => s.name)).toEqual(["parsed", "bind-weights", "fold-batch-norm", "fold-static-masks", "fold-constants", "crop-masked-kernels", "fuse-dynamic-masks", "fuse-bias-activation", "cse", "dce", "final"]);
    expect(ok.module).toContain("export async function load(");
    const bad = compileSource("model M {\n  y = relu(x)\n  output y\n}", { level: 1, weights: "random", seed: 1, target: "js" });
    expect(bad.graph).toBeUndefined();
    expect(bad.diagnostics.length).toBeGreaterThan(0);
    expect(bad.diagnostics[0]!.span?.start).toBe("model M {\n  y = relu(".length);
  });
});
