// Reads a tensors JSON file — `{ "name": { "shape": [...], "data": [...] } }`, data flat and row-major — keeping
// the position of every part, so a mistake is reported at its line and column. Values are checked, never coerced:
// no silent truncation, no NaN from a string, no float32 overflow to Infinity. Keys such as `__proto__` are
// ordinary names here (the result is a Map).

import { type Node as JsonNode, type ParseError, parseTree, printParseErrorCode } from "jsonc-parser";
import { type Diagnostic, type Result, type Source, type Span, error, failed, ok, span } from "../diagnostics.js";

export interface TensorEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
  /** The key, the shape array and the data array in the file. */
  readonly at: { readonly key: Span; readonly shape: Span; readonly data: Span };
}

export interface TensorFile {
  readonly source: Source;
  readonly entries: ReadonlyMap<string, TensorEntry>;
  /** The top-level object, where a missing tensor is reported. */
  readonly at: Span;
}

/** The largest number of values one tensor in a file may hold (1 Gi values = 4 GiB as float32). */
export const MAX_TENSOR_VALUES = 2 ** 30;

function nodeSpan(source: Source, n: JsonNode): Span {
  return span(source, n.offset, n.offset + n.length);
}

function describe(n: JsonNode): string {
  return n.type === "array" ? "a list" : n.type === "object" ? "an object" : n.type === "null" ? "null" : `${n.type} ${JSON.stringify(n.value)}`;
}

export interface TensorFileOptions {
  /** Accept NaN and ±Infinity: written "NaN", "Infinity", "-Infinity" (as mconv writes them) or as overflowing numbers. */
  readonly allowNonFinite?: boolean;
}

const NON_FINITE: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };

function readEntry(source: Source, keyNode: JsonNode, value: JsonNode, ds: Diagnostic[], options: TensorFileOptions): TensorEntry | undefined {
  const name = keyNode.value as string;
  const keySpan = nodeSpan(source, keyNode);
  if (value.type !== "object") {
    ds.push(error("MC5012", `tensor '${name}' must be an object {"shape": [...], "data": [...]}, got ${describe(value)}`, nodeSpan(source, value)));
    return undefined;
  }
  let shapeNode: JsonNode | undefined;
  let dataNode: JsonNode | undefined;
  for (const prop of value.children ?? []) {
    const [k, v] = prop.children as [JsonNode, JsonNode | undefined];
    if (!v) continue;
    if (k.value === "shape" && !shapeNode) shapeNode = v;
    else if (k.value === "data" && !dataNode) dataNode = v;
    else {
      const why = k.value === "shape" || k.value === "data" ? "appears twice" : "is not a tensor field (expected \"shape\" and \"data\")";
      ds.push(error("MC5012", `tensor '${name}': key ${JSON.stringify(k.value)} ${why}`, nodeSpan(source, k)));
      return undefined;
    }
  }
  if (!shapeNode || !dataNode) {
    ds.push(error("MC5012", `tensor '${name}' needs both "shape" and "data"`, nodeSpan(source, value)));
    return undefined;
  }
  const shape: number[] = [];
  for (const d of shapeNode.type === "array" ? (shapeNode.children ?? []) : []) {
    if (d.type !== "number" || !Number.isInteger(d.value) || d.value < 0) {
      ds.push(error("MC5013", `tensor '${name}': a shape holds whole numbers ≥ 0, got ${describe(d)}`, nodeSpan(source, d)));
      return undefined;
    }
    shape.push(d.value as number);
  }
  if (shapeNode.type !== "array") {
    ds.push(error("MC5013", `tensor '${name}': "shape" must be a list of sizes, got ${describe(shapeNode)}`, nodeSpan(source, shapeNode)));
    return undefined;
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > MAX_TENSOR_VALUES) {
    ds.push(error("MC5013", `tensor '${name}' of shape [${shape.join(", ")}] would hold ${count} values, more than the limit of ${MAX_TENSOR_VALUES}`, nodeSpan(source, shapeNode)));
    return undefined;
  }
  if (dataNode.type !== "array") {
    ds.push(error("MC5014", `tensor '${name}': "data" must be a flat list of numbers, got ${describe(dataNode)}`, nodeSpan(source, dataNode)));
    return undefined;
  }
  const items = dataNode.children ?? [];
  if (items.length !== count) {
    ds.push(
      error("MC5014", `tensor '${name}' has shape [${shape.join(", ")}], which needs ${count} values, but "data" holds ${items.length}`, nodeSpan(source, dataNode)),
    );
    return undefined;
  }
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const v = items[i]!;
    const special = options.allowNonFinite && v.type === "string" ? NON_FINITE[v.value as string] : undefined;
    if (v.type !== "number" && special === undefined) {
      ds.push(error("MC5014", `tensor '${name}': value ${i} must be a number, got ${describe(v)}`, nodeSpan(source, v)));
      return undefined;
    }
    const x = special ?? (v.value as number);
    if (!Number.isFinite(Math.fround(x)) && !options.allowNonFinite) {
      const text = source.text.slice(v.offset, v.offset + v.length);
      ds.push(error("MC5015", `tensor '${name}': value ${i} (${text}) is not a finite float32; --allow-non-finite accepts it`, nodeSpan(source, v)));
      return undefined;
    }
    data[i] = x;
  }
  return { name, shape, data, at: { key: keySpan, shape: nodeSpan(source, shapeNode), data: nodeSpan(source, dataNode) } };
}

