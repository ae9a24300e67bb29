// Hostile and broken inputs at the command line: prototype keys, non-finite values, truncated files, absurd
// shapes — each a clear positioned error and exit 1, nothing polluted, nothing silently changed.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mconv, scratchDir } from "../support/cli.js";

const ones = (n: number) => new Array(n).fill(1).join(", ");
const X = `"x": {"shape": [1, 4, 4, 3], "data": [${ones(48)}]}`;
const M = `"m": {"shape": [3, 3], "data": [1, 1, 0, 1, 1, 1, 0, 1, 1]}`;

function file(text: string, name = "f.json"): string {
  const path = join(scratchDir("hostile"), name);
  writeFileSync(path, text);
  return path;
}

const runSeed = (inputs: string, ...more: string[]) =>
  mconv("run", "examples/seed.mconv", "--inputs", inputs, "--weights", "examples/seed.weights.json", "--backend", "js", ...more);

describe("hostile tensors files", () => {
  it("treats __proto__ and constructor as ordinary (unknown) names and pollutes nothing", async () => {
    const r = await runSeed(file(`{${X}, ${M}, "__proto__": {"shape": [1], "data": [1]}, "constructor": {"shape": [1], "data": [2]}}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error MC5022: unknown input '__proto__'");
    expect(r.stderr).toContain("error MC5022: unknown input 'constructor'");
    expect(({} as Record<string, unknown>)["shape"]).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, "data")).toBe(false);
  });

  it("names a non-finite value by its index and position, and accepts it only when asked", async () => {
    const path = file(`{${X.replace("[1, 1, 1,", "[1, 1e39, 1,")}, ${M}}`);
    const r = await runSeed(path);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/f\.json:1:\d+: error MC5015: tensor 'x': value 1 \(1e39\) is not a finite float32; --allow-non-finite accepts it/);
    const allowed = await runSeed(file(`{${X.replace("[1, 1, 1,", '[1, "NaN", 1,')}, ${M}}`), "--allow-non-finite");
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain('"NaN"');
  });

  it("reports a truncated file at its end", async () => {
    const text = `{${X}, "m": {"shape": [3, 3], "data": [1, 1`;
    const r = await runSeed(file(text));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^\S+f\.json:1:\d+: error MC5011: this is not valid JSON/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses brackets nested a thousand deep without overflowing the stack", async () => {
    const r = await runSeed(file("[".repeat(100_000)));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error MC5011: brackets nest more than 64 deep");
  });

  it("accepts a byte-order mark and FLT_MAX, which mconv itself writes", async () => {
    const r = await runSeed(file(`\ufeff{${X.replace("[1, 1, 1,", "[1, 3.4028235e38, 1,")}, ${M}}`));
    expect(r.code, r.stderr).toBe(0);
  });
});

describe("absurd models", () => {
  it("refuses a 100000×100000×100000×3 input in mconv check, before allocating anything", async () => {
    const r = await mconv("check", file("model Huge {\n  input x: f32[100000, 100000, 100000, 3]\n  output x\n}\n", "huge.mconv"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error MC2020: [100000, 100000, 100000, 3] holds 3000000000000000 elements, more than the limit of 2147483647");
  });

  it("reports an output path it cannot write as a user error", async () => {
    const r = await runSeed("examples/seed.inputs.json", "--out", "examples/seed.mconv/o.json");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error MC5003: cannot write 'examples/seed.mconv/o.json': a part of the path is a file\n");
  });

  it("refuses a folder or a device as a model file", async () => {
    expect((await mconv("check", "examples")).stderr).toBe("error MC5001: cannot read model file 'examples': it is a folder\n");
    expect((await mconv("check", "/dev/zero")).stderr).toBe("error MC5001: cannot read model file '/dev/zero': it is not a regular file\n");
  });
});
