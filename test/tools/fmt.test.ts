// The formatter never changes meaning: on the examples, the docs' blocks, the test sources and random programs, the
// formatted text parses to the same IR (printGraph equal) or to the same errors, formatting twice changes nothing,
// and every comment survives in every position. The CLI: stdout, --write, --check, and files with syntax errors.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { printGraph } from "../../src/ir/text/print.js";
import { lexer } from "../../src/parser/tokens.js";
import { parseModel } from "../../src/parser/parse.js";
import { formatSource } from "../../src/tools/format.js";
import { mconvText, mutatedProgram } from "../fuzz/arbitraries/mconv.js";
import { randomProgram } from "../fuzz/arbitraries/program.js";
import { mconv, repoRoot, scratchDir } from "../support/cli.js";

function meaning(text: string): string {
  const r = parseModel({ name: "m.mconv", text });
  // Messages may cite line numbers ("bound on line 8"), which formatting may move.
  return r.ok ? printGraph(r.value) : r.diagnostics.map((d) => `${d.code} ${d.message.replace(/line \d+/g, "line _")}`).join("\n");
}

function fmt(text: string): string {
  const r = formatSource({ name: "m.mconv", text });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return r.value;
}

/** Formats and checks the three promises; returns the formatted text. */
function checkFormat(text: string): string {
  const once = fmt(text);
  expect(meaning(once)).toBe(meaning(text));
  expect(fmt(once)).toBe(once);
  return once;
}

const mconvFiles = (dir: string) => readdirSync(join(repoRoot, dir)).filter((f) => f.endsWith(".mconv")).map((f) => join(dir, f));
const docBlocks = ["README.md", ...readdirSync(join(repoRoot, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)].flatMap((f) =>
  [...readFileSync(join(repoRoot, f), "utf8").matchAll(/^```mconv(?:-error MC\d{4})?\n([\s\S]*?)^```$/gm)].map((m, i) => [`${f} #${i + 1}`, m[1]!] as const),
);
const read = (f: string) => readFileSync(join(repoRoot, f), "utf8");
/** Sources whose syntax is clean (the formatter refuses the rest). */
const formattable = (text: string) => formatSource({ name: "m", text }).ok;

describe("mconv fmt keeps meaning and is idempotent", () => {
  it.each(mconvFiles("examples"))("%s", (f) => {
    checkFormat(read(f));
  });

  it("on every docs block", () => {
    expect(docBlocks.length).toBeGreaterThan(10);
    for (const [, text] of docBlocks) checkFormat(text);
  });

  it("on the test sources that parse", () => {
    const files = [...mconvFiles("test/parser/cases"), ...mconvFiles("test/diagnostics/cases")].filter((f) => formattable(read(f)));
    expect(files.length).toBeGreaterThan(40);
    for (const f of files) checkFormat(read(f));
  });

  it("on random programs", () => {
    fc.assert(fc.property(randomProgram, (text) => void checkFormat(text)), { numRuns: 150, seed: 7 });
  });

  it("on mutated programs without syntax errors", () => {
    fc.assert(fc.property(mutatedProgram.filter(formattable), (text) => void checkFormat(text)), { numRuns: 60, seed: 11 });
  });

  it("never throws on hostile text: it formats or refuses with syntax errors", () => {
    fc.assert(
      fc.property(mconvText, (text) => {
        const r = formatSource({ name: "m.mconv", text });
        if (r.ok) expect(fmt(r.value)).toBe(r.value);
        else expect(r.diagnostics.length).toBeGreaterThan(0);
      }),
      { numRuns: 100, seed: 5 },
    );
  });

  it("on programs whose whitespace is scrambled: the same IR, formatted idempotently", () => {
    const spaced = (text: string, gaps: number[]) => {
      const toks = lexer.tokenize(text).tokens;
      // Between tokens: a space, three, a tab, or (inside brackets, where a statement may span lines) a newline,
      // LF or CRLF; between lines, one to three newlines.
      let depth = 0;
      return toks.map((k, i) => {
        if (k.image === "(" || k.image === "[") depth++;
        if (k.image === ")" || k.image === "]") depth--;
        const next = toks[i + 1];
        const lineBreak = next && next.startLine !== k.endLine;
        const g = gaps[i % gaps.length]!;
        if (lineBreak) return k.image + (g % 2 ? "\n\n\n" : g === 4 ? "  \r\n" : "\n");
        return k.image + (depth > 0 && g === 3 ? "\n" : depth > 0 && g === 5 ? "\t\r\n" : g === 2 ? "   " : g === 4 ? "\t" : " ");
      }).join("");
    };
    fc.assert(
      fc.property(fc.constantFrom(...mconvFiles("examples")), fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 30 }), (f, gaps) => {
        const text = read(f).replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, "");
        checkFormat(spaced(text, gaps));
      }),
      { numRuns: 40, seed: 3 },
    );
  });
});

