// The playground page: wires the editor, the compile step and the panels. Recompiles as the user types (debounced);
// runs only when asked. Everything runs in the browser; nothing is sent anywhere.

import type { Diagnostic } from "../../src/diagnostics.js";
import type { Target } from "../../src/codegen/index.js";
import { type TensorMap } from "../../src/ir/interpret.js";
import { checkFeeds, tensorMap } from "../../src/io/feeds.js";
import { readTensorFile } from "../../src/io/tensorFile.js";
import type { OptLevel } from "../../src/passes/pipeline.js";
import { type Compiled, compileSource } from "./compile.js";
import { Editor } from "./editor.js";
import { type InputsMode, type WeightsMode, inputSymbols, makeInputs } from "./feeds.js";
import { createHighlighter } from "./highlight.js";
import { type RunBackend, maxRelativeDifference, runModel } from "./run.js";
import { formatValue, renderDiagnostics, renderMasks, renderOutputs } from "./view.js";

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

// The examples, bundled as text: `examples/NAME.mconv` and, where there is one, `examples/NAME.inputs.json`.
const models = import.meta.glob<string>("../../examples/*.mconv", { query: "?raw", import: "default", eager: true });
const inputFiles = import.meta.glob<string>("../../examples/*.inputs.json", { query: "?raw", import: "default", eager: true });
const exampleName = (path: string) => path.slice(path.lastIndexOf("/") + 1).replace(/\.mconv$/, "");
const examples = new Map(Object.entries(models).map(([path, text]) => [exampleName(path), { text, inputs: inputFiles[path.replace(/\.mconv$/, ".inputs.json")] }]));

const status = byId<HTMLElement>("status");
const exampleSelect = byId<HTMLSelectElement>("example");
const level = byId<HTMLSelectElement>("level");
const stageSelect = byId<HTMLSelectElement>("ir-stage");
const irView = byId<HTMLElement>("ir");
const target = byId<HTMLSelectElement>("target");
const moduleView = byId<HTMLElement>("module");
const weightsMode = byId<HTMLSelectElement>("weights");
const weightsSeed = byId<HTMLInputElement>("weights-seed");
const inputsMode = byId<HTMLSelectElement>("inputs");
const inputsSeed = byId<HTMLInputElement>("inputs-seed");
const sizes = byId<HTMLElement>("sizes");
const backend = byId<HTMLSelectElement>("backend");
const compare = byId<HTMLInputElement>("compare");
const runButton = byId<HTMLButtonElement>("run");
const runStatus = byId<HTMLElement>("run-status");
const outputs = byId<HTMLElement>("outputs");

let compiled: Compiled | undefined;
let editor: Editor;

function setStatus(el: HTMLElement, state: string, text: string): void {
  el.dataset.state = state;
  el.textContent = text;
}

function showStage(): void {
  const stage = compiled?.stages.find((s) => s.name === stageSelect.value) ?? compiled?.stages[compiled.stages.length - 1];
  irView.textContent = stage?.ir ?? "(no IR: the model has errors)";
}

/** One number field per symbolic dimension of the inputs, keeping values already typed. */
function showSizes(symbols: readonly string[]): void {
  const old = new Map([...sizes.querySelectorAll("input")].map((i) => [i.name, i.value]));
  sizes.replaceChildren(
    ...symbols.map((s) => {
      const label = document.createElement("label");
      const input = Object.assign(document.createElement("input"), { type: "number", min: "1", name: s, value: old.get(s) ?? "1" });
      input.dataset.symbol = s;
      label.append(`${s} = `, input);
      return label;
    }),
  );
}

