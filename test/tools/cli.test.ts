// The tools on the command line: a mistyped command gets a suggestion; each new command has --help.
import { describe, expect, it } from "vitest";
import { mconv } from "../support/cli.js";

describe("the command line", () => {
  it("suggests the command meant by a typo, and lists the commands otherwise", async () => {
    expect((await mconv("fmtt", "x.mconv")).stderr).toBe("mconv: unknown command 'fmtt'; did you mean 'fmt'? (see mconv --help)\n");
    expect((await mconv("masks-of")).stderr).toContain("did you mean 'masks'?");
    expect((await mconv("frobnicate")).stderr).toContain("the commands are run, compile, ir");
  });

  it.each(["fmt", "graph", "masks"])("mconv %s --help shows its usage and options", async (name) => {
    const r = await mconv(name, "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: mconv ${name} FILE`));
    expect(r.stdout).toContain("-h, --help");
  });
});