describe("mconv fmt keeps every comment", () => {
  const base = read("examples/gated_pixelcnn.mconv").replace(/\/\/[^\n]*/g, "");
  const toks = lexer.tokenize(base).tokens;

  it("a block comment between any two tokens", () => {
    let text = base;
    for (let i = toks.length - 1; i >= 0; i--) {
      const at = toks[i]!.endOffset! + 1;
      text = `${text.slice(0, at)} /* c${i} */${text.slice(at)}`;
    }
    const once = checkFormat(text);
    for (let i = 0; i < toks.length; i++) expect(once).toContain(`/* c${i} */`);
  });

  it("a line comment after any token, and on its own line before any token", () => {
    const text = toks.map((k, i) => `// own ${i}\n${k.image} // after ${i}\n`).join("");
    const once = checkFormat(text);
    for (let i = 0; i < toks.length; i++) {
      expect(once).toMatch(new RegExp(`^\\s*// own ${i}$`, "m"));
      expect(once).toMatch(new RegExp(`\\S\\s+// after ${i}$`, "m"));
    }
  });

  it("CRLF line ends, tabs, a byte-order mark and blanks at the ends of lines (inside comments too) become plain", () => {
    const text = "\uFEFFmodel M {\r\n\tinput x: f32[1, 4, 4, 1]  // c \t\r\n  /* a  \r\n  b */\r\n\toutput x\t\r\n}\r\n";
    expect(checkFormat(text)).toBe("model M {\n  input x: f32[1, 4, 4, 1]  // c\n  /* a\n  b */\n  output x\n}\n");
  });

  it("multi-line block comments, verbatim", () => {
    const text = "/*\n * header\n *   kept as written\n */\nmodel M {\n  input x: f32[1, 4, 4, 1] /* a\n  b */\n  output x\n}\n";
    expect(checkFormat(text)).toBe(text);
  });
});

