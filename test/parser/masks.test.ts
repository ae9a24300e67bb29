// Mask expressions in the language: every built-in mask reaches the IR as the constant written out by hand here,
// grouped causal masks are sized by each conv they mask, and load() reads JSON files next to the model.

import { describe, expect, test } from "vitest";
import { formatDiagnostics } from "../../src/diagnostics.js";
import type { Graph } from "../../src/ir/node.js";
import { groupedCausalMask } from "../../src/ir/masks.js";
import { type ParseOptions, parseModel } from "../../src/parser/parse.js";

function parse(text: string, options?: ParseOptions, name = "models/test.mconv"): Graph {
  const result = parseModel({ name, text }, options);
  if (!result.ok) throw new Error(formatDiagnostics(result.diagnostics));
  return result.value;
}

/** The constant a node holds: its shape and values. */
function constant(g: Graph, name: string): { shape: readonly (number | string)[]; data: number[] } {
  const n = g.nodes.find((x) => x.name === name);
  if (!n || n.op !== "constant") throw new Error(`no constant %${name} in ${g.nodes.map((x) => x.name).join(", ")}`);
  return { shape: n.attrs.shape, data: [...n.attrs.data] };
}

/** A model declaring `mask m = <expr>` and using it on a conv of the given kernel over x: f32[1, 8, 8, channels]. */
function declared(expr: string, kernel = "3", channels = 2): Graph {
  return parse(`model T {\n  input x: f32[1, 8, 8, ${channels}]\n  mask m = ${expr}\n  y = conv2d(x, filters=2, kernel=${kernel}, mask=m)\n  output y\n}`);
}

describe("built-in masks as written", () => {
  test.each([
    ["causal(3, type=A)", [3, 3], [1, 1, 1, 1, 0, 0, 0, 0, 0]],
    ["causal(3, type=B)", [3, 3], [1, 1, 1, 1, 1, 0, 0, 0, 0]],
    ["causal([3, 3], type=B)", [3, 3], [1, 1, 1, 1, 1, 0, 0, 0, 0]],
    ["causal([1, 3], type=A)", [1, 3], [1, 0, 0]],
    ["causal([2, 3], type=B)", [2, 3], [1, 1, 1, 1, 1, 0]],
    ["checkerboard(3)", [3, 3], [1, 0, 1, 0, 1, 0, 1, 0, 1]],
    ["checkerboard([3, 3], parity=1)", [3, 3], [0, 1, 0, 1, 0, 1, 0, 1, 0]],
    ["ones([3, 3])", [3, 3], [1, 1, 1, 1, 1, 1, 1, 1, 1]],
    ["zeros([3, 3, 2])", [3, 3, 2], new Array(18).fill(0)],
    ["flip(causal(3, type=B), axis=0)", [3, 3], [0, 0, 0, 1, 1, 0, 1, 1, 1]],
    ["flip(causal(3, type=B), axis=1)", [3, 3], [1, 1, 1, 0, 1, 1, 0, 0, 0]],
    ["transpose(causal(3, type=A))", [3, 3], [1, 1, 0, 1, 0, 0, 1, 0, 0]],
    ["and(causal(3, type=B), checkerboard(3))", [3, 3], [1, 0, 1, 0, 1, 0, 0, 0, 0]],
    ["or(causal(3, type=A), checkerboard(3))", [3, 3], [1, 1, 1, 1, 1, 0, 1, 0, 1]],
    ["not(causal(3, type=A))", [3, 3], [0, 0, 0, 0, 1, 1, 1, 1, 1]],
    ["not([[0.5, 0, 1], [0, 0, 0], [1, 1, 1]])", [3, 3], [0, 1, 0, 1, 1, 1, 0, 0, 0]],
  ])("mask m = %s", (expr, shape, data) => {
    expect(constant(declared(expr, `[${shape[0]}, ${shape[1]}]`), "m")).toEqual({ shape, data });
  });

  test("5×5 and 7×7 causal masks have the paper's live taps: 12/13 and 24/25", () => {
    const live = (k: number, type: string) => constant(declared(`causal(${k}, type=${type})`, String(k)), "m").data.filter((v) => v !== 0).length;
    expect([live(5, "A"), live(5, "B"), live(7, "A"), live(7, "B")]).toEqual([12, 13, 24, 25]);
  });

  test("an inline mask is a constant named after the layer, used by the conv", () => {
    const g = parse("model T {\n  input x: f32[1, 8, 8, 2]\n  y = conv2d(x, filters=2, kernel=3, mask=causal(3, type=A))\n  output y\n}");
    expect(constant(g, "y.mask").data).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(g.nodes.find((n) => n.name === "y.conv")!.operands).toEqual(["x", "y.kernel", "y.mask"]);
  });
});

