// Differential testing: random well-typed graphs (generate.ts) run on interpret() and on every backend, through
// -O0, -O1 and every pass alone, weights bound at compile time or given at load (run.ts). A failing graph is
// shrunk and saved as test/differential/regressions/seed-<seed>.ir, which regressions.test.ts then replays.
// MCONV_DIFF_GRAPHS=2000 (and MCONV_DIFF_SEED=<first seed>) runs a longer campaign.

import { describe, expect, test } from "vitest";
import type { AnyNode } from "../../src/ir/node.js";
import { opDefs } from "../../src/ir/registry.js";
import { printGraph } from "../../src/ir/text/print.js";
import { bindWeights } from "../../src/passes/bind-weights.js";
import { passes } from "../../src/passes/pipeline.js";
import { generateCase } from "./generate.js";
import { saveRegression } from "./regression-file.js";
import { checkGraph } from "./run.js";
import { failsLike, shrinkGraph } from "./shrink.js";

/** About 90 ms a graph on one core: 80 graphs keep `npm test` within its budget. */
const COUNT = Number(process.env.MCONV_DIFF_GRAPHS ?? 80);
const FIRST = Number(process.env.MCONV_DIFF_SEED ?? 1);
const SEEDS = Array.from({ length: COUNT }, (_, i) => FIRST + i);

describe("the generator", () => {
  const cases = SEEDS.slice(0, 60).map(generateCase);
  const nodes = cases.flatMap((c) => c.graph.nodes);
  const of = <K extends AnyNode["op"]>(op: K) => nodes.filter((n): n is Extract<AnyNode, { op: K }> => n.op === op);

  test("is deterministic: a seed gives the same graph", () => {
    expect(printGraph(generateCase(FIRST).graph, { elideAbove: Infinity })).toBe(printGraph(cases[0]!.graph, { elideAbove: Infinity }));
  });

  test("covers every op, a symbolic batch, and more than one output", () => {
    expect([...new Set(nodes.map((n) => n.op))].sort()).toEqual(Object.keys(opDefs).sort());
    expect(of("input").some((n) => n.attrs.shape.includes("N"))).toBe(true);
    expect(cases.some((c) => c.graph.outputs.length > 1)).toBe(true);
    // A second symbolic size, scalars, softmax off the last axis, concat of three.
    expect(of("input").some((n) => n.attrs.shape.includes("T"))).toBe(true);
    expect(nodes.some((n) => n.type.shape.length === 0)).toBe(true);
    expect(of("softmax").some((n) => n.attrs.axis < n.type.shape.length - 1)).toBe(true);
    expect(of("concat").some((n) => n.operands.length === 3)).toBe(true);
  });

  test("covers the conv variants that matter", () => {
    const convs = [...of("conv2d"), ...of("masked_conv2d")];
    expect(convs.some((n) => n.attrs.groups > 1)).toBe(true);
    expect(convs.some((n) => n.attrs.strides.some((s) => s > 1) && n.attrs.dilations.some((d) => d > 1))).toBe(true);
    for (const p of ["valid", "same"]) expect(convs.some((n) => n.attrs.padding === p)).toBe(true);
    expect(convs.some((n) => typeof n.attrs.padding !== "string")).toBe(true);
    // Masks of rank 2–4, fed, constant, params and computed at load time (relu of a param).
    const masks = cases.flatMap((c) => c.graph.nodes.filter((n) => n.op === "masked_conv2d").map((n) => c.graph.nodes.find((m) => m.name === n.operands[2])!));
    expect([...new Set(masks.map((m) => m.type.shape.length))].sort()).toEqual([2, 3, 4]);
    for (const op of ["input", "constant", "param", "relu"]) expect(masks.map((m) => m.op)).toContain(op);
    // The builder's unfused form, conv2d over mul(kernel, reshape(mask fed at run time)), for fuse-dynamic-masks.
    expect(cases.some((c) => c.graph.nodes.some((n) => n.op === "mul" && n.name.startsWith("masked")))).toBe(true);
  });
});

describe("the passes", () => {
  test("each has work in some generated graph (a pass that never fires would be tested by nothing)", () => {
    const graphs = SEEDS.slice(0, 60).map((s) => generateCase(s).graph);
    const printed = graphs.map((g) => printGraph(g, { elideAbove: Infinity }));
    const idle = passes
      .filter((p) => p !== bindWeights)
      .filter((p) => graphs.every((g, i) => printGraph(p.run(g, {}), { elideAbove: Infinity }) === printed[i]))
      .map((p) => p.name);
    expect(idle).toEqual([]);
  });
});

describe("backends and passes agree with interpret() on random graphs", () => {
  test.each(SEEDS)("seed %i", async (seed) => {
    const c = generateCase(seed);
    const failures = await checkGraph(c.graph, c.dists, seed);
    if (failures.length === 0) return;
    const first = failures[0]!;
    const shrunk = await shrinkGraph(c.graph, failsLike(c.dists, seed, first));
    const intent = `${first.runner} after ${first.config} agrees with interpret() (found by the differential test, seed ${seed}: ${first.message.split("\n")[0]})`;
    const path = saveRegression(`seed-${seed}`, { intent, seed, dists: c.dists, graph: shrunk.graph });
    const summary = failures.map((f) => `  ${f.config} on ${f.runner}: ${f.message.split("\n")[0]}`).join("\n");
    throw new Error(`seed ${seed} (${c.label}) fails:\n${summary}\nshrunk after ${shrunk.tried} tries, saved as ${path}:\n${printGraph(shrunk.graph, { elideAbove: Infinity })}`);
  });
});
