// The tfjs target: an ES module that runs the graph with tfjs ops on the wasm (default), cpu or tfjs-node backend.
// load() computes the load-time values once inside a tidy and keeps only those the calls use; each call runs in a
// tidy, reads its outputs with data() and disposes them, so no tensor outlives a call.

import { type Diagnostic, type Result, failed, ok } from "../../diagnostics.js";
import { type Emitted, type ModuleParts, emitValue, indent, indentJoined, isDiagnostic, nodeComment } from "../emitter.js";
import { jsIdentifier } from "../escape.js";
import { feedLines, headerLines, needsSupportHelper, outputLines, symbolLines } from "../interface.js";
import type { Plan, PlannedValue } from "../lower.js";
import { type HelperName, helperSource } from "../runtime.js";
import type { TfjsContext } from "./context.js";
import { tfjsEmitters } from "./ops.js";

const IMPORTS = [
  `import * as tf from "@tensorflow/tfjs";`,
  `import "@tensorflow/tfjs-backend-wasm";`,
  `// Optional peer dependency, loaded only when the "tensorflow" backend is asked for.`,
  `const importTfjsNode = () => import("@tensorflow/tfjs-node");`,
].join("\n");

const USE_BACKEND = `/** Starts a tfjs backend: "wasm" (the default), "cpu", or "tensorflow" (needs @tensorflow/tfjs-node). */
async function useBackend(name) {
  if (name === "tensorflow" && tf.findBackendFactory(name) == null) {
    try {
      await importTfjsNode();
    } catch (cause) {
      throw new Error("the tensorflow backend needs the optional package @tensorflow/tfjs-node, which is not " +
        "installed (npm install @tensorflow/tfjs-node): " + (cause instanceof Error ? cause.message : String(cause)));
    }
  }
  if (tf.findBackendFactory(name) == null) throw new Error("tfjs has no backend named '" + name + "'");
  if (!(await tf.setBackend(name))) throw new Error("the tfjs backend '" + name + "' failed to start");
  await tf.ready();
}
`;

/**
 * Load-time values the calls read (operands that run-time code reads, and outputs): kept out of load()'s tidy.
 * Operands a node used only in its setup (a kernel split in load()) are not kept; the setup's products are, and
 * so are `alsoKept` (names of values whose data load() reads after its tidy).
 */
function keptValues(plan: Plan, emitted: ReadonlyMap<PlannedValue, Emitted>, alsoKept: ReadonlySet<string>): string[] {
  const kept = new Set<string>(alsoKept);
  for (const [v, e] of emitted) {
    if (v.stage !== "run") continue;
    for (const o of e.reads ?? v.node.operands) if (plan.value(o).stage === "load") kept.add(o);
  }
  for (const o of plan.outputs) if (o.value.stage === "load") kept.add(o.value.node.name);
  return plan.values.filter((v) => kept.has(v.node.name)).map((v) => v.id);
}

/**
 * The run-time values some call needs as tensors: the outputs and what those read, transitively. A fed mask the
 * convs multiply in JS (and its slices) is left out, so no tensor is made of it.
 */
function tensorsRead(plan: Plan, emitted: ReadonlyMap<PlannedValue, Emitted>): Set<string> {
  const read = new Set(plan.outputs.map((o) => o.value.node.name));
  for (const [v, e] of [...emitted].reverse()) {
    if (v.stage === "run" && read.has(v.node.name)) for (const o of e.reads ?? v.node.operands) read.add(o);
  }
  return read;
}

