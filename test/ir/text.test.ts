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
        "  %y.conv = masked_conv2d(%x, %y.kernel, %m) {strides=[1,1], dilations=[1,1], padding=same} : f32[N,4,4,2]",
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