function recompile(): void {
  const settings = { level: Number(level.value) as OptLevel, weights: weightsMode.value as WeightsMode, seed: Number(weightsSeed.value) || 0, target: target.value as Target };
  compiled = compileSource(editor.text, settings);
  const diagnostics: Diagnostic[] = [...compiled.diagnostics];
  editor.setMarks(diagnostics.filter((d) => d.span).map((d) => ({ start: d.span!.start, end: d.span!.end, severity: d.severity, message: `${d.code}: ${d.message}` })));
  renderDiagnostics(byId("diagnostics"), diagnostics, (s, e) => editor.select(s, e));
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  byId("diag-count").textContent = diagnostics.length === 0 ? "none" : `${errors} error${errors === 1 ? "" : "s"}, ${diagnostics.length - errors} other`;
  const chosen = stageSelect.value;
  stageSelect.replaceChildren(...compiled.stages.map((s) => new Option(s.name === "parsed" || s.name === "final" ? s.name : `after ${s.name}`, s.name)));
  stageSelect.value = compiled.stages.some((s) => s.name === chosen) ? chosen : "final";
  showStage();
  renderMasks(byId("masks"), compiled.masks);
  moduleView.textContent = compiled.module ?? "(no module: see the diagnostics)";
  if (compiled.parsed) showSizes(inputSymbols(compiled.parsed));
  runButton.disabled = !compiled.graph;
  const state = compiled.internalError ? "internal-error" : compiled.graph ? "ready" : "errors";
  setStatus(status, state, compiled.internalError ?? (compiled.graph ? "compiled" : `${errors} error${errors === 1 ? "" : "s"}`));
}

/** The inputs the run panel asks for, or why they cannot be made. */
function currentInputs(c: Compiled): TensorMap | string {
  const graph = c.parsed!;
  if (inputsMode.value === "example") {
    const text = examples.get(exampleSelect.value)?.inputs;
    if (text === undefined) return `the example ${exampleSelect.value} has no inputs file`;
    const file = readTensorFile({ name: `${exampleSelect.value}.inputs.json`, text });
    if (!file.ok) return file.diagnostics.map((d) => d.message).join("\n");
    const problems = checkFeeds(graph, "input", file.value);
    return problems.length > 0 ? problems.map((d) => `${d.code}: ${d.message}`).join("\n") : tensorMap(file.value);
  }
  const given = Object.fromEntries([...sizes.querySelectorAll("input")].map((i) => [i.name, Math.max(1, Math.floor(Number(i.value)) || 1)]));
  return makeInputs(graph, inputsMode.value as InputsMode, Number(inputsSeed.value) || 0, given);
}

async function run(): Promise<void> {
  const c = compiled;
  if (!c?.graph || !c.parsed || !c.weights) return;
  const inputs = currentInputs(c);
  outputs.replaceChildren();
  if (typeof inputs === "string") return setStatus(runStatus, "failed", inputs);
  const chosen = backend.value as RunBackend;
  runButton.disabled = true;
  setStatus(runStatus, "running", `running on ${chosen}…`);
  const result = await runModel(chosen, c.graph, c.parsed, c.weights, inputs);
  runButton.disabled = false;
  if (!result.ok) return setStatus(runStatus, "failed", result.error);
  renderOutputs(outputs, result.outputs);
  let text = `ran on ${chosen} in ${result.ms.toFixed(1)} ms`;
  if (compare.checked && chosen !== "reference") {
    const reference = await runModel("reference", c.graph, c.parsed, c.weights, inputs);
    if (reference.ok) {
      const worst = Math.max(0, ...Object.keys(reference.outputs).map((k) => maxRelativeDifference(result.outputs[k]!, reference.outputs[k]!)));
      text += `; largest difference from the reference interpreter (float64): ${formatValue(worst)} (relative)`;
      runStatus.dataset.difference = String(worst);
    }
  }
  setStatus(runStatus, "done", text);
}

function loadExample(name: string): void {
  const example = examples.get(name);
  if (!example) return;
  editor.text = example.text;
  inputsMode.querySelector<HTMLOptionElement>('option[value="example"]')!.disabled = example.inputs === undefined;
  if (example.inputs === undefined && inputsMode.value === "example") inputsMode.value = "random";
  recompile();
}

async function start(): Promise<void> {
  const highlighter = await createHighlighter();
  let timer: ReturnType<typeof setTimeout> | undefined;
  editor = new Editor(byId("editor"), highlighter, () => {
    clearTimeout(timer);
    setStatus(status, "editing", "…");
    timer = setTimeout(recompile, 150);
  });
  exampleSelect.replaceChildren(...[...examples.keys()].sort().map((n) => new Option(n, n)));
  exampleSelect.value = "seed_static";
  exampleSelect.addEventListener("change", () => loadExample(exampleSelect.value));
  for (const control of [level, target, weightsMode, weightsSeed]) control.addEventListener("change", recompile);
  stageSelect.addEventListener("change", showStage);
  runButton.addEventListener("click", () => void run());
  loadExample(exampleSelect.value);
}

start().catch((cause) => setStatus(status, "broken", `the playground failed to start: ${cause instanceof Error ? cause.message : String(cause)}`));
