// mconv graph: the network as dot, mermaid and svg. A masked conv carries its mask's picture and live-tap count;
// names from the model are escaped for dot and mermaid; svg needs Graphviz's dot, and says so when it is missing.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GraphBuilder } from "../../src/ir/builder.js";
import { dotString, mermaidText, tapPicture, toDot, toMermaid } from "../../src/tools/graph.js";
import { mconv, scratchDir } from "../support/cli.js";

const hasDot = spawnSync("dot", ["-V"]).error === undefined;

/** A model whose names try to break out of dot's and mermaid's quoting. */
function hostile() {
  const b = new GraphBuilder('M" } digraph x { "\\N');
  const x = b.input('x"];<b>#amp;`\\l', [1, 4, 4, 1]);
  const k = b.param("k", [3, 3, 1, 1]);
  const m = b.constant([3, 3], [1, 1, 1, 1, 0, 0, 0, 0, 0]);
  b.output("y\n%% evil", b.maskedConv2d(x, k, m, { padding: "same" }, { name: "y" }));
  const g = b.build();
  if (!g.ok) throw new Error("hostile model did not build");
  return g.value;
}

describe("mconv graph --format dot", () => {
  it("draws inputs, layers and outputs, the masked conv with its mask's taps", async () => {
    const r = await mconv("graph", "examples/seed_static.mconv");
    expect(r.code, r.stderr).toBe(0);
    // The mask [[1,1,0],[1,1,1],[0,1,1]] of the README: 7 of 9 taps live, drawn row by row.
    expect(r.stdout).toBe(
      [
        'digraph "SeedStatic" {',
        '  label="model SeedStatic";',
        '  node [fontname="monospace"];',
        '  n0 [label="input x\\n[N, 4, 4, 3]", shape=box, style=rounded];',
        '  n1 [label="y.conv = masked_conv2d 3×3\\n[N, 2, 2, 2]\\nmask m: 7/9 taps live\\n▓ ▓ ·\\n▓ ▓ ▓\\n· ▓ ▓", shape=box, style="filled", fillcolor="#fde3c8"];',
        '  n2 [label="y.biased = bias_add\\n[N, 2, 2, 2]", shape=box];',
        '  n3 [label="y = relu\\n[N, 2, 2, 2]", shape=box];',
        '  o0 [label="output y", shape=box, style=rounded];',
        "  n0 -> n1;",
        "  n1 -> n2;",
        "  n2 -> n3;",
        "  n3 -> o0;",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("counts the live taps of a PixelCNN's 7×7 type-A mask (24 of 49) and of a channel-grouped one (25: the centre is live for some channel pairs)", async () => {
    expect((await mconv("graph", "examples/pixelcnn.mconv")).stdout).toContain("mask stem.mask: 24/49 taps live");
    expect((await mconv("graph", "examples/pixelcnn_rgb.mconv")).stdout).toContain("mask stem.mask: 25/49 taps live");
  });

  it("names a dynamic mask as fed at run time, with an edge from its input", async () => {
    const r = await mconv("graph", "examples/seed.mconv");
    expect(r.stdout).toContain("mask m: fed at run time");
    expect(r.stdout).toContain("n1 -> n2;");
  });

  it("escapes quotes and backslashes of names", () => {
    expect(dotString('a"b\\N')).toBe('"a\\"b\\\\N"');
    expect(dotString("two", "lines")).toBe('"two\\nlines"');
    expect(dotString("bell\u0007\u202e")).toBe('"bell??"');
    const dot = toDot(hostile());
    expect(dot.split("\n")[0]).toBe('digraph "M\\" } digraph x { \\"\\\\N" {');
    // Every quote in the file is either escaped or one of a label's own pair.
    for (const line of dot.split("\n")) expect(line.replace(/\\\\/g, "").replace(/\\"/g, "").split('"').length % 2).toBe(1);
  });

  it.runIf(hasDot)("gives Graphviz a file it reads, whatever the names", () => {
    const r = spawnSync("dot", ["-Tplain"], { input: toDot(hostile()), encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    // Three nodes, the name read back literally (dot's plain format re-escapes its quote and backslash).
    expect(r.stdout.split("\n").filter((l) => l.startsWith("node "))).toHaveLength(3);
    expect(r.stdout).toContain('"input x\\"];<b>#amp;`\\\\l\\n[1, 4, 4, 1]"');
  });

  it("tapPicture folds channel axes: a tap is live when any channel pair is", () => {
    const data = new Float32Array([0, 0, 0, 0, 0, 0, 1, 0]); // [1, 2, 2, 2]: tap (0,0) all zero, (0,1) one live
    expect(tapPicture([1, 2, 2, 2], data)).toEqual({ height: 1, width: 2, live: [false, true] });
  });
});

describe("mconv graph --format mermaid", () => {
  it("writes a flowchart with the masked conv classed and its mask drawn", async () => {
    const r = await mconv("graph", "examples/seed_static.mconv", "--format", "mermaid");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("flowchart TD\n");
    expect(r.stdout).toContain('  n1["y.conv = masked_conv2d 3×3<br/>[N, 2, 2, 2]<br/>mask m: 7/9 taps live<br/>▓ ▓ ·<br/>▓ ▓ ▓<br/>· ▓ ▓"]');
    expect(r.stdout).toContain("  class n1 masked\n");
  });

  it("escapes what Mermaid or HTML would read in names", () => {
    expect(mermaidText('<script>"#&`')).toBe("#lt;script#gt;#quot;#35;#amp;#96;");
    const text = toMermaid(hostile());
    expect(text).not.toContain("<b>");
    expect(text).toContain("x#quot;];#lt;b#gt;#35;amp;#96;\\l");
    // The output's newline cannot start a line of its own: it becomes '?'.
    expect(text).toContain('o0(["output y?#37;#37; evil"])'.replace(/#37;/g, "%"));
    expect(text.split("\n").filter((l) => l.startsWith("%%"))).toHaveLength(1);
  });
});

describe("mconv graph --format svg", () => {
  const savedPath = process.env["PATH"];
  afterEach(() => {
    process.env["PATH"] = savedPath;
  });

  it.runIf(hasDot)("draws through Graphviz when dot is on PATH", async () => {
    const out = join(scratchDir("graph"), "seed.svg");
    const r = await mconv("graph", "examples/seed_static.mconv", "--format", "svg", "-o", out);
    expect(r, r.stderr).toEqual({ code: 0, stdout: "", stderr: "" });
    const svg = readFileSync(out, "utf8");
    expect(svg).toContain("<svg");
    expect(svg).toContain("mask m: 7/9 taps live");
  });

  it("says clearly that dot is missing when it is not on PATH", async () => {
    process.env["PATH"] = join(scratchDir("nodot"), "empty");
    const r = await mconv("graph", "examples/seed_static.mconv", "--format", "svg");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "mconv graph: --format svg needs Graphviz's 'dot' program, which is not on PATH; install Graphviz (e.g. apt-get install graphviz, brew install graphviz) or use --format dot or --format mermaid\n",
    );
  });
});
