// The tfjs-graph target: a tfjs GraphModel (model.json with format "graph-model" and binary weight shards) that
// the stock tf.loadGraphModel loads. The graph is frozen first: load-time values (weights, static masks folded into
// kernels) are stored as Const weights; a mask fed per call is a Placeholder whose Mul sits on the filter path.

import { type Diagnostic, type Result, failed, ok } from "../../diagnostics.js";
import type { TensorMap } from "../../ir/interpret.js";
import type { Graph, Node, OpKind } from "../../ir/node.js";
import { freezeGraph, spellEach } from "../frozen.js";
import { type GraphContext, type GraphEmitter, tensor } from "./context.js";
import { findFusions } from "./conv.js";
import { GraphDefBuilder, type WeightEntry, attr } from "./graphdef.js";
import { graphEmitters } from "./ops.js";

/** Weight shards hold at most this many bytes, tensorflowjs_converter's default. */
export const SHARD_BYTES = 4 * 1024 * 1024;

export interface GraphModelFiles {
  /** The parsed model.json (write it with JSON.stringify). */
  readonly modelJson: GraphModelJson;
  /** The shard files listed in weightsManifest[0].paths, by file name. */
  readonly shards: ReadonlyMap<string, Uint8Array>;
}

export interface TensorInfo {
  readonly name: string;
  readonly dtype: "DT_FLOAT";
  readonly tensorShape: { readonly dim: readonly { readonly size: string }[] };
}

export interface GraphModelJson {
  readonly format: "graph-model";
  readonly generatedBy: string;
  readonly convertedBy: string;
  readonly signature: { readonly inputs: Record<string, TensorInfo>; readonly outputs: Record<string, TensorInfo> };
  readonly modelTopology: { readonly node: readonly object[]; readonly library: object; readonly versions: object };
  readonly weightsManifest: readonly { readonly paths: readonly string[]; readonly weights: readonly { name: string; shape: number[]; dtype: string }[] }[];
  readonly userDefinedMetadata: { readonly mconv: { readonly model: string; readonly outputNodes: readonly string[] } };
}

/** The weights' bytes, little-endian, in manifest order. */
function weightBytes(weights: readonly WeightEntry[]): Uint8Array {
  const total = weights.reduce((n, w) => n + w.data.length * 4, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const w of weights) {
    for (const v of w.data) {
      if (w.dtype === "float32") view.setFloat32(at, v, true);
      else view.setInt32(at, v, true);
      at += 4;
    }
  }
  return bytes;
}

function shardsOf(bytes: Uint8Array): Map<string, Uint8Array> {
  const count = Math.max(1, Math.ceil(bytes.length / SHARD_BYTES));
  const shards = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) shards.set(`group1-shard${i + 1}of${count}.bin`, bytes.subarray(i * SHARD_BYTES, (i + 1) * SHARD_BYTES));
  return shards;
}

/**
 * Emits the GraphModel for `graph`, whose weights must be bound. Placeholders are named after the model's inputs,
 * and each output is an Identity node named after it (when the name is a valid TensorFlow node name).
 */
export function emitGraphModel(graph: Graph, version = "0.1.0", weights?: TensorMap): Result<GraphModelFiles> {
  const frozen = freezeGraph(graph, "a tfjs GraphModel", weights);
  if (!frozen.ok) return failed(frozen.diagnostics);
  const { plan, computed } = frozen.value;
  const b = new GraphDefBuilder();
  const inputNames = plan.inputs.map((v, i) => b.claimExact(v.node.name) ?? b.claimExact(`input_${i}`)!);
  const outputNames = plan.outputs.map((o, i) => b.claimExact(o.name) ?? b.claimExact(`output_${i}`)!);
  const base = { b, frozen: frozen.value, tensors: new Map<string, string>(), absorbed: new Map<string, string>() };
  const ctx: GraphContext = { ...base, fusions: findFusions(base) };
  const info = (name: string, shape: readonly (number | string)[]): TensorInfo => ({
    name: `${name}:0`,
    dtype: "DT_FLOAT",
    tensorShape: { dim: shape.map((d) => ({ size: typeof d === "number" ? String(d) : "-1" })) },
  });
  const signature = { inputs: Object.create(null) as Record<string, TensorInfo>, outputs: Object.create(null) as Record<string, TensorInfo> };
  plan.inputs.forEach((v, i) => {
    ctx.tensors.set(v.node.name, b.node(inputNames[i]!, "Placeholder", [], { dtype: attr.float32, shape: attr.shape(v.shape) }, true));
    signature.inputs[v.node.name] = info(inputNames[i]!, v.shape);
  });
  const diagnostics = spellEach(computed, ctx.tensors, (v) => (graphEmitters[v.node.op] as GraphEmitter<OpKind>)(v.node as Node<OpKind>, v, ctx));
  if (diagnostics.length > 0) return failed(diagnostics);
  plan.outputs.forEach((o, i) => {
    b.node(outputNames[i]!, "Identity", [tensor(ctx, o.value.node.name)], { T: attr.float32 }, true);
    signature.outputs[o.name] = info(outputNames[i]!, o.value.shape);
  });
  const shards = shardsOf(weightBytes(b.weights));
  const modelJson: GraphModelJson = {
    format: "graph-model",
    generatedBy: `mconv ${version}`,
    convertedBy: `mconv ${version}`,
    signature,
    modelTopology: { node: b.nodes, library: {}, versions: { producer: 1 } },
    weightsManifest: [{ paths: [...shards.keys()], weights: b.weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: w.dtype })) }],
    userDefinedMetadata: { mconv: { model: graph.name, outputNodes: outputNames } },
  };
  return ok({ modelJson, shards });
}
