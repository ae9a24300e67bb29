// What must hold for every input of every text entry point, as plain functions that throw a FuzzFailure naming
// the broken property: the call returns (a throw, InternalError included, is a bug), within bounds.ms (a hang
// detector, not a speed test), every diagnostic is well-formed and prints safely, a success verifies and
// round-trips through the IR text, and the same input twice gives the same answer. Used by the vitest suites and
// by the campaign.

import { type Diagnostic, type Source, type Span, formatDiagnostic, hasErrors } from "../../src/diagnostics.js";
import type { Graph } from "../../src/ir/node.js";
import { printGraph } from "../../src/ir/text/print.js";
import { readGraph } from "../../src/ir/text/read.js";
import { verifyGraph } from "../../src/ir/verify.js";
import { readTensorFile } from "../../src/io/tensorFile.js";
import { formatTensorJson } from "../../src/io/tensorJson.js";
import { emitModule } from "../../src/codegen/index.js";
import { parseModel } from "../../src/parser/parse.js";
import { optimize } from "../../src/passes/pipeline.js";
import { MASK_FILES } from "./corpus.js";
import { hugeKernel } from "./known.js";

/**
 * Above `ms` one call is taken for a hang; generated inputs are small, so a healthy call takes milliseconds. The
 * campaign raises it for its enormous inputs.
 */
export const bounds = { ms: Number(process.env["MCONV_FUZZ_MAX_MS"] ?? 2000) };

export class FuzzFailure extends Error {
  constructor(property: string, detail: string) {
    super(`${property}: ${detail}`);
    this.name = "FuzzFailure";
  }
}

function fail(property: string, detail: string): never {
  throw new FuzzFailure(property, detail);
}

/** Runs `f`, turning a throw into a failure of "returns" and a slow return into one of "bounded time". */
export function timed<T>(what: string, f: () => T, maxMs = bounds.ms): T {
  const start = performance.now();
  let value: T;
  try {
    value = f();
  } catch (e) {
    const err = e as Error;
    fail("returns without throwing", `${what} threw ${err?.name ?? typeof e}: ${err?.message ?? String(e)}\n${err?.stack?.split("\n").slice(1, 8).join("\n") ?? ""}`);
  }
  const ms = performance.now() - start;
  if (ms > maxMs) fail("bounded time", `${what} took ${ms.toFixed(0)} ms (limit ${maxMs} ms)`);
  return value;
}

/** Terminal controls and the bidirectional overrides of "Trojan Source": neither may reach a terminal raw. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

function checkSpan(s: Span, sources: readonly Source[], what: string): void {
  if (!sources.some((src) => src === s.source || src.text === s.source.text)) fail("span in the source", `${what} points into another text (${s.source.name})`);
  const n = s.source.text.length;
  if (!(Number.isInteger(s.start) && Number.isInteger(s.end) && 0 <= s.start && s.start <= s.end && s.end <= n)) {
    fail("span in the source", `${what} has span ${s.start}..${s.end} outside 0..${n}`);
  }
}

/** Codes, spans, and a formatted text with nothing unsafe and exactly the lines its parts call for. */
export function checkDiagnostics(ds: readonly Diagnostic[], sources: readonly Source[], codes = /^MC\d{4}$/): void {
  for (const d of ds) {
    const what = `${d.code} "${d.message.slice(0, 120)}"`;
    if (!codes.test(d.code)) fail("diagnostic code", `${what}: code does not match ${codes}`);
    if (d.message.trim().length === 0) fail("diagnostic message", `${d.code} has an empty message`);
    if (d.span) checkSpan(d.span, sources, what);
    for (const note of d.notes) if (note.span) checkSpan(note.span, sources, `a note of ${what}`);
    const text = timed(`formatDiagnostic(${d.code})`, () => formatDiagnostic(d));
    const unsafe = UNSAFE.exec(text);
    if (unsafe) fail("safe formatting", `${what} prints U+${unsafe[0].codePointAt(0)!.toString(16).padStart(4, "0")} raw:\n${JSON.stringify(text)}`);
    const expectedLines = 1 + (d.span ? 2 : 0) + d.notes.reduce((k, note) => k + 1 + (note.span ? 2 : 0), 0);
    const lines = text.split("\n").length;
    if (lines !== expectedLines) fail("safe formatting", `${what} prints ${lines} lines, expected ${expectedLines}:\n${text}`);
  }
}

/** ok exactly when no error was reported; a failure says why. */
function checkOutcome(r: { ok: boolean; diagnostics: readonly Diagnostic[] }, what: string): void {
  if (r.ok && hasErrors(r.diagnostics)) fail("consistent result", `${what} succeeded with errors`);
  if (!r.ok && !hasErrors(r.diagnostics)) fail("consistent result", `${what} failed without an error diagnostic`);
}

/** A stable fingerprint of a result, to compare two runs. */
function fingerprint(r: { ok: boolean; diagnostics: readonly Diagnostic[] }, printed?: string): string {
  const ds = r.diagnostics.map((d) => [d.severity, d.code, d.message, d.span?.start, d.span?.end, d.notes.map((n) => [n.message, n.span?.start, n.span?.end])]);
  return JSON.stringify([r.ok, ds, printed]);
}

