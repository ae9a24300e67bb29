// load("file.json"): a mask read from a JSON file next to the model, either a nested list of numbers or
// {"shape": [...], "data": [...]}. File access comes from parseModel's options; without it load() is an error.
// Every problem is MC2028 at the load() call.

import { type Diagnostic, type Span, error } from "../../diagnostics.js";
import { type MaskData, maskSizeProblem } from "../../ir/masks.js";

/** `dir/of/model.mconv` + `masks/a.json` → `dir/of/masks/a.json`; absolute paths stay as they are. */
export function resolveNextTo(modelPath: string, path: string): string {
  if (path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)) return path;
  const cut = Math.max(modelPath.lastIndexOf("/"), modelPath.lastIndexOf("\\"));
  return cut < 0 ? path : `${modelPath.slice(0, cut + 1)}${path}`;
}

/** The shape of a rectangular nested list and its values, or why it is not one. */
function nestedList(value: unknown): { shape: number[]; data: unknown[] } | string {
  const shape: number[] = [];
  for (let v: unknown = value; Array.isArray(v) && shape.length <= 4; v = v[0]) shape.push(v.length);
  if (shape.length > 4) return "a mask has one to four axes";
  const data: unknown[] = [];
  const visit = (v: unknown, depth: number): string | undefined => {
    if (depth === shape.length) {
      data.push(v);
      return undefined;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) return `the lists are ragged or nest unequally at depth ${depth + 1}`;
    for (const item of v) {
      const why = visit(item, depth + 1);
      if (why) return why;
    }
    return undefined;
  };
  return visit(value, 0) ?? { shape, data };
}

/** The mask a JSON text holds, or why it holds none. */
export function maskFromJson(text: string): MaskData | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return `it is not valid JSON (${(e as Error).message})`;
  }
  let shape: unknown;
  let values: unknown[];
  if (Array.isArray(value)) {
    const list = nestedList(value);
    if (typeof list === "string") return list;
    shape = list.shape;
    values = list.data;
  } else if (typeof value === "object" && value !== null && "shape" in value && "data" in value) {
    shape = (value as { shape: unknown }).shape;
    const data = (value as { data: unknown }).data;
    if (!Array.isArray(data)) return `its "data" is not a list of numbers`;
    values = data;
  } else {
    return `it must hold a nested list of numbers or {"shape": [...], "data": [...]}`;
  }
  if (!Array.isArray(shape) || shape.length < 1 || shape.length > 4) return "a mask has one to four axes";
  const dims = shape as unknown[];
  const sizeProblem = dims.every((d) => typeof d === "number") ? maskSizeProblem(dims as number[]) : "its shape must be whole numbers";
  if (sizeProblem) return sizeProblem;
  const count = (dims as number[]).reduce((a, b) => a * b, 1);
  if (values.length !== count) return `its shape [${dims.join(", ")}] needs ${count} values, but it holds ${values.length}`;
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (typeof v !== "number" || !Number.isFinite(Math.fround(v))) return `value ${i + 1} is ${JSON.stringify(v)}, not a finite f32 number`;
    data[i] = v;
  }
  return { shape: dims as number[], data };
}

/** Reads load()'s file; reports (MC2028) at `at` and returns undefined when it cannot. */
export function loadMask(
  path: string,
  modelPath: string,
  readFile: ((path: string) => string | undefined) | undefined,
  at: Span,
  report: (d: Diagnostic) => void,
): MaskData | undefined {
  if (!readFile) {
    report(error("MC2028", `cannot load "${path}": file loading is unavailable here (parseModel was given no readFile option)`, at));
    return undefined;
  }
  const full = resolveNextTo(modelPath, path);
  let text: string | undefined;
  try {
    text = readFile(full);
  } catch {
    text = undefined;
  }
  const where = full === path ? "" : ` (looked for '${full}')`;
  if (text === undefined) {
    report(error("MC2028", `cannot read "${path}"${where}`, at));
    return undefined;
  }
  const mask = maskFromJson(text);
  if (typeof mask === "string") {
    report(error("MC2028", `"${path}" holds no mask: ${mask}`, at));
    return undefined;
  }
  return mask;
}
