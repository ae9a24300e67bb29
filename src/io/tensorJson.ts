// Writes tensors as the JSON that mconv reads: `{ "name": { "shape": [...], "data": [...] } }`, one tensor per
// line, float32 values in their shortest exact spelling. JSON has no NaN or Infinity: those are written as the
// strings "NaN", "Infinity" and "-Infinity" so that nothing is lost or silently changed.

import { formatNumber } from "../ir/text/print.js";

function jsonNumber(v: number): string {
  if (Number.isNaN(v)) return '"NaN"';
  if (!Number.isFinite(v)) return v > 0 ? '"Infinity"' : '"-Infinity"';
  return Object.is(v, -0) ? "0" : formatNumber(v);
}

export function formatTensorJson(tensors: Readonly<Record<string, { shape: readonly number[]; data: ArrayLike<number> }>>): string {
  const names = Object.keys(tensors);
  if (names.length === 0) return "{}\n";
  const lines = names.map((name) => {
    const t = tensors[name]!;
    const data = Array.from(t.data, jsonNumber).join(", ");
    return `  ${JSON.stringify(name)}: {"shape": [${t.shape.join(", ")}], "data": [${data}]}`;
  });
  return `{\n${lines.join(",\n")}\n}\n`;
}