describe("channel-grouped causal masks are sized by their conv", () => {
  test("3×3, in = out = 3, contiguous: the IR constant equals the generator's full [3, 3, 3, 3] mask", () => {
    const g = parse("model T {\n  input x: f32[1, 8, 8, 3]\n  y = conv2d(x, filters=3, kernel=3, mask=causal(3, type=B, groups=3))\n  output y\n}");
    const m = constant(g, "y.mask");
    expect(m.shape).toEqual([3, 3, 3, 3]);
    expect(m.data).toEqual([...groupedCausalMask([3, 3], "B", { groups: 3, order: "contiguous", inChannels: 3, outChannels: 3 }).data]);
    // The centre tap (1, 1) by hand: input rows R, G, B; output columns R, G, B.
    expect(m.data.slice(4 * 9, 5 * 9)).toEqual([1, 1, 1, 0, 1, 1, 0, 0, 1]);
  });

  test("one declaration, two convs: each gets a mask of its own channels; the declaration makes no node", () => {
    const g = parse(
      [
        "model T {",
        "  input x: f32[1, 8, 8, 3]",
        "  mask rgb = causal(3, type=A, groups=3, order=interleaved)",
        "  a = conv2d(x, filters=6, kernel=3, mask=rgb)",
        "  b = conv2d(a, filters=3, kernel=3, mask=rgb)",
        "  output b",
        "}",
      ].join("\n"),
    );
    expect(g.nodes.some((n) => n.name === "rgb")).toBe(false);
    expect(constant(g, "a.mask").shape).toEqual([3, 3, 3, 6]);
    expect(constant(g, "b.mask").shape).toEqual([3, 3, 6, 3]);
    const centre = constant(g, "b.mask").data.slice(4 * 18, 5 * 18);
    // Interleaved: input channel c is in group c mod 3; output o sees input groups < o (type A).
    expect(centre).toEqual([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0]);
  });

  test("algebra over a grouped mask stays sized by the conv: flip applies to each conv's own mask", () => {
    const g = parse("model T {\n  input x: f32[1, 8, 8, 3]\n  y = conv2d(x, filters=3, kernel=3, mask=flip(causal(3, type=B, groups=3), axis=0))\n  output y\n}");
    const m = constant(g, "y.mask");
    expect(m.shape).toEqual([3, 3, 3, 3]);
    expect(m.data.slice(0, 27).every((v) => v === 0)).toBe(true);
    expect(m.data.slice(54).every((v) => v === 1)).toBe(true);
  });
});

describe("load()", () => {
  const files: Record<string, string> = {
    "models/masks/nested.json": "[[1, 0], [0, 1]]",
    "models/masks/shaped.json": '{"shape": [2, 2, 1], "data": [1, 1, 0, 1]}',
    "models/bad.json": "[[1, 0], [0]]",
    "models/text.json": "not json",
  };
  const readFile = (path: string) => files[path];
  const model = (path: string, kernel = 2) =>
    `model T {\n  input x: f32[1, 4, 4, 1]\n  mask m = load("${path}")\n  y = conv2d(x, filters=1, kernel=${kernel}, mask=m)\n  output y\n}`;

  test("a nested list, the path relative to the model's folder", () => {
    expect(constant(parse(model("masks/nested.json"), { readFile }), "m")).toEqual({ shape: [2, 2], data: [1, 0, 0, 1] });
  });

  test('{"shape", "data"}, in single quotes too', () => {
    expect(constant(parse(model("masks/shaped.json").replace(/"/g, "'"), { readFile }), "m")).toEqual({ shape: [2, 2, 1], data: [1, 1, 0, 1] });
  });

  test.each([
    ["masks/missing.json", undefined, "cannot read \"masks/missing.json\" (looked for 'models/masks/missing.json')"],
    ["bad.json", undefined, '"bad.json" holds no mask: the lists are ragged'],
    ["text.json", undefined, '"text.json" holds no mask: it is not valid JSON'],
    ["masks/nested.json", "no reader", "file loading is unavailable here"],
  ])("%s: MC2028 at the load() call (%s)", (path, noReader, message) => {
    const text = model(path);
    const r = parseModel({ name: "models/test.mconv", text }, noReader ? {} : { readFile });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["MC2028"]);
    expect(r.diagnostics[0]!.message).toContain(message);
    const s = r.diagnostics[0]!.span!;
    expect(text.slice(s.start, s.end)).toBe(`load("${path}")`);
  });

  test("a reader that throws is an unreadable file, not a crash", () => {
    const r = parseModel({ name: "m.mconv", text: model("a.json") }, { readFile: () => { throw new Error("EACCES"); } });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["MC2028"]);
  });
});