/** Emits the tfjs module for a plan: imports of tfjs and its wasm backend, helpers and `load`. */
export function emitTfjs(plan: Plan): Result<ModuleParts> {
  const helpers = new Set<HelperName>(["feed"]);
  if (needsSupportHelper(plan)) helpers.add("support");
  const fedId = (v: PlannedValue) => jsIdentifier(`d${v.id.slice(1)}`);
  const ctx: TfjsContext = { plan, helpers, fedId, afterLoad: [], keepAfterLoad: new Set() };
  const diagnostics: Diagnostic[] = [];
  const emitted = new Map<PlannedValue, Emitted>();
  for (const v of plan.values) {
    if (!v.needed) continue;
    const e = emitValue(tfjsEmitters, v, ctx);
    if (isDiagnostic(e)) diagnostics.push(e);
    else emitted.set(v, e);
  }
  if (diagnostics.length > 0) return failed(diagnostics);
  const keep = keptValues(plan, emitted, ctx.keepAfterLoad);
  const keptIds = new Set(keep);
  const keepOnce = (id: string) => {
    if (!keptIds.has(id)) keep.push(id);
    keptIds.add(id);
  };
  const tensors = tensorsRead(plan, emitted);
  const loadLines: string[] = [];
  const runLines: string[] = [];
  for (const [v, e] of emitted) {
    for (const id of e.keep ?? []) keepOnce(id);
    if (v.stage === "run" && !tensors.has(v.node.name)) continue;
    if (v.stage === "load") loadLines.push(nodeComment(v.node), ...(e.setup ?? []), ...e.code);
    else {
      if (e.setup) loadLines.push(`// prepared once for ${v.id}, computed per call`, ...e.setup);
      runLines.push(nodeComment(v.node), ...e.code);
    }
  }

  // Outputs computed per call come back from the tidy; load-time ones are read from the kept tensors.
  const runOutputs = plan.outputs.filter((o) => o.value.stage === "run");
  const results = runOutputs.map((o) => o.value.id);
  const read = (o: Plan["outputs"][number]) =>
    o.value.stage === "run" ? `(await results[${runOutputs.indexOf(o)}].data())` : `(await ${o.value.id}.data())`;
  const keptList = keep.join(", ");

  const load = [
    "async function load(weights, options) {",
    "  const backend = options != null && options.backend != null ? String(options.backend) : \"wasm\";",
    "  const dims = new Map();",
    ...indent(plan.params.flatMap((p) => feedLines(p, fedId(p))), 1),
    "  await useBackend(backend);",
    "  const kept = tf.tidy(() => {",
    ...indentJoined(loadLines, 2),
    `    return { ${keptList} };`,
    "  });",
    ...(keep.length > 0 ? [`  const { ${keptList} } = kept;`] : []),
    ...indent(ctx.afterLoad, 1),
    "  let disposed = false;",
    "",
    "  async function predict(inputs) {",
    "    if (disposed) throw new Error(\"predict() after dispose()\");",
    "    const dims = new Map();",
    ...indent(plan.inputs.flatMap((i) => feedLines(i, fedId(i))), 2),
    ...indent(symbolLines(plan), 2),
    "    if (tf.getBackend() !== backend) await tf.setBackend(backend);",
    "    const results = tf.tidy(() => {",
    ...indentJoined(runLines, 3),
    `      return [${results.join(", ")}];`,
    "    });",
    "    try {",
    ...indent(outputLines(plan, read), 3),
    "    } finally {",
    "      tf.dispose(results);",
    "    }",
    "  }",
    "",
    "  return {",
    "    predict,",
    "    /** Frees the kept tensors; the model cannot predict afterwards. */",
    "    dispose() {",
    "      if (!disposed) {",
    "        disposed = true;",
    "        tf.dispose(kept);",
    "      }",
    "    },",
    "  };",
    "}",
  ].join("\n");
  return ok({
    header: headerLines(plan, "Target tfjs: @tensorflow/tfjs with the wasm, cpu or tfjs-node backend.").join("\n"),
    imports: IMPORTS,
    injects: ["tf", "importTfjsNode"],
    helpers: `${helperSource(helpers)}\n${USE_BACKEND}`,
    loadDoc: `/** Checks the weights, starts the backend (options.backend, default "wasm"), computes load-time values once. */`,
    load: load + "\n",
  });
}
