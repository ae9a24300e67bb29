// The CLI as a user runs it: the founding example on every backend, the IR of static and dynamic masks,
// compiled modules that load and predict, clear errors with positions, exit codes and --help on every command.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { commands } from "../../src/cli/app.js";
import { mconv, scratchDir } from "../support/cli.js";

const SEED = ["examples/seed.mconv", "--inputs", "examples/seed.inputs.json", "--weights", "examples/seed.weights.json"];
const SEED_STATIC = ["examples/seed_static.mconv", "--inputs", "examples/seed_static.inputs.json", "--weights", "examples/seed.weights.json"];

function parseOutputs(stdout: string): Record<string, { shape: number[]; data: number[] }> {
  return JSON.parse(stdout) as Record<string, { shape: number[]; data: number[] }>;
}

describe("mconv run", () => {
  it.each(["tfjs", "tfjs-wasm", "tfjs-cpu", "js", "reference"])("prints the 21s of the dynamic-mask seed on %s", async (backend) => {
    const r = await mconv("run", ...SEED, "--backend", backend);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(parseOutputs(r.stdout)).toEqual({ y: { shape: [1, 2, 2, 2], data: new Array(8).fill(21) } });
  });

  it.each(["tfjs", "js"])("prints the 21s of the static-mask seed on %s, at -O0 and -O1", async (backend) => {
    for (const level of ["-O0", "-O1"]) {
      const r = await mconv("run", ...SEED_STATIC, "--backend", backend, level);
      expect(r.code, r.stderr).toBe(0);
      expect(parseOutputs(r.stdout)).toEqual({ y: { shape: [1, 2, 2, 2], data: new Array(8).fill(21) } });
    }
  });

  it("binds the symbolic batch from the inputs", async () => {
    const dir = scratchDir("batch");
    const inputs = join(dir, "x.json");
    writeFileSync(inputs, JSON.stringify({ x: { shape: [3, 4, 4, 3], data: new Array(144).fill(1) } }));
    const r = await mconv("run", "examples/seed_static.mconv", "--inputs", inputs, "--weights", "examples/seed.weights.json", "--backend", "js");
    expect(r.code, r.stderr).toBe(0);
    expect(parseOutputs(r.stdout).y).toEqual({ shape: [3, 2, 2, 2], data: new Array(24).fill(21) });
  });

  it("writes the outputs to --out and nothing to stdout", async () => {
    const out = join(scratchDir("out"), "o.json");
    const r = await mconv("run", ...SEED, "--backend", "js", "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const { readFileSync } = await import("node:fs");
    expect(parseOutputs(readFileSync(out, "utf8")).y!.data).toEqual(new Array(8).fill(21));
  });

  it("reports an ill-shaped weight at its position in the weights file, with the kernel layout spelled out", async () => {
    const dir = scratchDir("badw");
    const weights = join(dir, "w.json");
    writeFileSync(weights, `{\n  "y.kernel": {"shape": [3, 3, 2, 2], "data": [${new Array(36).fill(1).join(",")}]},\n  "y.bias": {"shape": [2], "data": [0, 0]}\n}\n`);
    const r = await mconv("run", "examples/seed.mconv", "--inputs", "examples/seed.inputs.json", "--weights", weights);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.split("\n");
    expect(lines[0]).toBe(
      `${weights}:2:25: error MC5023: weight 'y.kernel' must have shape [3, 3, 3, 2] [height, width, in_channels, out_channels], got [3, 3, 2, 2]`,
    );
    expect(lines[1]).toMatch(/^2 \|\s+"y.kernel": \{"shape": \[3, 3, 2, 2\]/);
    expect(lines[2]).toBe(`  | ${" ".repeat(24)}^${"~".repeat(11)}`); // under "[3, 3, 2, 2]"
    expect(r.stderr).toContain("note: 'y.kernel' is declared here");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("names a missing input and an unknown one", async () => {
    const dir = scratchDir("badi");
    const inputs = join(dir, "i.json");
    writeFileSync(inputs, JSON.stringify({ x: { shape: [1, 4, 4, 3], data: new Array(48).fill(1) }, mask: { shape: [3, 3], data: new Array(9).fill(1) } }));
    const r = await mconv("run", "examples/seed.mconv", "--inputs", inputs, "--weights", "examples/seed.weights.json");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error MC5021: input 'm' is missing from");
    expect(r.stderr).toContain("error MC5022: unknown input 'mask'; the model's inputs are: 'x', 'm'");
  });

  it("refuses data that does not match the shape instead of truncating it", async () => {
    const dir = scratchDir("short");
    const inputs = join(dir, "i.json");
    writeFileSync(inputs, JSON.stringify({ x: { shape: [1, 4, 4, 3], data: new Array(47).fill(1) }, m: { shape: [3, 3], data: new Array(9).fill(1) } }));
    const r = await mconv("run", "examples/seed.mconv", "--inputs", inputs, "--weights", "examples/seed.weights.json");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error MC5014: tensor 'x' has shape [1, 4, 4, 3], which needs 48 values, but \"data\" holds 47");
  });

  it("asks for weights when the model has some and none are given", async () => {
    const r = await mconv("run", "examples/seed.mconv", "--inputs", "examples/seed.inputs.json");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error MC5024: the model has weights ('y.kernel', 'y.bias'); give them with --weights W.json, or generate them with --init random");
  });

  it("explains that tfjs-node is not installed instead of failing with a stack", async () => {
    const r = await mconv("run", ...SEED, "--backend", "tfjs-node");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tfjs-node/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("reports a missing model file as a user error", async () => {
    const r = await mconv("run", "examples/nope.mconv", "--inputs", "examples/seed.inputs.json");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error MC5001: cannot read model file 'examples/nope.mconv': no such file\n");
  });
});

describe("mconv ir", () => {
  it("shows the static mask folded away: one conv (fused with its bias and relu) over a load-time masked kernel", async () => {
    const r = await mconv("ir", "examples/seed_static.mconv");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/%y = fused_conv2d\(%x, %y\.kernel\.masked, %y\.bias\) \{.*activation=relu/);
    expect(r.stdout).not.toContain("masked_conv2d");
  });

  it("folds the mask into a constant kernel when weights are given at compile time", async () => {
    const r = await mconv("ir", "examples/seed_static.mconv", "--weights", "examples/seed.weights.json");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("%y.kernel.masked = constant <54 values, 12 zero> : f32[3,3,3,2]");
    expect(r.stdout).not.toContain("param");
  });

  it("keeps the dynamic mask in one conv op (fused with its bias), the mask its last operand", async () => {
    const r = await mconv("ir", "examples/seed.mconv");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/%y = fused_conv2d\(%x, %y\.kernel, %y\.bias, %m\)/);
    const o0 = await mconv("ir", "examples/seed.mconv", "-O0");
    expect(o0.stdout).toMatch(/%y\.conv = masked_conv2d\(%x, %y\.kernel, %m\)/);
  });

  it("runs the tfjs-only passes with --target tfjs, and lists them as such in --help", async () => {
    const all = await mconv("ir", "examples/seed_static.mconv", "--print-ir-after=all", "--target", "tfjs");
    expect(all.stdout).toContain("# IR after split-masked-kernels");
    const neutral = await mconv("ir", "examples/seed_static.mconv", "--print-ir-after=split-masked-kernels");
    expect(neutral.stderr).toBe("mconv ir: note: split-masked-kernels does not run without --target tfjs, so there is no IR after it to print\n");
    expect((await mconv("ir", "--help")).stdout).toMatch(/split-masked-kernels +\[tfjs\] /);
  });

  it("prints the IR after every pass with --print-ir-after=all, and nothing is folded at -O0", async () => {
    const all = await mconv("ir", "examples/seed_static.mconv", "--print-ir-after=all");
    expect(all.stdout.match(/^# IR after [a-z-]+$/gm)).toEqual([
      "# IR after bind-weights",
      "# IR after fold-batch-norm",
      "# IR after fold-static-masks",
      "# IR after fold-constants",
      "# IR after crop-masked-kernels",
      "# IR after fuse-dynamic-masks",
      "# IR after fuse-bias-activation",
      "# IR after cse",
      "# IR after dce",
    ]);
    const o0 = await mconv("ir", "examples/seed_static.mconv", "-O0");
    expect(o0.stdout).toContain("masked_conv2d");
  });

  it("says so when a pass named in --print-ir-after does not run at the chosen level", async () => {
    const r = await mconv("ir", "examples/seed_static.mconv", "-O0", "--print-ir-after=fold-static-masks");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("mconv ir: note: fold-static-masks does not run at -O0, so there is no IR after it to print\n");
  });

  it("refuses an unknown pass name as a usage error", async () => {
    const r = await mconv("ir", "examples/seed.mconv", "--print-ir-after=fold");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("mconv ir: --print-ir-after: no pass named 'fold' (see mconv ir --help)\n");
  });
});

describe("mconv compile", () => {
  it.each(["js", "tfjs"])("writes a %s module that loads and predicts the 21s", async (target) => {
    const dir = scratchDir(`compile-${target}`);
    for (const [file, withWeights] of [["examples/seed_static.mconv", true], ["examples/seed.mconv", false]] as const) {
      const out = join(dir, withWeights ? "static" : "dynamic");
      const args = ["compile", file, "--target", target, "-o", out, ...(withWeights ? ["--weights", "examples/seed.weights.json"] : [])];
      const r = await mconv(...args);
      expect(r.code, r.stderr).toBe(0);
      const mod = (await import(pathToFileURL(join(out, "model.js")).href)) as {
        load(w?: unknown, o?: unknown): Promise<{ predict(i: unknown): Promise<Record<string, { shape: number[]; data: Float32Array }>> }>;
      };
      const ones = (n: number) => new Float32Array(n).fill(1);
      const weights = withWeights ? undefined : { "y.kernel": { shape: [3, 3, 3, 2], data: ones(54) }, "y.bias": { shape: [2], data: [0, 0] } };
      const model = await mod.load(weights, target === "tfjs" ? { backend: "cpu" } : undefined);
      const inputs: Record<string, unknown> = { x: { shape: [1, 4, 4, 3], data: ones(48) } };
      if (!withWeights) inputs["m"] = { shape: [3, 3], data: Float32Array.of(1, 1, 0, 1, 1, 1, 0, 1, 1) };
      const y = (await model.predict(inputs))["y"]!;
      expect(y.shape).toEqual([1, 2, 2, 2]);
      expect(Array.from(y.data)).toEqual(new Array(8).fill(21));
    }
  });

  it("needs a target and an output folder", async () => {
    expect((await mconv("compile", "examples/seed.mconv", "-o", "x")).code).toBe(2);
    expect((await mconv("compile", "examples/seed.mconv", "--target", "js")).code).toBe(2);
    const bad = await mconv("compile", "examples/seed.mconv", "--target", "wasm", "-o", "x");
    expect(bad.stderr).toBe("mconv compile: --target must be one of tfjs, js, tfjs-graph, onnx; got 'wasm' (see mconv compile --help)\n");
  });

  it("--fast-math: Winograd convs on the js target, the reference's numbers to rounding; a usage error elsewhere", async () => {
    const dir = scratchDir("fast-math");
    const compiled = await mconv("compile", "examples/pixelcnn.mconv", "--target", "js", "--fast-math", "-o", dir);
    expect(compiled.code, compiled.stderr).toBe(0);
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(join(dir, "model.js"), "utf8");
    expect(text).toContain("Fast math: Winograd convs");
    // The 3×3 type-B convs of the residual blocks (16 → 16 channels, cropped to 2×3) take Winograd.
    expect(text).toContain("by Winograd F(4×4, 2×3)");
    const PIXELCNN = ["examples/pixelcnn.mconv", "--inputs", "examples/pixelcnn.inputs.json", "--init", "random", "--seed", "1"];
    const fast = await mconv("run", ...PIXELCNN, "--backend", "js", "--fast-math");
    const reference = await mconv("run", ...PIXELCNN, "--backend", "reference");
    expect(fast.code, fast.stderr).toBe(0);
    const [got, want] = [parseOutputs(fast.stdout), parseOutputs(reference.stdout)];
    const name = Object.keys(want)[0]!;
    expect(got[name]!.shape).toEqual(want[name]!.shape);
    const worst = want[name]!.data.reduce((m, w, i) => Math.max(m, Math.abs(got[name]!.data[i]! - w) / Math.max(1, Math.abs(w))), 0);
    expect(worst).toBeLessThan(1e-5);
    for (const args of [["compile", "examples/pixelcnn.mconv", "--target", "tfjs", "--fast-math", "-o", dir], ["run", ...SEED, "--fast-math"]]) {
      const r = await mconv(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^mconv (compile|run): --fast-math applies to js only \(compile --target js, run --backend js\), not tfjs \(see mconv (compile|run) --help\)\n$/);
    }
  });
});

describe("mconv check and the command line itself", () => {
  it("checks both examples", async () => {
    const r = await mconv("check", "examples/seed.mconv", "examples/seed_static.mconv");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "examples/seed.mconv: model Seed is valid (2 inputs, 2 weights, 1 outputs)\n" +
        "examples/seed_static.mconv: model SeedStatic is valid (1 inputs, 2 weights, 1 outputs)\n",
    );
  });

  it.each(commands.map((c) => c.name))("mconv %s --help describes the command and exits 0", async (name) => {
    const r = await mconv(name, "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: mconv ${name} `));
    expect(r.stdout).toContain("-h, --help");
  });

  it("exits 2 on usage errors: no command, unknown command, unknown option", async () => {
    expect((await mconv()).code).toBe(2);
    const unknown = await mconv("frobnicate");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const opt = await mconv("run", "examples/seed.mconv", "--inptus", "x.json");
    expect(opt.code).toBe(2);
    expect(opt.stderr).toMatch(/^mconv run: unknown option '--inptus'/);
    expect((await mconv("--help")).code).toBe(0);
  });
});
