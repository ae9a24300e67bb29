// The language as written: the seed examples and each feature of the grammar, checked on the built graph (its
// printed IR and its nodes). Error cases live in test/diagnostics; robustness in fuzz.test.ts.

import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import type { AnyNode, Graph } from "../../src/ir/node.js";
import { printGraph } from "../../src/ir/text/print.js";
import { parseModel } from "../../src/parser/parse.js";

function parse(text: string, name = "test.mconv"): Graph {
  const result = parseModel({ name, text });
  if (!result.ok) throw new Error(`expected a graph, got:\n${result.diagnostics.map((d) => `${d.code}: ${d.message}`).join("\n")}`);
  expect(result.diagnostics).toEqual([]);
  return result.value;
}

function example(file: string): Graph {
  const url = new URL(`../../examples/${file}`, import.meta.url);
  return parse(readFileSync(url, "utf8"), `examples/${file}`);
}

/** A one-layer model over x: f32[1, 8, 8, 3]. */
function layer(call: string, extra = ""): Graph {
  return parse(`model T {\n  input x: f32[1, 8, 8, 3]\n${extra}  y = ${call}\n  output y\n}\n`);
}

function node(g: Graph, name: string): AnyNode {
  const n = g.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no node %${name} in ${g.nodes.map((x) => x.name).join(", ")}`);
  return n;
}

const ops = (g: Graph) => g.nodes.map((n) => `${n.name}=${n.op}`);

describe("the seed examples", () => {
  test("seed.mconv: a mask fed at run time lowers to masked_conv2d over the input m", () => {
    expect(printGraph(example("seed.mconv"))).toBe(
      [
        "graph Seed {",
        "  %x = input : f32[1,4,4,3]",
        "  %m = input : f32[3,3]",
        "  %y.kernel = param : f32[3,3,3,2]",
        "  %y.bias = param : f32[2]",
        "  %y.conv = masked_conv2d(%x, %y.kernel, %m) {strides=[1,1], dilations=[1,1], padding=valid, groups=1} : f32[1,2,2,2]",
        "  %y = bias_add(%y.conv, %y.bias) : f32[1,2,2,2]",
        "  output y = %y",
        "}",
        "",
      ].join("\n"),
    );
  });

  test("seed_static.mconv: a static mask is a constant, the batch N stays symbolic, relu is last", () => {
    expect(printGraph(example("seed_static.mconv"))).toBe(
      [
        "graph SeedStatic {",
        "  %x = input : f32[N,4,4,3]",
        "  %m = constant [[1,1,0],[1,1,1],[0,1,1]] : f32[3,3]",
        "  %y.kernel = param : f32[3,3,3,2]",
        "  %y.bias = param : f32[2]",
        "  %y.conv = masked_conv2d(%x, %y.kernel, %m) {strides=[1,1], dilations=[1,1], padding=valid, groups=1} : f32[N,2,2,2]",
        "  %y.biased = bias_add(%y.conv, %y.bias) : f32[N,2,2,2]",
        "  %y = relu(%y.biased) : f32[N,2,2,2]",
        "  output y = %y",
        "}",
        "",
      ].join("\n"),
    );
  });

  test("seed_static.mconv: node structure, independent of the IR printer", () => {
    const g = example("seed_static.mconv");
    expect(g.name).toBe("SeedStatic");
    expect(ops(g)).toEqual(["x=input", "m=constant", "y.kernel=param", "y.bias=param", "y.conv=masked_conv2d", "y.biased=bias_add", "y=relu"]);
    expect(node(g, "x").type.shape).toEqual(["N", 4, 4, 3]);
    const m = node(g, "m");
    expect(m.op === "constant" && [...m.attrs.data]).toEqual([1, 1, 0, 1, 1, 1, 0, 1, 1]);
    expect(node(g, "y.conv").operands).toEqual(["x", "y.kernel", "m"]);
    expect(g.outputs.map((o) => [o.name, o.value])).toEqual([["y", "y"]]);
  });
});

describe("conv2d layers", () => {
  test.each([
    ["bias and no activation: y.conv, then y = bias_add", "bias=true", ["y.kernel=param", "y.bias=param", "y.conv=conv2d", "y=bias_add"]],
    ["no bias, no activation: the conv itself is y", "bias=false", ["y.kernel=param", "y=conv2d"]],
    ["no bias, relu: y.conv, then y = relu", "bias=false, activation=relu", ["y.kernel=param", "y.conv=conv2d", "y=relu"]],
    ["bias and tanh: y.conv, y.biased, y", "activation=tanh", ["y.kernel=param", "y.bias=param", "y.conv=conv2d", "y.biased=bias_add", "y=tanh"]],
    ["activation=none is the default", "activation=none", ["y.kernel=param", "y.bias=param", "y.conv=conv2d", "y=bias_add"]],
    ["sigmoid", "bias=false, activation=sigmoid", ["y.kernel=param", "y.conv=conv2d", "y=sigmoid"]],
  ])("%s", (_intent, args, expected) => {
    expect(ops(layer(`conv2d(x, filters=4, kernel=3, ${args})`)).slice(1)).toEqual(expected);
  });

  test("kernel [kh, kw] makes an HWIO kernel [kh, kw, C, F] and a bias [F]", () => {
    const g = layer("conv2d(x, filters=5, kernel=[3, 1])");
    expect(node(g, "y.kernel").type.shape).toEqual([3, 1, 3, 5]);
    expect(node(g, "y.bias").type.shape).toEqual([5]);
    expect(node(g, "y").type.shape).toEqual([1, 6, 8, 5]);
  });

  test("stride, dilation and padding reach the conv's attributes; defaults are 1, 1, valid", () => {
    const conv = node(layer("conv2d(x, filters=2, kernel=3, stride=[2, 1], dilation=2, padding=same)"), "y.conv");
    expect(conv.attrs).toEqual({ strides: [2, 1], dilations: [2, 2], padding: "same", groups: 1 });
    expect(conv.type.shape).toEqual([1, 4, 8, 2]);
    expect(node(layer("conv2d(x, filters=2, kernel=3)"), "y.conv").attrs).toEqual({ strides: [1, 1], dilations: [1, 1], padding: "valid", groups: 1 });
  });

  test("arguments may come in any order, the input first", () => {
    const a = layer("conv2d(x, padding=same, kernel=3, filters=2, bias=false)");
    const b = layer("conv2d(x, filters=2, kernel=3, padding=same, bias=false)");
    expect(printGraph(a)).toBe(printGraph(b));
  });

  test("3-D and 4-D static masks lower to constants of that shape; numbers may be negative, decimal, scientific", () => {
    const rows = "[[1, -1.5e-3, .5], [2., 0, 1e2], [1, 1, 1]]";
    const g = layer("conv2d(x, filters=2, kernel=3, mask=m)", `  mask m = [${rows}, ${rows}, ${rows}]\n`);
    const m = node(g, "m");
    expect(m.type.shape).toEqual([3, 3, 3]);
    expect(m.op === "constant" && Array.from(m.attrs.data.slice(0, 6))).toEqual([1, Math.fround(-1.5e-3), 0.5, 2, 0, 100]);
    const four = layer("conv2d(x, filters=2, kernel=1, mask=m)", "  mask m = [[[[1, 0]]]]\n");
    expect(node(four, "m").type.shape).toEqual([1, 1, 1, 2]);
    expect(node(four, "y.conv").op).toBe("masked_conv2d");
  });

  test("the conv node's span is its statement", () => {
    const text = "model T {\n  input x: f32[1, 8, 8, 3]\n  y = conv2d(x, filters=2, kernel=3)\n  output y\n}\n";
    const g = parse(text);
    const s = node(g, "y.conv").span!;
    expect(text.slice(s.start, s.end)).toBe("y = conv2d(x, filters=2, kernel=3)");
    const k = node(g, "y.kernel").span!;
    expect(text.slice(k.start, k.end)).toBe("kernel=3");
    const out = g.outputs[0]!.span!;
    expect(text.slice(out.start, out.end)).toBe("y");
  });
});

describe("statements", () => {
  test("unary activations as statements, several outputs on one line", () => {
    const g = parse("model T {\n input x: f32[2, 3]\n a = relu(x)\n b = tanh(a)\n c = sigmoid(b)\n output c, a\n}");
    expect(ops(g)).toEqual(["x=input", "a=relu", "b=tanh", "c=sigmoid"]);
    expect(g.outputs.map((o) => o.name)).toEqual(["c", "a"]);
  });

  test("';' separates statements on one line, and stray ones are harmless", () => {
    const g = parse("model T { input x: f32[1, 4, 4, 1]; y = relu(x);; output y; }");
    expect(ops(g)).toEqual(["x=input", "y=relu"]);
  });

  test("comments of both kinds, CRLF line ends and a byte-order mark", () => {
    const text = "\uFEFF// line comment\r\nmodel T { /* block\r\n comment */\r\n  input x: f32[1, 4, 4, 1] // trailing\r\n  output x\r\n}\r\n";
    expect(ops(parse(text))).toEqual(["x=input"]);
  });

  test("symbolic dimensions are kept by name", () => {
    expect(node(parse("model T { input x: f32[N, H, W, 3]\n output x }"), "x").type.shape).toEqual(["N", "H", "W", 3]);
  });

  test("a mask may be an input fed at run time, of any rank the kernel accepts", () => {
    const g = layer("conv2d(x, filters=2, kernel=3, mask=m)", "  input m: f32[3, 3, 3, 2]\n");
    expect(node(g, "y.conv").operands).toEqual(["x", "y.kernel", "m"]);
  });

  test("with syntax errors nothing is lowered: only the syntax error is reported", () => {
    const r = parseModel({ name: "t", text: "model T {\n  y = conv2d(nope, filters=2 kernel=3)\n  output y\n}" });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["MC1002"]);
  });
});

describe("limits", () => {
  test.each([
    ["10,000 nested '['", `model T { mask m = ${"[".repeat(10_000)}1${"]".repeat(10_000)}\n output m }`, "MC1003"],
    ["10,000 nested '('", `model T { y = relu${"(".repeat(10_000)}`, "MC1003"],
    ["10,000 nested '{'", "{".repeat(10_000), "MC1003"],
    ["an empty file", "", "MC1002"],
    ["only blanks", " \n\t\r\n", "MC1002"],
    ["a file over 1 MB", "/".repeat(1024 * 1024 + 1), "MC1005"],
  ])("%s is one clear error", (_what, text, code) => {
    const r = parseModel({ name: "t", text });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toEqual([code]);
  });

  test("64 levels of brackets are still parsed (and then refused as a mask of rank 63)", () => {
    const r = parseModel({ name: "t", text: `model T { mask m = ${"[".repeat(63)}1${"]".repeat(63)}\n output m }` });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["MC2004"]);
  });
});
