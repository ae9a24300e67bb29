// Model text reaches generated code only as string literals and comments built by jsString: names with quotes,
// backticks, `${...}`, `*/`, newlines, U+2028/U+2029, `</script>`, `__proto__` or `constructor` compile, import
// and run, and run nothing of their own.

import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { jsComment, jsIdentifier, jsString } from "../../src/codegen/escape.js";
import { type Backend, emitModule, loadCompiled } from "../../src/codegen/index.js";
import { GraphBuilder } from "../../src/ir/builder.js";
import { interpret } from "../../src/ir/interpret.js";
import { expectClose, graphOf, importModuleFile, removeModuleFiles, tensors } from "./cases.js";

afterAll(removeModuleFiles);

const NASTY = [
  `"`, `'`, "`", "${globalThis.__mconvInjected = 1}", "${process.exit(1)}", "*/ globalThis.__mconvInjected = 2; /*",
  "\n globalThis.__mconvInjected = 3; //", "\r\n", "\u2028 globalThis.__mconvInjected = 4;", "\u2029", "</script><script>",
  "<!--", "\\", "\\u0022", "\u0000\u001f\u007f", "\ud800", "😀", "__proto__", "constructor", "prototype", "toString",
];

declare global {
  // eslint-disable-next-line no-var
  var __mconvInjected: number | undefined;
}

afterEach(() => {
  expect(globalThis.__mconvInjected).toBeUndefined();
});

describe("jsString", () => {
  test.each(NASTY)("%j reads back as itself", (s) => {
    expect(new Function(`return ${jsString(s)};`)()).toBe(s);
  });

  test("leaves no line terminator, no </script and no <!-- in the literal", () => {
    const all = jsString(NASTY.join(""));
    expect(all).not.toMatch(/[\n\r\u2028\u2029]/);
    expect(all.toLowerCase()).not.toContain("</script");
    expect(all).not.toContain("<!--");
  });
});

describe("jsComment", () => {
  test("plain text reads unchanged", () => {
    expect(jsComment("%y = conv2d(%x, %k) : f32[1,2,2,2]")).toBe("// %y = conv2d(%x, %k) : f32[1,2,2,2]");
  });

  test.each(NASTY)("%j cannot end the comment", (s) => {
    const c = jsComment(`a${s}b`);
    expect(c).not.toMatch(/[\n\r\u2028\u2029]/);
    expect(new Function(`${c}\nreturn 1;`)()).toBe(1);
  });
});

test("jsIdentifier accepts generated names and refuses anything else", () => {
  for (const ok of ["v0", "s12", "pad3", "$x", "_"]) expect(jsIdentifier(ok)).toBe(ok);
  for (const bad of ["", "1v", "a-b", "a b", "class", "await", "x\n", "v0;"]) expect(() => jsIdentifier(bad)).toThrow();
});

/** Every identifier token of a JavaScript source (string literals and comments are other tokens). */
function identifiers(text: string): Set<string> {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, true, ts.LanguageVariant.Standard, text);
  const words = new Set<string>();
  for (let t = scanner.scan(); t !== ts.SyntaxKind.EndOfFileToken; t = scanner.scan()) {
    if (t === ts.SyntaxKind.Identifier) words.add(scanner.getTokenValue());
  }
  return words;
}

/** A graph whose every name is nasty: model, input, param, constant and outputs (symbols must be identifiers). */
function nastyGraph() {
  const b = new GraphBuilder(`Model ${NASTY.join(" ")}`);
  const x = b.input(`x ${NASTY.slice(0, 12).join("")}`, ["N", 3, 3, 1]);
  const proto = b.input("__proto__", [3, 3]);
  const k = b.param("constructor", [3, 3, 1, 2]);
  const bias = b.param(`b ${NASTY.slice(8).join("")}`, [2]);
  const c = b.constant([3, 3], [1, 0, 1, 0, 1, 0, 1, 0, 1], { name: "*/ const __mconvInjected = 5; /*" });
  const y = b.maskedConv2d(x, k, b.mul(proto, c, { name: "toString" }), { padding: "same" }, { name: "${process.exit(1)}" });
  b.output("__proto__", b.biasAdd(y, bias, { name: "\u2028" }));
  b.output("constructor", b.relu(y, { name: "</script>" }));
  b.output(`"\n${"`"}\u2029`, y);
  return graphOf(b);
}

function nastyFeeds() {
  const g = nastyGraph();
  const [x, proto, k, bias] = [g.nodes[0]!, g.nodes[1]!, g.nodes[2]!, g.nodes[3]!];
  const inputs = tensors([
    [x.name, { shape: [2, 3, 3, 1], data: Float32Array.from({ length: 18 }, (_, i) => i - 7) }],
    [proto.name, { shape: [3, 3], data: Float32Array.from({ length: 9 }, (_, i) => 0.5 + i) }],
  ]);
  const weights = tensors([
    [k.name, { shape: [3, 3, 1, 2], data: Float32Array.from({ length: 18 }, (_, i) => Math.sin(i)) }],
    [bias.name, { shape: [2], data: [0.25, -0.5] }],
  ]);
  return { graph: g, inputs, weights, want: interpret(g, inputs, weights) };
}

function expectNastyOutputs(out: Record<string, { shape: readonly number[]; data: ArrayLike<number> }>) {
  const { graph, want } = nastyFeeds();
  expect(Object.getPrototypeOf(out)).toBeNull();
  expect(Object.keys(out)).toEqual(graph.outputs.map((o) => o.name));
  for (const o of graph.outputs) expectClose(out[o.name]!, want[o.name]!, JSON.stringify(o.name));
}

describe.each(["js", "tfjs"] as const)("a graph of nasty names on the %s target", (target) => {
  test("the module names nothing of the model outside string literals and comments", () => {
    const m = emitModule(nastyGraph(), target);
    if (!m.ok) throw new Error("emit failed");
    expect(m.value).not.toMatch(/[\r\u2028\u2029]/);
    expect(m.value.toLowerCase()).not.toContain("</script");
    // What the code says, without its string literals and comments, holds no word of the model's names.
    const words = identifiers(m.value);
    for (const planted of ["process", "exit", "__mconvInjected", "script"]) expect(words).not.toContain(planted);
    expect(words).toContain("load");
  });

  test("the module file imports and runs correctly", async () => {
    const m = emitModule(nastyGraph(), target);
    if (!m.ok) throw new Error("emit failed");
    // tfjs must resolve from the module's folder: inside the repository.
    const parent = target === "js" ? tmpdir() : join(process.cwd(), "node_modules", ".cache", "mconv-test");
    mkdirSync(parent, { recursive: true });
    const mod = await importModuleFile(m.value, parent);
    const { inputs, weights } = nastyFeeds();
    const model = await mod.load(weights, { backend: "cpu" });
    expectNastyOutputs(await model.predict(inputs));
    model.dispose?.();
  });
});

test.each(["js", "tfjs-wasm"] as Backend[])("loadCompiled on %s runs it correctly", async (backend) => {
  const { graph, inputs, weights } = nastyFeeds();
  const loaded = await loadCompiled(graph, backend, weights);
  if (!loaded.ok) throw new Error("load failed");
  expectNastyOutputs(await loaded.value.predict(inputs));
  loaded.value.dispose?.();
});
