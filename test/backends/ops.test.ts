// Every op through every backend, compared with interpret() (float64) to 1e-5 relative to the values' magnitude:
// a table of random cases per op (ops.ts). A new op without cases fails the coverage test; so does a table whose
// cases lose a variant that matters (softmax off the last axis, three-way concat, ...).

import { describe, expect, test } from "vitest";
import { type Backend, loadCompiled } from "../../src/codegen/index.js";
import { formatDiagnostics } from "../../src/diagnostics.js";
import { interpret } from "../../src/ir/interpret.js";
import type { AnyNode } from "../../src/ir/node.js";
import { opDefs } from "../../src/ir/registry.js";
import { expectClose } from "./cases.js";
import { CASES_PER_OP, type CaseOp, OP_CASES, opCase } from "./ops.js";

const BACKENDS: Backend[] = ["js", "tfjs-wasm", "tfjs-cpu"];
const SOURCES = new Set(["input", "param", "constant"]);

const CASES = (Object.keys(OP_CASES) as CaseOp[]).flatMap((op) =>
  Array.from({ length: CASES_PER_OP }, (_, i) => ({ op, i, ...opCase(op, i) })),
);

/** The nodes of `op` across all cases. */
function nodesOf<K extends CaseOp>(op: K): Extract<AnyNode, { op: K }>[] {
  return CASES.flatMap((c) => c.graph.nodes.filter((n): n is Extract<AnyNode, { op: K }> => n.op === op));
}

describe("coverage", () => {
  test("the cases exercise every op of the registry but the sources, and each op's cases contain it", () => {
    const exercised = new Set(CASES.flatMap((c) => c.graph.nodes.map((n) => n.op)).filter((op) => !SOURCES.has(op)));
    const registered = Object.keys(opDefs).filter((op) => !SOURCES.has(op));
    expect([...exercised].sort()).toEqual(registered.sort());
    for (const c of CASES) expect(c.graph.nodes.map((n) => n.op), c.label).toContain(c.op);
  });

  test("operands come fed at run time, as params and as constants, with a symbolic batch too", () => {
    const labels = CASES.map((c) => c.label).join("\n");
    for (const wanted of [/:input/, /:param/, /:constant/, /f32\[N,/]) expect(labels).toMatch(wanted);
  });

  test("the variants that matter come up", () => {
    const rankOf = (n: AnyNode) => n.type.shape.length;
    expect(nodesOf("softmax").some((n) => n.attrs.axis < rankOf(n) - 1)).toBe(true);
    expect(nodesOf("log_softmax").some((n) => n.attrs.axis < rankOf(n) - 1)).toBe(true);
    expect(nodesOf("concat").some((n) => n.operands.length === 3)).toBe(true);
    expect(nodesOf("pad").some((n) => n.attrs.pads.filter((p, i) => i % 2 === 0 && (p > 0 || n.attrs.pads[i + 1]! > 0)).length >= 2)).toBe(true);
    const shapes = new Map(CASES.flatMap((c) => c.graph.nodes.map((n) => [n, c.graph.nodes] as const)));
    expect(
      nodesOf("slice").some((n) => {
        const x = shapes.get(n)!.find((m) => m.name === n.operands[0])!;
        return n.attrs.begin > 0 && n.attrs.begin + n.attrs.size === x.type.shape[n.attrs.axis];
      }),
    ).toBe(true);
    const transposes = nodesOf("conv2d_transpose");
    for (const s of [1, 2, 3]) expect(transposes.some((n) => n.attrs.strides[0] === s)).toBe(true);
    for (const p of ["valid", "same"] as const) expect(transposes.some((n) => n.attrs.padding === p)).toBe(true);
    for (const op of ["max_pool", "avg_pool"] as const) {
      const pools = nodesOf(op);
      for (const p of ["valid", "same"] as const) {
        expect(pools.some((n) => n.attrs.padding === p && n.attrs.window.some((w, i) => w > n.attrs.strides[i]!))).toBe(true);
      }
    }
    expect(nodesOf("leaky_relu").some((n) => n.attrs.alpha > 1)).toBe(true);
    expect(nodesOf("elu").some((n) => n.attrs.alpha !== 1)).toBe(true);
    const bnStages = nodesOf("batch_norm").map((n) => shapes.get(n)!.find((m) => m.name === n.operands[4])!.op);
    expect(new Set(bnStages)).toContain("input");
    expect(bnStages.some((s) => s !== "input")).toBe(true);
  });
});

describe.each(BACKENDS)("%s agrees with interpret() on every op", (backend) => {
  test.each(CASES.map((c) => [`${c.op} #${c.i}`, c] as const))("%s", async (_name, c) => {
    const loaded = await loadCompiled(c.graph, backend, c.weights);
    if (!loaded.ok) throw new Error(`${c.label}\n${formatDiagnostics(loaded.diagnostics)}`);
    for (const feed of c.feeds) {
      const got = await loaded.value.predict(feed);
      const want = interpret(c.graph, feed, c.weights);
      expect(got.y!.data).toBeInstanceOf(Float32Array);
      expectClose(got.y!, want.y!, c.label);
    }
    loaded.value.dispose?.();
  });
});
