// The textual IR round-trips: print → read → print gives the same text, and the reader reports bad IR in place.
import { describe, expect, it } from "vitest";
import { GraphBuilder } from "../../src/ir/builder.js";
import { printGraph } from "../../src/ir/text/print.js";
import { readGraph } from "../../src/ir/text/read.js";
import { formatDiagnostics } from "../../src/diagnostics.js";

function seedGraph() {
  const b = new GraphBuilder("Seed");
  const x = b.input("x", ["N", 4, 4, 3]);
  const m = b.constant([3, 3], [1, 1, 0, 1, 1, 1, 0, 1, 1], { name: "m" });
  const k = b.param("y.kernel", [3, 3, 3, 2]);
  const bias = b.param("y.bias", [2]);
  const conv = b.maskedConv2d(x, k, m, { strides: [1, 1], padding: "same" }, { name: "y.conv" });
  const y = b.relu(b.biasAdd(conv, bias, { name: "y.biased" }), { name: "y" });
  b.output("y", y);
  const g = b.build();
  if (!g.ok) throw new Error(formatDiagnostics(g.diagnostics));
  return g.value;
}

describe("IR text", () => {
  it("prints one line per node with types and attributes", () => {
    expect(printGraph(seedGraph())).toBe(
      [
        "graph Seed {",
        "  %x = input : f32[N,4,4,3]",
        "  %m = constant [[1,1,0],[1,1,1],[0,1,1]] : f32[3,3]",
        "  %y.kernel = param : f32[3,3,3,2]",
        "  %y.bias = param : f32[2]",
        "  %y.conv = masked_conv2d(%x, %y.kernel, %m) {strides=[1,1], dilations=[1,1], padding=same, groups=1} : f32[N,4,4,2]",
        "  %y.biased = bias_add(%y.conv, %y.bias) : f32[N,4,4,2]",
        "  %y = relu(%y.biased) : f32[N,4,4,2]",
        "  output y = %y",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("reads back what it prints", () => {
    const text = printGraph(seedGraph());
    const back = readGraph({ name: "seed.ir", text });
    expect(back.ok).toBe(true);
    if (back.ok) expect(printGraph(back.value)).toBe(text);
  });

  it("quotes names that are not plain and reads them back", () => {
    const b = new GraphBuilder('we"ird');
    const x = b.input('x "1"\n`${1}`', [2]);
    b.output("__proto__", b.relu(x, { name: "*/ r" }));
    const g = b.build();
    expect(g.ok).toBe(true);
    if (!g.ok) return;
    const text = printGraph(g.value);
    expect(text).toContain('%"x \\"1\\"\\n`${1}`" = input : f32[2]');
    const back = readGraph({ name: "q.ir", text });
    expect(back.ok && printGraph(back.value)).toBe(text);
  });

  it("elides large constants as a count of values and zeros", () => {
    const b = new GraphBuilder("Big");
    const c = b.constant([3, 3, 2], Array.from({ length: 18 }, (_, i) => (i % 3 === 0 ? 0 : i)), { name: "c" });
    b.output("c", c);
    const g = b.build();
    expect(g.ok && printGraph(g.value)).toContain("%c = constant <18 values, 6 zero> : f32[3,3,2]");
  });

  it("reports a written type that disagrees with the op's shape rule", () => {
    const text = "graph G {\n  %x = input : f32[1,4,4,3]\n  %r = relu(%x) : f32[1,4,4,2]\n  output r = %r\n}\n";
    const r = readGraph({ name: "bad.ir", text });
    expect(r.ok).toBe(false);
    expect(formatDiagnostics(r.diagnostics)).toBe(
      [
        "bad.ir:3:3: error MC1102: %r is written as f32[1,4,4,2] but relu gives f32[1,4,4,3]",
        "3 |   %r = relu(%x) : f32[1,4,4,2]",
        "  |   ^" + "~".repeat(27),
      ].join("\n"),
    );
  });

  it("reports a use before definition at the operand", () => {
    const r = readGraph({ name: "u.ir", text: "graph G {\n  %r = relu(%x) : f32[1]\n}\n" });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]!.message).toBe("%x is not defined before this use");
    expect(r.diagnostics[0]!.span!.start).toBe("graph G {\n  %r = relu(".length);
  });
});

describe("the builder guards the graph", () => {
  it("refuses shapes it cannot hold: odd symbols, sizes below 1, too many elements", () => {
    const b = new GraphBuilder("G");
    b.input("a", ["batch size", 2]);
    b.input("b", [0, 2]);
    b.param("c", [1.5]);
    b.input("d", [100000, 100000, 100000, 3]);
    expect(b.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([
      'MC2020: a dimension is a whole number ≥ 1 or a name, got "batch size" in [batch size, 2]',
      "MC2020: a dimension is a whole number ≥ 1 or a name, got 0 in [0, 2]",
      "MC2020: a dimension is a whole number ≥ 1 or a name, got 1.5 in [1.5]",
      "MC2020: [100000, 100000, 100000, 3] holds 3000000000000000 elements, more than the limit of 2147483647",
    ]);
  });

  it("keeps its own copy of attributes: changing the caller's arrays later changes nothing", () => {
    const b = new GraphBuilder("G");
    const x = b.input("x", [1, 5, 5, 1]);
    const strides: [number, number] = [1, 1];
    const data = Float32Array.of(1, 2, 3, 4);
    const k = b.constant([2, 2, 1, 1], data, { name: "k" });
    b.output("y", b.conv2d(x, k, { strides }));
    strides[0] = 3;
    data[0] = 99;
    const g = b.build();
    expect(g.ok && printGraph(g.value)).toContain("%k = constant [[[[1]],[[2]]],[[[3]],[[4]]]] : f32[2,2,1,1]");
    expect(g.ok && printGraph(g.value)).toContain("{strides=[1,1], dilations=[1,1], padding=valid, groups=1} : f32[1,4,4,1]");
  });

  it("refuses an output whose value comes from another builder", () => {
    const other = new GraphBuilder("Other").input("x", [1]);
    const b = new GraphBuilder("G");
    b.input("x", [1]);
    b.output("y", other);
    expect(b.build().diagnostics.map((d) => d.code)).toContain("MC2012");
  });
});

describe("the IR reader refuses malformed text in place", () => {
  it.each([
    ['graph G {\n  %"a\\q" = input : f32[1]\n}\n', '"a\\q" is not a valid quoted name (escapes as in JSON)'],
    ["graph G {\n  %x = input : f32[-inf]\n  output y = %x\n}\n", "a dimension is a whole number ≥ 1 or a name, got -Infinity in [-Infinity]"],
    ["graph G {\n  %x = input : f32[1]\n  %y = elu(%x) {alpha=3.5e38} : f32[1]\n}\n", "number 3.5e38 is out of range: an f32 is at most about 3.4e38 (inf is written inf)"],
    ["graph G {\n  %x = input : f32[1,4,4,1]\n  %r = relu(%x) {alpha=1} : f32[1,4,4,1]\n}\n", "relu has no attribute 'alpha'"],
    ["graph G {\n  %x = input : f32[1,4]\n  %s = softmax(%x) {axis=1, axis=0} : f32[1,4]\n}\n", "the attribute 'axis' is given twice"],
    ['graph G {\n  %x = input : f32[1]\n  output "" = %x\n}\n', "a name must not be empty"],
  ])("%#", (text, message) => {
    const r = readGraph({ name: "bad.ir", text });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]!.message).toBe(message);
    expect(r.diagnostics[0]!.span).toBeDefined();
  });
});
