// --stats and --time-passes: counts checked by hand on small models, reports on stderr only, stdout unchanged.
import { describe, expect, it } from "vitest";
import { parseModel } from "../../src/parser/parse.js";
import { optimize } from "../../src/passes/pipeline.js";
import { graphStats } from "../../src/tools/stats.js";
import { mconv } from "../support/cli.js";

function model(text: string) {
  const r = parseModel({ name: "m.mconv", text });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return r.value;
}

describe("graphStats", () => {
  it("counts the seed by hand: a 3×3 conv 3 → 2 over 2×2 output pixels, 7 of 9 taps live", () => {
    const seed = model("model S {\n  input x: f32[N, 4, 4, 3]\n  mask m = [[1, 1, 0], [1, 1, 1], [0, 1, 1]]\n  y = conv2d(x, filters=2, kernel=3, mask=m)\n  output y\n}\n");
    // conv: 2 · 4 pixels · 54 weights = 432; bias_add: 8. Live: 2 · 4 · (7 taps · 3 · 2) = 336.
    expect(graphStats(seed)).toEqual({
      opsPerCall: 2, opsAtLoad: 0, parameters: 56, constants: 9, maskedConvs: 1,
      flops: 440, liveFlops: 344, zeroedWeights: 12, zeroedTaps: 2,
    });
    // After the passes the mask (reshaped at compile time) is multiplied into the kernel at load time, and the bias
    // fused into the conv: one op per call, one at load time; the same weights stay zero, the FLOPs are the same.
    expect(graphStats(optimize(seed))).toEqual({
      opsPerCall: 1, opsAtLoad: 1, parameters: 56, constants: 9, maskedConvs: 0,
      flops: 440, liveFlops: 344, zeroedWeights: 12, zeroedTaps: 2,
    });
  });

  it("broadcasts a per-input-channel mask left-aligned, and counts a tap only when every channel pair is zero", () => {
    // [2, 2, 2] mask over a [2, 2, 2, 3] kernel: 3 zero entries × 3 out channels = 9 zeroed weights; no tap all zero.
    const g = model("model S {\n  input x: f32[1, 4, 4, 2]\n  mask m = [[[1, 0], [1, 1]], [[0, 1], [1, 0]]]\n  y = conv2d(x, filters=3, kernel=2, mask=m, bias=false)\n  output y\n}\n");
    const s = graphStats(g);
    expect([s.zeroedWeights, s.zeroedTaps]).toEqual([9, 0]);
    // 9 output pixels: dense 2 · 9 · 24 = 432, live 2 · 9 · 15 = 270.
    expect([s.flops, s.liveFlops]).toEqual([432, 270]);
  });

  it("leaves a dynamic mask's weights counted, and a symbolic height unknown", () => {
    const dyn = graphStats(model("model S {\n  input x: f32[1, 4, 4, 1]\n  input m: f32[3, 3]\n  y = conv2d(x, filters=1, kernel=3, mask=m, bias=false)\n  output y\n}\n"));
    expect([dyn.flops, dyn.liveFlops, dyn.zeroedWeights]).toEqual([2 * 4 * 9, 2 * 4 * 9, 0]);
    const symbolic = graphStats(model("model S {\n  input x: f32[1, H, 4, 1]\n  y = relu(x)\n  output y\n}\n"));
    expect(symbolic.flops).toBeUndefined();
  });
});

describe("--stats and --time-passes", () => {
  it("mconv ir --stats prints the table on stderr and leaves stdout as it was", async () => {
    const plain = await mconv("ir", "examples/seed_static.mconv");
    const r = await mconv("ir", "examples/seed_static.mconv", "--stats");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(plain.stdout);
    expect(r.stderr).toBe(
      [
        "=== mconv statistics: model SeedStatic ===",
        "                                 before   after",
        "ops per call                          3       1",
        "ops at load time                      0       1",
        "weights (parameters)                 56      56",
        "constant values                       9       9",
        "masked convs (mask at run time)       1       0",
        "FLOPs per example, every weight     448     448",
        "FLOPs per example, live weights     352     352",
        "kernel weights zeroed by masks       12      12",
        "kernel taps zeroed by masks           2       2",
        "",
      ].join("\n"),
    );
  });

  it("mconv run --time-passes lists every pass of -O1 in order, after reading, and a total; the outputs stay on stdout", async () => {
    const args = ["run", "examples/seed.mconv", "--inputs", "examples/seed.inputs.json", "--weights", "examples/seed.weights.json", "--backend", "js"];
    const plain = await mconv(...args);
    const r = await mconv(...args, "--time-passes");
    expect(r.stdout).toBe(plain.stdout);
    const names = r.stderr.split("\n").slice(1, -1).map((l) => l.split(/\s+/)[0]);
    expect(r.stderr.split("\n")[0]).toBe("=== mconv pass timing (wall clock, ms) ===");
    expect(names).toEqual(["read", "bind-weights", "fold-batch-norm", "fold-static-masks", "fold-constants", "crop-masked-kernels", "fuse-dynamic-masks", "fuse-bias-activation", "cse", "dce", "total"]);
    expect(r.stderr).toMatch(/^total\s+\d+\.\d{3}$/m);
  });

  it("mconv compile --time-passes adds codegen; -O0 runs bind-weights only", async () => {
    const { scratchDir } = await import("../support/cli.js");
    const r = await mconv("compile", "examples/seed_static.mconv", "--target", "js", "-o", scratchDir("stats"), "-O0", "--time-passes");
    expect(r.code).toBe(0);
    expect(r.stderr.split("\n").slice(1).map((l) => l.split(/\s+/)[0])).toEqual(["read", "bind-weights", "codegen", "total", "mconv:", ""]);
  });
});
