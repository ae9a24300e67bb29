// docs/tools.md is run: every `$ mconv …` line of a ```console block, from a scratch folder that holds the
// examples, must print the lines under it (stdout; stderr with `2>&1 >/dev/null`; `…` ends a prefix) and exit 0,
// or the code shown by `|| echo "exit $?"`. An svg command without Graphviz must say that dot is missing.
import { spawnSync } from "node:child_process";
import { readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/app.js";
import { repoRoot, scratchDir } from "../support/cli.js";

interface Example {
  readonly line: number;
  readonly argv: string[];
  readonly stderr: boolean;
  readonly showsExit: boolean;
  readonly expected: string[];
}

function examples(): Example[] {
  const text = readFileSync(join(repoRoot, "docs/tools.md"), "utf8");
  const out: Example[] = [];
  for (const block of text.matchAll(/^```console\n([\s\S]*?)^```$/gm)) {
    const first = text.slice(0, block.index).split("\n").length + 1;
    const lines = block[1]!.replace(/\n$/, "").split("\n");
    lines.forEach((l, i) => {
      if (!l.startsWith("$ ")) return;
      let command = l.slice(2);
      const showsExit = command.endsWith(' || echo "exit $?"');
      command = command.replace(/ \|\| echo "exit \$\?"$/, "");
      const stderr = command.endsWith(" 2>&1 >/dev/null");
      command = command.replace(/ 2>&1 >\/dev\/null$/, "");
      const [program, ...argv] = command.split(/\s+/);
      expect(program, `docs/tools.md:${first + i}`).toBe("mconv");
      const next = lines.findIndex((x, j) => j > i && x.startsWith("$ "));
      out.push({ line: first + i, argv, stderr, showsExit, expected: lines.slice(i + 1, next < 0 ? undefined : next) });
    });
  }
  return out;
}

const hasDot = spawnSync("dot", ["-V"]).error === undefined;
const all = examples();

describe("docs/tools.md", () => {
  const cwd = scratchDir("docs-tools");
  symlinkSync(join(repoRoot, "examples"), join(cwd, "examples"));

  it("has examples of every tool", () => {
    for (const tool of ["fmt", "graph", "masks", "--stats", "--field"]) expect(all.some((e) => e.argv.includes(tool))).toBe(true);
  });

  it.each(all.map((e) => [`line ${e.line}: mconv ${e.argv.join(" ")}`, e] as const))("%s", async (_, e) => {
    let stdout = "";
    let stderr = "";
    const code = await runCli(e.argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd });
    if (e.argv.includes("svg") && !hasDot) {
      expect(code).toBe(1);
      expect(stderr).toContain("needs Graphviz's 'dot' program, which is not on PATH");
      return;
    }
    const shown = [...(e.stderr ? stderr : stdout).split("\n").slice(0, -1), ...(code !== 0 && e.showsExit ? [`exit ${code}`] : [])];
    if (!e.showsExit) expect(code, stderr).toBe(0);
    if (e.expected.at(-1) === "…") expect(shown.slice(0, e.expected.length - 1)).toEqual(e.expected.slice(0, -1));
    else expect(shown).toEqual(e.expected);
  });
});