/** A graph that was accepted: it verifies, and its printed IR reads back to the same printed IR. */
export function checkGraph(graph: Graph, what: string): string {
  const problems = timed("verifyGraph", () => verifyGraph(graph));
  if (problems.length > 0) fail("verifies", `${what} gave a graph the verifier rejects: ${problems.map((d) => d.message).join("; ")}`);
  const printed = timed("printGraph", () => printGraph(graph, { elideAbove: Infinity }));
  const source = { name: "<ir>", text: printed };
  // The IR of a model with large constants is long: reading it back may take a second per few megabytes.
  const again = timed("readGraph of printed IR", () => readGraph(source), bounds.ms + printed.length / 1000);
  if (!again.ok) fail("IR round trip", `the printed IR does not read back: ${again.diagnostics.map(formatDiagnostic).join("\n")}\n${printed}`);
  const reprinted = printGraph(again.value, { elideAbove: Infinity });
  if (reprinted !== printed) fail("IR round trip", `printGraph(readGraph(printed)) differs:\n${printed}\n---\n${reprinted}`);
  return printed;
}

/**
 * A graph the front end accepted also gets through the back end: both pipelines with the verifier after every
 * pass, and code generation for both targets, end in a module or in well-formed diagnostics, never a throw.
 */
export function checkCompiles(graph: Graph, sources: readonly Source[]): void {
  for (const level of [0, 1] as const) {
    const optimized = timed(`optimize -O${level} --verify`, () => optimize(graph, { level, verify: true }));
    if (hugeKernel(graph)) continue;
    for (const target of ["js", "tfjs"] as const) {
      const emitted = timed(`emitModule ${target} after -O${level}`, () => emitModule(optimized, target));
      checkOutcome(emitted, `emitModule ${target}`);
      checkDiagnostics(emitted.diagnostics, sources);
    }
  }
}

/**
 * parseModel on `text`: every property above, and with `compile` checkCompiles; `files` are what load() reads.
 * Returns whether it parsed.
 */
export function checkParse(text: string, compile = true, files: Readonly<Record<string, string>> = MASK_FILES): boolean {
  const source: Source = { name: "fuzz.mconv", text };
  const readFile = (path: string): string | undefined => files[path];
  const r = timed("parseModel", () => parseModel(source, { readFile }));
  checkOutcome(r, "parseModel");
  checkDiagnostics(r.diagnostics, [source]);
  const printed = r.ok ? checkGraph(r.value, "parseModel") : undefined;
  if (r.ok && compile) checkCompiles(r.value, [source]);
  const again = timed("parseModel (again)", () => parseModel({ name: "fuzz.mconv", text }, { readFile }));
  const printedAgain = again.ok ? printGraph(again.value, { elideAbove: Infinity }) : undefined;
  if (fingerprint(again, printedAgain) !== fingerprint(r, printed)) fail("deterministic", "parseModel gave another answer the second time");
  return r.ok;
}

/** readGraph on `text`: every property above, and with `compile` checkCompiles. Returns whether it read. */
export function checkReadGraph(text: string, compile = true): boolean {
  const source: Source = { name: "fuzz.ir", text };
  const r = timed("readGraph", () => readGraph(source));
  checkOutcome(r, "readGraph");
  checkDiagnostics(r.diagnostics, [source]);
  const printed = r.ok ? checkGraph(r.value, "readGraph") : undefined;
  if (r.ok && compile) checkCompiles(r.value, [source]);
  const again = timed("readGraph (again)", () => readGraph({ name: "fuzz.ir", text }));
  const printedAgain = again.ok ? printGraph(again.value, { elideAbove: Infinity }) : undefined;
  if (fingerprint(again, printedAgain) !== fingerprint(r, printed)) fail("deterministic", "readGraph gave another answer the second time");
  return r.ok;
}

/**
 * readTensorFile on `text`: every property above; an accepted file holds whole shapes, data of the right length
 * and finite float32 values, and writes back (formatTensorJson) to a file that reads to the same tensors.
 */
export function checkTensorFile(text: string): boolean {
  const source: Source = { name: "fuzz.json", text };
  const r = timed("readTensorFile", () => readTensorFile(source));
  checkOutcome(r, "readTensorFile");
  checkDiagnostics(r.diagnostics, [source]);
  const again = timed("readTensorFile (again)", () => readTensorFile({ name: "fuzz.json", text }));
  if (fingerprint(again) !== fingerprint(r)) fail("deterministic", "readTensorFile gave another answer the second time");
  if (!r.ok) return false;
  const tensors: Record<string, { shape: readonly number[]; data: Float32Array }> = Object.create(null);
  for (const [name, e] of r.value.entries) {
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (!e.shape.every((d) => Number.isInteger(d) && d >= 0)) fail("accepted tensors are sound", `'${name}' has shape [${e.shape}]`);
    if (e.data.length !== count) fail("accepted tensors are sound", `'${name}' has ${e.data.length} values for shape [${e.shape}]`);
    if (!e.data.every(Number.isFinite)) fail("accepted tensors are sound", `'${name}' holds a non-finite value`);
    tensors[name] = { shape: e.shape, data: e.data };
  }
  const written = timed("formatTensorJson", () => formatTensorJson(tensors));
  const back = timed("readTensorFile of written JSON", () => readTensorFile({ name: "written.json", text: written }));
  if (!back.ok) fail("tensor round trip", `the written file does not read back: ${back.diagnostics.map(formatDiagnostic).join("\n")}`);
  for (const [name, e] of r.value.entries) {
    const b = back.value.entries.get(name);
    const same = b && b.shape.join() === e.shape.join() && b.data.length === e.data.length && e.data.every((v, i) => Object.is(v, b.data[i]));
    if (!same) fail("tensor round trip", `'${name}' reads back differently`);
  }
  if (back.value.entries.size !== r.value.entries.size) fail("tensor round trip", "the written file holds another number of tensors");
  return true;
}