describe("the layout", () => {
  it("spaces, indents and aligns as the docs write models", () => {
    const ugly = [
      "/* head */  block  r ( x ,c=3 )   {   // after brace",
      "   a=conv2d( x,filters =c ,kernel=3 , /* inline */ padding=same)",
      "",
      "",
      "",
      "   return a",
      "  }",
      "model   M{",
      "input x : f32[ N,4 , 4,3]   // in",
      "  mask soft=[[0.5,1,0.5],[1,1,1e-3],[0,-1.5e-3,0]] // grid",
      "y=conv2d(",
      "x,",
      "   filters=2,kernel=3,",
      "  mask=soft)",
      "  z = r(y) ; w = relu(z)",
      "  output w }",
    ].join("\n");
    expect(checkFormat(ugly)).toBe(
      [
        "/* head */ block r(x, c=3) {  // after brace",
        "  a = conv2d(x, filters=c, kernel=3, /* inline */ padding=same)",
        "",
        "  return a",
        "}",
        "model M {",
        "  input x: f32[N, 4, 4, 3]  // in",
        "  mask soft = [[0.5,       1,  0.5],",
        "               [  1,       1, 1e-3],",
        "               [  0, -1.5e-3,    0]]  // grid",
        "  y = conv2d(",
        "    x,",
        "    filters=2, kernel=3,",
        "    mask=soft)",
        "  z = r(y); w = relu(z)",
        "  output w",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("writes a mask literal as a grid, rows aligned under the first, comments after rows kept", () => {
    const text = "model M {\n  input x: f32[1, 4, 4, 1]\n  y = conv2d(x, 1, 3, mask=[[1, 1, 0], // top\n [1, 0, 0], [0,0,0]])\n  output y\n}\n";
    expect(checkFormat(text)).toBe(
      "model M {\n  input x: f32[1, 4, 4, 1]\n  y = conv2d(x, 1, 3, mask=[[1, 1, 0],  // top\n                            [1, 0, 0],\n                            [0, 0, 0]])\n  output y\n}\n",
    );
  });

  it("writes an empty body as {} and keeps a comment after '{' on its line", () => {
    expect(checkFormat("model M {\n\n}\n")).toBe("model M {}\n");
    expect(checkFormat("model M {   // c\n}\n")).toBe("model M {  // c\n}\n");
  });

  it("leaves other lists of lists (pad sizes) on their line", () => {
    const text = "model M {\n  input x: f32[1, 4, 4, 1]\n  y = pad(x, [[1, 1], [2, 0]])\n  output y\n}\n";
    expect(checkFormat(text)).toBe(text);
  });
});

describe("mconv fmt on the command line", () => {
  const UGLY = "model M{\ninput x:f32[1,4,4,1]\n output x}\n";
  const PRETTY = "model M {\n  input x: f32[1, 4, 4, 1]\n  output x\n}\n";

  it("prints the formatted file on stdout and leaves the file alone", async () => {
    const f = join(scratchDir("fmt"), "m.mconv");
    writeFileSync(f, UGLY);
    const r = await mconv("fmt", f);
    expect(r).toEqual({ code: 0, stdout: PRETTY, stderr: "" });
    expect(readFileSync(f, "utf8")).toBe(UGLY);
  });

  it("--check names the files that would change and exits 1; 0 when all are formatted", async () => {
    const dir = scratchDir("fmt");
    const [a, b] = [join(dir, "a.mconv"), join(dir, "b.mconv")];
    writeFileSync(a, UGLY);
    writeFileSync(b, PRETTY);
    const r = await mconv("fmt", "--check", a, b);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`${a}\n`);
    expect(r.stderr).toBe("mconv fmt: 1 file is not formatted; run mconv fmt --write to format it\n");
    expect(readFileSync(a, "utf8")).toBe(UGLY);
    expect(await mconv("fmt", "--check", b)).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("--write rewrites in place", async () => {
    const f = join(scratchDir("fmt"), "m.mconv");
    writeFileSync(f, UGLY);
    expect(await mconv("fmt", "--write", f)).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(readFileSync(f, "utf8")).toBe(PRETTY);
    expect(readdirSync(join(f, ".."))).toEqual(["m.mconv"]);
  });

  it("--write through a symbolic link rewrites the file it points to and keeps the link", async () => {
    const { lstatSync, symlinkSync } = await import("node:fs");
    const dir = scratchDir("fmt");
    writeFileSync(join(dir, "real.mconv"), UGLY);
    symlinkSync("real.mconv", join(dir, "link.mconv"));
    expect((await mconv("fmt", "--write", join(dir, "link.mconv"))).code).toBe(0);
    expect(lstatSync(join(dir, "link.mconv")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "real.mconv"), "utf8")).toBe(PRETTY);
  });

  it("refuses a file with a syntax error: the diagnostic, exit 1, the file untouched", async () => {
    const f = join(scratchDir("fmt"), "bad.mconv");
    const bad = "model M {\n  input x: f32[1, 4 4, 1]\n  output x\n}\n";
    writeFileSync(f, bad);
    const r = await mconv("fmt", "--write", f);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${f}:2:`);
    expect(r.stderr).toContain("error MC1002");
    expect(r.stderr).toContain(`mconv fmt: ${f} has syntax errors; it was not formatted`);
    expect(readFileSync(f, "utf8")).toBe(bad);
  });

  it("usage errors", async () => {
    expect((await mconv("fmt")).code).toBe(2);
    expect((await mconv("fmt", "--write", "--check", "examples/seed.mconv")).code).toBe(2);
  });
});
