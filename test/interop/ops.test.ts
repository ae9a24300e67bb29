// Every op through both exchange formats, against interpret(): the backends' table of random cases per op
// (test/backends/ops.ts), each exported as a GraphModel run by tf.loadGraphModel and as ONNX run by
// onnxruntime-node (through `loadCompiled(graph, "onnx")`). The forms a format cannot express must be refused
// with MC4011, and only those.
import * as tf from "@tensorflow/tfjs";
import { describe, expect, test } from "vitest";
import { emitGraphModel, loadCompiled } from "../../src/codegen/index.js";
import { formatDiagnostics } from "../../src/diagnostics.js";
import { interpret } from "../../src/ir/interpret.js";
import { loadTimeValues } from "../../src/ir/analysis.js";
import type { Graph } from "../../src/ir/node.js";
import { expectClose } from "../backends/cases.js";
import { CASES_PER_OP, type CaseOp, OP_CASES, opCase } from "../backends/ops.js";

const CASES = (Object.keys(OP_CASES) as CaseOp[]).flatMap((op) => Array.from({ length: CASES_PER_OP }, (_, i) => ({ op, i, ...opCase(op, i) })));

/** Whether a GraphModel cannot hold this graph: a form tfjs lacks, computed per call (load-time ones are stored). */
function graphModelRefuses(graph: Graph): boolean {
  const loadTime = loadTimeValues(graph);
  return graph.nodes.some(
    (n) =>
      !loadTime.has(n.name) &&
      ((n.op === "conv2d" || n.op === "masked_conv2d" || n.op === "fused_conv2d") && n.attrs.strides.some((s) => s > 1) && n.attrs.dilations.some((d) => d > 1)) ||
      (n.op === "conv2d_transpose" && typeof n.type.shape[0] === "string"),
  );
}

test("some cases hit the forms a GraphModel refuses, so the refusal is tested", () => {
  expect(CASES.filter((c) => graphModelRefuses(c.graph)).length).toBeGreaterThan(0);
});

describe("tfjs GraphModel agrees with interpret() on every op", () => {
  test.each(CASES.map((c) => [`${c.op} #${c.i}`, c] as const))("%s", async (_name, c) => {
    const files = emitGraphModel(c.graph, undefined, c.weights);
    if (graphModelRefuses(c.graph)) {
      expect(files.ok).toBe(false);
      expect(files.diagnostics.map((d) => d.code)).toEqual(["MC4011"]);
      return;
    }
    if (!files.ok) throw new Error(`${c.label}\n${formatDiagnostics(files.diagnostics)}`);
    const { modelJson, shards } = files.value;
    const bytes = Buffer.concat([...shards.values()]);
    const model = await tf.loadGraphModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest[0]!.weights as tf.io.WeightsManifestEntry[],
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
      }),
    );
    for (const feed of c.feeds) {
      const inputs = Object.fromEntries(Object.entries(feed).map(([k, t]) => [k, tf.tensor(Float32Array.from(t.data), [...t.shape])]));
      const y = model.execute(inputs, modelJson.userDefinedMetadata.mconv.outputNodes[0]!) as tf.Tensor;
      expectClose({ shape: y.shape, data: y.dataSync() }, interpret(c.graph, feed, c.weights).y!, c.label);
      tf.dispose([y, ...Object.values(inputs)]);
    }
    model.dispose();
  });
});

describe("onnxruntime agrees with interpret() on every op", () => {
  test.each(CASES.map((c) => [`${c.op} #${c.i}`, c] as const))("%s", async (_name, c) => {
    const loaded = await loadCompiled(c.graph, "onnx", c.weights);
    if (!loaded.ok) throw new Error(`${c.label}\n${formatDiagnostics(loaded.diagnostics)}`);
    for (const feed of c.feeds) {
      expectClose(await loaded.value.predict(feed).then((o) => o.y!), interpret(c.graph, feed, c.weights).y!, c.label);
    }
    loaded.value.dispose?.();
  });
});
