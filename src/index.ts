// mconv's public API: parse .mconv text, build graphs programmatically, print and read the IR, run the passes,
// interpret (the float64 oracle), compile to a tfjs or plain-JavaScript ES module, export a tfjs GraphModel or an
// ONNX model, and read weights from tfjs layers-models and NumPy files. Nothing else is public.

import { type Diagnostic, type Result, type Source, failed, ok } from "./diagnostics.js";
import { type Target, emitModule } from "./codegen/index.js";
import type { TensorMap } from "./ir/interpret.js";
import type { Graph } from "./ir/node.js";
import { checkFeeds, checkTensorMap, tensorMap } from "./io/feeds.js";
import { readTensorFile } from "./io/tensorFile.js";
import { parseModel } from "./parser/parse.js";
import { type OptLevel, optimize } from "./passes/pipeline.js";

export { type Diagnostic, type Result, type Source, type Span, formatDiagnostic, formatDiagnostics } from "./diagnostics.js";
export { parseModel, type ParseOptions } from "./parser/parse.js";
export * from "./ir/masks.js";
export { GraphBuilder, type Value, type NodeOptions } from "./ir/builder.js";
export type { AnyNode, Conv2dAttrs, Graph, GraphOutput, Node, OpAttrs, OpKind } from "./ir/node.js";
export type { Dim, Padding, TensorType } from "./ir/types.js";
export { opDefs } from "./ir/registry.js";
export { printGraph, type PrintOptions } from "./ir/text/print.js";
export { readGraph } from "./ir/text/read.js";
export { verifyGraph } from "./ir/verify.js";
export { interpret, type Tensor64, type TensorData, type TensorMap } from "./ir/interpret.js";
export { optimize, runPasses, passes, pipelines, type OptLevel, type PipelineOptions } from "./passes/pipeline.js";
export type { Pass, PassContext } from "./passes/pass.js";
export { emitModule, loadCompiled, type Backend, type CompiledModel, type Target } from "./codegen/index.js";
export { emitGraphModel, emitOnnx, type ExportTarget, type GraphModelFiles, type GraphModelJson } from "./codegen/index.js";
export { readNpy, type LoadedTensor } from "./io/npy.js";
export { readNpz } from "./io/npz.js";
export { readLayersModel, readWeightsMap, renameWeights } from "./io/layersModel.js";
export { readTensorFile } from "./io/tensorFile.js";
export { checkFeeds, checkTensorMap } from "./io/feeds.js";
export { initWeights } from "./io/init.js";
export { formatTensorJson } from "./io/tensorJson.js";

export interface CompileOptions {
  readonly target: Target;
  /** Weights to embed: a tensor map, or the text of a tensors JSON file (checked with positions). */
  readonly weights?: TensorMap | Source;
  /** Default 1. */
  readonly level?: OptLevel;
}

function isSource(w: TensorMap | Source): w is Source {
  return typeof (w as Source).text === "string" && typeof (w as Source).name === "string";
}

/** .mconv text → an ES module's source, in one call. Problems come back as diagnostics, never as exceptions. */
export function compile(source: Source, options: CompileOptions): Result<string> {
  const parsed = parseModel(source);
  if (!parsed.ok) return parsed;
  let weights: TensorMap | undefined;
  if (options.weights && isSource(options.weights)) {
    const file = readTensorFile(options.weights);
    if (!file.ok) return file;
    const ds: Diagnostic[] = checkFeeds(parsed.value, "weight", file.value);
    if (ds.length > 0) return failed(ds);
    weights = tensorMap(file.value);
  } else if (options.weights) {
    const ds = checkTensorMap(parsed.value, "weight", options.weights);
    if (ds.length > 0) return failed(ds);
    weights = options.weights;
  }
  const graph: Graph = optimize(parsed.value, { level: options.level, target: options.target, weights });
  const emitted = emitModule(graph, options.target);
  return emitted.ok ? ok(emitted.value, [...parsed.diagnostics, ...emitted.diagnostics]) : emitted;
}
