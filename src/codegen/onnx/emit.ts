// The onnx target: an ONNX model (opset 17) that onnxruntime runs. The graph is frozen first — weights and static
// masks folded into kernels become initializers — and a mask fed per call is a graph input multiplied into the
// kernel before its Conv. Inputs and outputs keep the model's names and NHWC layout.

import { type Diagnostic, type Result, failed, ok } from "../../diagnostics.js";
import type { TensorMap } from "../../ir/interpret.js";
import type { AnyNode, Graph, Node, OpKind } from "../../ir/node.js";
import { freezeGraph, spellEach } from "../frozen.js";
import { OPSET, OnnxGraphBuilder, onnx, valueInfo } from "./model.js";
import { type OnnxContext, type OnnxEmitter, onnxEmitters, tensor } from "./ops.js";

/** Convs whose only use is a bias_add of a constant bias (and that are no output themselves). */
function biasFusions(frozen: OnnxContext["frozen"]): Map<string, AnyNode> {
  const uses = new Map<string, AnyNode[]>();
  for (const v of frozen.computed) for (const o of v.node.operands) uses.set(o, [...(uses.get(o) ?? []), v.node]);
  const outputs = new Set(frozen.plan.outputs.map((o) => o.value.node.name));
  const fused = new Map<string, AnyNode>();
  for (const v of frozen.computed) {
    if (v.node.op !== "conv2d" && v.node.op !== "masked_conv2d") continue;
    const u = uses.get(v.node.name);
    if (outputs.has(v.node.name) || u?.length !== 1) continue;
    const add = u[0]!;
    if (add.op === "bias_add" && add.operands[0] === v.node.name && frozen.constants.has(add.operands[1]!)) fused.set(v.node.name, add);
  }
  return fused;
}

/** The ONNX model for `graph`, encoded as protobuf bytes; params not bound in the graph take `weights`. */
export function emitOnnx(graph: Graph, version = "0.1.0", weights?: TensorMap): Result<Uint8Array> {
  const frozen = freezeGraph(graph, "an ONNX model", weights);
  if (!frozen.ok) return failed(frozen.diagnostics);
  const { plan, computed } = frozen.value;
  const b = new OnnxGraphBuilder();
  const inputNames = plan.inputs.map((v) => b.claimExact(v.node.name)!);
  const outputNames = plan.outputs.map((o, i) => b.claimExact(o.name) ?? b.claimExact(`output_${i}`)!);
  const ctx: OnnxContext = { b, frozen: frozen.value, tensors: new Map(), absorbed: new Map(), biasOf: biasFusions(frozen.value) };
  plan.inputs.forEach((v, i) => ctx.tensors.set(v.node.name, inputNames[i]!));
  const diagnostics = spellEach(computed, ctx.tensors, (v) => (onnxEmitters[v.node.op] as OnnxEmitter<OpKind>)(v.node as Node<OpKind>, v, ctx));
  if (diagnostics.length > 0) return failed(diagnostics);
  plan.outputs.forEach((o, i) => b.node(outputNames[i]!, "Identity", [tensor(ctx, o.value.node.name)], {}, true));
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: "", version: OPSET }],
    producerName: "mconv",
    producerVersion: version,
    graph: {
      name: graph.name,
      node: b.nodes,
      initializer: b.initializers,
      input: plan.inputs.map((v, i) => valueInfo(inputNames[i]!, v.shape)),
      output: plan.outputs.map((o, i) => valueInfo(outputNames[i]!, o.value.shape)),
    },
  });
  return ok(onnx.ModelProto.encode(model).finish());
}
