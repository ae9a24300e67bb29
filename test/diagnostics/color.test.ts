// Colour in diagnostics: only on a terminal, never with NO_COLOR (no-color.org), always with FORCE_COLOR; the
// colours wrap mconv's own text and never let a model's text carry escape sequences.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { colorWanted } from "../../src/cli/color.js";
import { error, formatDiagnostic, formatDiagnosticStyled } from "../../src/diagnostics.js";
import { repoRoot } from "../support/cli.js";

const ESC = "\u001b";

describe("colorWanted", () => {
  it.each([
    [{}, true, true],
    [{}, false, false],
    [{ TERM: "dumb" }, true, false],
    [{ NO_COLOR: "1" }, true, false],
    [{ NO_COLOR: "" }, true, true], // no-color.org: set to a non-empty string
    [{ FORCE_COLOR: "1" }, false, true],
    [{ FORCE_COLOR: "" }, false, true],
    [{ FORCE_COLOR: "0" }, true, false],
    [{ FORCE_COLOR: "false" }, true, false],
    [{ FORCE_COLOR: "1", NO_COLOR: "1" }, true, false],
  ] as const)("env %j on a TTY=%s → %s", (env, tty, expected) => {
    expect(colorWanted(env, tty)).toBe(expected);
  });
});

describe("formatDiagnosticStyled", () => {
  const source = { name: "m.mconv", text: "model M {\n  y = conv2d(x, kernal=3)\n}\n" };
  const d = error("MC2014", "unknown argument 'kernal' for conv2d; did you mean 'kernel'?", { source, start: 16, end: 22 }, [
    { message: "conv2d is declared here", span: { source, start: 0, end: 5 } },
  ]);

  it("paints location, severity, message, caret and note as clang does", () => {
    expect(formatDiagnosticStyled(d, { color: true })).toBe(
      [
        `${ESC}[1mm.mconv:2:7:${ESC}[0m ${ESC}[1;31merror MC2014:${ESC}[0m ${ESC}[1munknown argument 'kernal' for conv2d; did you mean 'kernel'?${ESC}[0m`,
        "2 |   y = conv2d(x, kernal=3)",
        `  |       ${ESC}[1;32m^~~~~~${ESC}[0m`,
        `${ESC}[1mm.mconv:1:1:${ESC}[0m ${ESC}[1;36mnote:${ESC}[0m conv2d is declared here`,
        "1 | model M {",
        `  | ${ESC}[1;32m^~~~~${ESC}[0m`,
      ].join("\n"),
    );
  });

  it("is the plain format without colour", () => {
    expect(formatDiagnosticStyled(d, { color: false })).toBe(formatDiagnostic(d));
    expect(formatDiagnostic(d)).not.toContain(ESC);
  });

  it("escapes control characters from the model before painting", () => {
    const hostile = error("MC2002", `unknown name 'a${ESC}[2J'`);
    const out = formatDiagnosticStyled(hostile, { color: true });
    expect(out).toContain("a\\u001b[2J");
    expect(out.match(new RegExp(`${ESC}\\[[0-9;]*m`, "g"))).toHaveLength(4);
    expect(out.replace(new RegExp(`${ESC}\\[[0-9;]*m`, "g"), "")).not.toContain(ESC);
  });
});

describe("the mconv process", () => {
  const run = (env: Record<string, string>) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NO_COLOR" && k !== "FORCE_COLOR"));
    return spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "check", "test/diagnostics/cases/mask-width-mismatch.mconv"], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...clean, ...env },
    }).stderr;
  };

  it("writes no colour to a pipe, colour with FORCE_COLOR, none when NO_COLOR is set too", () => {
    expect(run({})).not.toContain(ESC);
    expect(run({ FORCE_COLOR: "1" })).toContain(`${ESC}[1;31merror MC2003:${ESC}[0m`);
    expect(run({ FORCE_COLOR: "1", NO_COLOR: "1" })).not.toContain(ESC);
  });
});
