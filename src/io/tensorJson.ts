// Writes tensors as the JSON that mconv reads: `{ "name": { "shape": [...], "data": [...] } }`, one tensor per
// line, float32 values in their shortest exact spelling, -0 kept. JSON has no NaN or Infinity: outputs that hold
// them are written as the strings "NaN", "Infinity" and "-Infinity" rather than silently as null or a number
// (mconv refuses them as inputs: a tensors file holds finite values).

import { formatNumber } from "../ir/text/print.js";

function jsonNumber(v: number): string {
  if (Number.isNaN(v)) return '"NaN"';
  if (!Number.isFinite(v)) return v > 0 ? '"Infinity"' : '"-Infinity"';
  return formatNumber(v);
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
