// The plain-JavaScript target: a standalone, dependency-free ES module of loops over Float32Array. load() checks
// the weights and computes every load-time value once; predict() feeds the inputs and runs the run-time values.

import { type Diagnostic, type Result, failed, ok } from "../../diagnostics.js";
import { type ModuleParts, emitValue, indentJoined, isDiagnostic, nodeComment } from "../emitter.js";
import { feedLines, headerLines, needsSupportHelper, outputLines, symbolLines } from "../interface.js";
import type { Plan } from "../lower.js";
import { helperSource } from "../runtime.js";
import type { CodegenOptions } from "../options.js";
import { JsContext } from "./context.js";
import { jsEmitters } from "./ops.js";

/** Emits the js module for a plan: no imports, helpers and `load`. */
export function emitJs(plan: Plan, options: CodegenOptions = {}): Result<ModuleParts> {
  const ctx = new JsContext(plan, { fastMath: options.fastMath === true });
  ctx.helpers.add("feed");
  if (needsSupportHelper(plan)) ctx.helpers.add("support");
  const diagnostics: Diagnostic[] = [];
  // The bodies of load() and run(), one piece of text per node: each node's lines are indented and joined as they
  // come — the same text as indenting whole bodies at the end, line by line — so that what stays alive until the
  // module is put together is a string per node, not every line of a large model.
  const loadBody: string[] = [];
  const runBody: string[] = [];
  const toLoad = (lines: readonly string[]) => loadBody.push(...indentJoined(lines, 1));
  const toRun = (lines: readonly string[]) => runBody.push(...indentJoined(lines, 2));
  toLoad(["const dims = new Map();"]);
  for (const p of plan.params) toLoad(feedLines(p, p.id));
  toRun(["const dims = new Map();"]);
  for (const i of plan.inputs) toRun(feedLines(i, i.id));
  toRun(symbolLines(plan));

  for (const v of plan.values) {
    if (!v.needed) continue;
    const e = emitValue(jsEmitters, v, ctx);
    if (isDiagnostic(e)) {
      diagnostics.push(e);
      continue;
    }
    const prepared = [...ctx.takeDecls(), ...(e.setup ?? [])];
    // Inputs and params are the fed arrays themselves: nothing to emit.
    if (prepared.length === 0 && e.code.length === 0) continue;
    if (v.stage === "load") {
      toLoad(["", nodeComment(v.node), ...prepared, ...e.code]);
    } else {
      if (prepared.length > 0) toLoad(["", `// prepared once for ${v.id}, computed per call`, ...prepared]);
      toRun(["", nodeComment(v.node), ...e.code]);
    }
  }
  if (diagnostics.length > 0) return failed(diagnostics);
  toRun(["", ...outputLines(plan, (o) => o.value.id)]);

  const load = [
    "async function load(weights, options) {",
    ...loadBody,
    "",
    "  /** One call. Synchronous from start to end: the reused buffers are never shared by two calls at once. */",
    "  function run(inputs) {",
    ...runBody,
    "  }",
    "",
    "  return {",
    "    async predict(inputs) {",
    "      return run(inputs);",
    "    },",
    "    dispose() {},",
    "  };",
    "}",
  ].join("\n");
  return ok({
    header: headerLines(plan, `Target js: plain JavaScript, no dependencies.${ctx.usedWinograd ? " Fast math: Winograd convs (rounding differs from direct sums)." : ""}`).join("\n"),
    imports: "",
    injects: [],
    helpers: helperSource(ctx.helpers),
    loadDoc: [
      "/**",
      " * Checks the weights, computes the load-time values once (packed conv kernels among them) and returns the model.",
      " * predict() returns fresh Float32Arrays that belong to the caller; intermediates and scratch buffers belong to",
      " * the model and are reused from call to call (allocated again only when a batch size changes).",
      " */",
    ].join("\n"),
    load: load + "\n",
  });
}
