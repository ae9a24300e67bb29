// How a diagnostic prints: location, code, message, the source line and a caret under the span — also on lines
// too long for a terminal, which show as a window around the caret.
import { describe, expect, it } from "vitest";
import { error, formatDiagnostic } from "../../src/diagnostics.js";

describe("formatDiagnostic", () => {
  it("prints file:line:col, the line and a caret as wide as the span, then notes", () => {
    const source = { name: "m.mconv", text: "model M {\n  y = conv2d(x, filters=2)\n}\n" };
    const d = error("MC2016", "conv2d needs the argument 'kernel'", { source, start: 16, end: 36 }, [
      { message: "declared here", span: { source, start: 2, end: 3 } },
    ]);
    expect(formatDiagnostic(d)).toBe(
      [
        "m.mconv:2:7: error MC2016: conv2d needs the argument 'kernel'",
        "2 |   y = conv2d(x, filters=2)",
        "  |       ^" + "~".repeat(19), // under conv2d(x, filters=2)
        "m.mconv:1:3: note: declared here",
        "1 | model M {",
        "  |   ^",
      ].join("\n"),
    );
  });

  it("shows a window of a very long line, with … where it is cut and the caret still under the span", () => {
    const text = "x".repeat(1000) + "BAD" + "y".repeat(1000);
    const out = formatDiagnostic(error("MC1001", "bad", { source: { name: "f", text }, start: 1000, end: 1003 }));
    const [, line, caret] = out.split("\n") as [string, string, string];
    expect(line.length).toBeLessThan(320);
    expect(line.startsWith("1 | …")).toBe(true);
    expect(line.endsWith("…")).toBe(true);
    expect(line.slice(caret.indexOf("^"), caret.indexOf("^") + 3)).toBe("BAD");
    expect(caret.endsWith("^~~")).toBe(true);
  });

  it("replaces control characters so a hostile file cannot drive the terminal", () => {
    const text = "a\u001b[31mb";
    const out = formatDiagnostic(error("MC1001", "odd", { source: { name: "f", text }, start: 1, end: 2 }));
    expect(out).not.toContain("\u001b");
  });
});

describe("hostile text in messages", () => {
  it("escapes control characters that a file's names bring into a message", () => {
    const out = formatDiagnostic(error("MC5022", "unknown input 'x\u0000\n\u001b[31m'"));
    expect(out).toBe("error MC5022: unknown input 'x\\u0000\\u000a\\u001b[31m'");
  });

  it("finds line and column in a file of many lines, for many diagnostics", () => {
    const text = "a\n".repeat(200_000);
    const source = { name: "big", text };
    let last = "";
    for (let i = 0; i < 20_000; i++) last = formatDiagnostic(error("MC2002", "x", { source, start: text.length - 2 - i * 2, end: text.length - 1 - i * 2 }));
    expect(last.startsWith("big:180001:1:")).toBe(true);
  });
});