/** A tensors file is at most an object of objects of lists: deeper nesting is refused before parsing. */
const MAX_JSON_NESTING = 64;

/** Where brackets first nest deeper than the limit (strings skipped), or -1. */
function tooDeep(text: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > MAX_JSON_NESTING) return i;
    } else if (c === 93 || c === 125) depth--;
  }
  return -1;
}

/** Parses and checks a tensors file; every problem is reported with its position. */
export function readTensorFile(source: Source, options: TensorFileOptions = {}): Result<TensorFile> {
  const deep = tooDeep(source.text);
  if (deep >= 0) {
    return failed([error("MC5011", `brackets nest more than ${MAX_JSON_NESTING} deep; a tensors file is {"name": {"shape": [...], "data": [...]}}`, span(source, deep, deep + 1))]);
  }
  const parseErrors: ParseError[] = [];
  // A byte-order mark is not JSON, but editors write one; skip it (offsets stay those of the file).
  const text = source.text.charCodeAt(0) === 0xfeff ? " " + source.text.slice(1) : source.text;
  const root = parseTree(text, parseErrors, { disallowComments: true, allowTrailingComma: false });
  if (parseErrors.length > 0 || !root) {
    const ds = parseErrors.map((e) =>
      error(
        "MC5011",
        `this is not valid JSON: ${printParseErrorCode(e.error).replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()}`,
        // jsonc-parser may place an error at or past the end of the text: keep the span inside it.
        span(source, Math.min(e.offset, source.text.length), Math.min(e.offset + Math.max(e.length, 1), source.text.length)),
      ),
    );
    return failed(ds.length > 0 ? ds : [error("MC5011", "the file is empty; expected a JSON object of tensors", span(source, 0, 0))]);
  }
  if (root.type !== "object") {
    return failed([error("MC5012", `expected a JSON object {"name": {"shape": [...], "data": [...]}}, got ${describe(root)}`, nodeSpan(source, root))]);
  }
  const ds: Diagnostic[] = [];
  const entries = new Map<string, TensorEntry>();
  for (const prop of root.children ?? []) {
    const [keyNode, value] = prop.children as [JsonNode, JsonNode | undefined];
    if (!value) continue;
    const prior = entries.get(keyNode.value as string);
    if (prior) {
      ds.push(error("MC5012", `tensor '${keyNode.value}' is given twice`, nodeSpan(source, keyNode), [{ message: "first given here", span: prior.at.key }]));
      continue;
    }
    const entry = readEntry(source, keyNode, value, ds, options);
    if (entry) entries.set(entry.name, entry);
  }
  return ds.length > 0 ? failed(ds) : ok({ source, entries, at: span(source, root.offset, root.offset + 1) });
}
