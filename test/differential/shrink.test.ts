// The shrinker on a made-up failure ("the graph has a softmax"): a large random graph shrinks to an input and the
// softmax, every size 1, and the result is a regression file that reads back to the same graph.

import { expect, test } from "vitest";
import type { Graph } from "../../src/ir/node.js";
import { printGraph } from "../../src/ir/text/print.js";
import { generateCase } from "./generate.js";
import { formatRegression, parseRegression } from "./regression-file.js";
import { shrinkGraph } from "./shrink.js";

const hasSoftmax = async (g: Graph) => g.nodes.some((n) => n.op === "softmax");

/** The ops of the nodes some output needs. */
function liveOps(g: Graph): string[] {
  const live = new Set(g.outputs.map((o) => o.value));
  for (const n of [...g.nodes].reverse()) if (live.has(n.name)) n.operands.forEach((o) => live.add(o));
  return g.nodes.filter((n) => live.has(n.name)).map((n) => n.op);
}

test("a graph shrinks to the one node the failure needs, with every size 1", async () => {
  const seed = Array.from({ length: 300 }, (_, i) => i + 1).find((s) => {
    const live = liveOps(generateCase(s).graph);
    return live.length > 10 && live.includes("softmax") && live.includes("conv2d");
  })!;
  const c = generateCase(seed);
  const { graph } = await shrinkGraph(c.graph, hasSoftmax);
  expect(graph.nodes.map((n) => n.op)).toEqual(["input", "softmax"]);
  expect(graph.nodes[0]!.type.shape.every((d) => d === 1)).toBe(true);
  expect(graph.outputs).toHaveLength(1);

  const text = formatRegression({ intent: "a softmax", seed, dists: c.dists, graph });
  expect(text.split("\n")[0]).toBe("# Test case: a softmax");
  const back = parseRegression("shrunk.ir", text);
  expect(printGraph(back.graph)).toBe(printGraph(graph));
  expect(back.seed).toBe(seed);
});

test("a graph that does not fail stays as it is", async () => {
  const c = generateCase(3);
  const { graph, tried } = await shrinkGraph(c.graph, async () => false, 50);
  expect(graph).toBe(c.graph);
  expect(tried).toBeLessThanOrEqual(50);
});
