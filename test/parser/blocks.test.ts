// Blocks, repeat and tuples: stable parameter names under instance prefixes, arguments threaded through repeats,
// errors inside an instance noted with where it was instantiated, and the limits on expansion.

import { describe, expect, test } from "vitest";
import { formatDiagnostics } from "../../src/diagnostics.js";
import type { Graph } from "../../src/ir/node.js";
import { paramsOf } from "../../src/ir/node.js";
import { parseModel } from "../../src/parser/parse.js";

function parse(text: string): Graph {
  const result = parseModel({ name: "t.mconv", text });
  if (!result.ok) throw new Error(formatDiagnostics(result.diagnostics));
  return result.value;
}

function codes(text: string): string[] {
  return parseModel({ name: "t.mconv", text }).diagnostics.map((d) => d.code);
}

const RESIDUAL = `block residual(x, channels) {
  a = conv2d(x, filters=channels, kernel=1, activation=relu)
  b = conv2d(a, filters=channels, kernel=3, padding=same, mask=causal(3, type=B))
  return add(x, b)
}
`;

describe("blocks", () => {
  test("parameter names: one instance 'r' (r.a.kernel), a repeat 'res' (res1 … res15, res3.a.kernel)", () => {
    const g = parse(`${RESIDUAL}model M {
  input x: f32[N, 4, 4, 2]
  r = residual(x, channels=2)
  res = repeat 15 residual(r, channels=2)
  output res
}`);
    const params = paramsOf(g).map((p) => p.name);
    expect(params.slice(0, 4)).toEqual(["r.a.kernel", "r.a.bias", "r.b.kernel", "r.b.bias"]);
    expect(params).toContain("res3.a.kernel");
    expect(params).toContain("res15.b.bias");
    expect(params).toHaveLength(4 * 16);
    expect(g.outputs).toEqual([expect.objectContaining({ name: "res", value: "res15" })]);
  });

  test("repeat threads the first argument: each instance reads the one before", () => {
    const g = parse(`${RESIDUAL}model M {\n  input x: f32[N, 4, 4, 2]\n  res = repeat 3 residual(x, 2)\n  output res\n}`);
    const conv = (i: number) => g.nodes.find((n) => n.name === `res${i}.a.conv`)!.operands[0];
    expect([conv(1), conv(2), conv(3)]).toEqual(["x", "res1", "res2"]);
  });

  test("a repeat count may be a block's parameter; repeat works on ops too", () => {
    const g = parse(`block stack(x, n) {
  y = repeat n relu(x)
  return y
}
model M {
  input x: f32[N, 4]
  s = stack(x, 3)
  t = repeat 2 dense(s, units=4)
  output t
}`);
    expect(g.nodes.map((n) => n.name)).toEqual(["x", "s.y1", "s.y2", "s.y3", "t1.kernel", "t1.bias", "t1.matmul", "t1", "t2.kernel", "t2.bias", "t2.matmul", "t2"]);
  });

  test("a block's result may be its parameter: the name then stands for the caller's value", () => {
    const g = parse("block id(x) {\n  return x\n}\nmodel M {\n  input x: f32[N, 4]\n  y = id(x)\n  output y\n}");
    expect(g.outputs).toEqual([expect.objectContaining({ name: "y", value: "x" })]);
  });

  test("tuples: a, b = split(...); y, m2 = a block returning two values; output lists both", () => {
    const g = parse(`block halves(x) {
  a, b = split(x, 2)
  return b, a
}
model M {
  input x: f32[N, 4]
  hi, lo = halves(x)
  output hi, lo
}`);
    expect(g.outputs.map((o) => [o.name, o.value])).toEqual([
      ["hi", "hi.b"],
      ["lo", "hi.a"],
    ]);
  });
});

describe("errors in instances", () => {
  test("point inside the block, with a note at the instantiation", () => {
    const text = `block bad(x) {
  y = conv2d(x, filters=2, kernel=9)
  return y
}
model M {
  input x: f32[1, 4, 4, 1]
  b = bad(x)
  output b
}`;
    const r = parseModel({ name: "t.mconv", text });
    expect(formatDiagnostics(r.diagnostics)).toBe(
      [
        "t.mconv:2:28: error MC2006: a 9×9 kernel (reaching 9×9 with its dilations) does not fit the 4×4 input with padding valid: the output would be 0×0",
        "2 |   y = conv2d(x, filters=2, kernel=9)",
        "  |                            ^~~~~~~~",
        "t.mconv:7:7: note: in block 'bad' (instance 'b') instantiated here",
        "7 |   b = bad(x)",
        "  |       ^~~~~~",
      ].join("\n"),
    );
  });

  test("a repeat reports its block's error once and stops", () => {
    const r = parseModel({
      name: "t.mconv",
      text: "block bad(x) {\n  y = conv2d(x, filters=2, kernel=9)\n  return y\n}\nmodel M {\n  input x: f32[1, 4, 4, 1]\n  b = repeat 50 bad(x)\n  output b\n}",
    });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["MC2006"]);
    expect(r.diagnostics[0]!.notes.map((n) => n.message)).toEqual(["in block 'bad' (instance 'b1') instantiated here"]);
  });

  test("nested instances carry one note per level, innermost first", () => {
    const r = parseModel({
      name: "t.mconv",
      text: "block inner(x) {\n  return nope(x)\n}\nblock outer(x) {\n  y = inner(x)\n  return y\n}\nmodel M {\n  input x: f32[1, 4]\n  o = outer(x)\n  output o\n}",
    });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["MC2018"]);
    expect(r.diagnostics[0]!.notes.map((n) => n.message)).toEqual([
      "in block 'inner' (instance 'o.y') instantiated here",
      "in block 'outer' (instance 'o') instantiated here",
    ]);
  });
});

describe("limits", () => {
  test.each([
    ["0", "MC2024"],
    ["10001", "MC2024"],
    ["2.5", "MC2024"],
    ["-3", "MC2024"],
  ])("repeat %s is refused", (count, code) => {
    expect(codes(`block b(x) {\n  return x\n}\nmodel M {\n  input x: f32[1]\n  y = repeat ${count} b(x)\n  output y\n}`)).toEqual([code]);
  });

  test("recursion, direct or through another block, is one error, not a stack overflow", () => {
    expect(codes("block a(x) {\n  y = a(x)\n  return y\n}\nmodel M {\n  input x: f32[1]\n  y = a(x)\n  output y\n}")).toEqual(["MC2022"]);
    expect(codes("block a(x) {\n  return b(x)\n}\nblock b(x) {\n  return a(x)\n}\nmodel M {\n  input x: f32[1]\n  y = a(x)\n  output y\n}")).toEqual(["MC2022"]);
  });

  test("an expansion past a million nodes, statements and instances stops with MC2025", () => {
    const text = `block leaf(x) {
  return x
}
block wide(x) {
  y = repeat 10000 leaf(x)
  return y
}
model M {
  input x: f32[1]
  y = repeat 10000 wide(x)
  output y
}`;
    const started = performance.now();
    expect(codes(text)).toEqual(["MC2025"]);
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});
