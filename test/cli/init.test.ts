// Generated weights (--init random --seed S, and `mconv weights`): Keras' initializers, reproducible from the seed.
import { describe, expect, it } from "vitest";
import { glorotLimit, initWeights, initializerFor } from "../../src/io/init.js";
import { GraphBuilder } from "../../src/ir/builder.js";
import { mconv } from "../support/cli.js";

describe("weight initialization", () => {
  it("uses Keras' glorot_uniform bound with HWIO fans", () => {
    // [3,3,16,32]: fan_in 3·3·16 = 144, fan_out 3·3·32 = 288; sqrt(6 / 432) = 0.11785…
    expect(glorotLimit([3, 3, 16, 32])).toBeCloseTo(0.1178511, 6);
    // dense [784, 10]: sqrt(6 / 794)
    expect(glorotLimit([784, 10])).toBeCloseTo(Math.sqrt(6 / 794), 12);
  });

  it("picks the initializer by the parameter's role", () => {
    expect(["y.kernel", "y.bias", "bn.gamma", "bn.beta", "bn.moving_mean", "bn.moving_variance"].map((n) => initializerFor(n, n.endsWith("kernel") ? 4 : 1))).toEqual([
      "glorot_uniform",
      "zeros",
      "ones",
      "zeros",
      "zeros",
      "ones",
    ]);
  });

  it("draws kernels inside the bound, the same for the same seed and different for another", () => {
    const b = new GraphBuilder("G");
    b.output("k", b.param("y.kernel", [3, 3, 16, 32]));
    const built = b.build();
    if (!built.ok) throw new Error("build");
    const one = initWeights(built.value, "random", 7)["y.kernel"]!.data;
    const again = initWeights(built.value, "random", 7)["y.kernel"]!.data;
    const other = initWeights(built.value, "random", 8)["y.kernel"]!.data;
    const limit = glorotLimit([3, 3, 16, 32]);
    expect(Array.from(one).every((v) => Math.abs(v) <= limit)).toBe(true);
    expect(Math.max(...Array.from(one, Math.abs))).toBeGreaterThan(limit * 0.9);
    expect(Array.from(again)).toEqual(Array.from(one));
    expect(Array.from(other)).not.toEqual(Array.from(one));
  });
});

describe("--init on the command line", () => {
  it("mconv weights writes every parameter by name and shape", async () => {
    const r = await mconv("weights", "examples/seed_static.mconv", "--init", "random", "--seed", "1");
    expect(r.code, r.stderr).toBe(0);
    const w = JSON.parse(r.stdout) as Record<string, { shape: number[]; data: number[] }>;
    expect(Object.keys(w)).toEqual(["y.kernel", "y.bias"]);
    expect(w["y.kernel"]!.shape).toEqual([3, 3, 3, 2]);
    expect(w["y.bias"]!.data).toEqual([0, 0]);
  });

  it("runs a model on generated weights, the compiled backends agreeing with the reference", async () => {
    const args = ["run", "examples/seed.mconv", "--inputs", "examples/seed.inputs.json", "--init", "random", "--seed", "3"];
    const ref = JSON.parse((await mconv(...args, "--backend", "reference")).stdout) as Record<string, { data: number[] }>;
    for (const backend of ["js", "tfjs"]) {
      const r = await mconv(...args, "--backend", backend);
      expect(r.code, r.stderr).toBe(0);
      const got = (JSON.parse(r.stdout) as Record<string, { data: number[] }>)["y"]!.data;
      got.forEach((v, i) => expect(v).toBeCloseTo(ref["y"]!.data[i]!, 5));
    }
  });

  it("refuses --init together with --weights, and --seed without --init", async () => {
    const both = await mconv("run", "examples/seed.mconv", "--inputs", "examples/seed.inputs.json", "--weights", "examples/seed.weights.json", "--init", "random");
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("give either --weights or --init, not both");
    const seedOnly = await mconv("ir", "examples/seed.mconv", "--seed", "3");
    expect(seedOnly.code).toBe(2);
  });
});
