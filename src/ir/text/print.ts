// The textual IR: one line per node, `%name = op(%a, %b) {attr=value} : f32[...]`, deterministic, names from the
// source. Large constants print elided (`<54 values, 18 zero>`) so snapshots stay readable. read.ts is its inverse.

import type { AnyNode, Graph } from "../node.js";
import type { AttrKind } from "../ops/def.js";
import { opDef } from "../registry.js";
import { formatType } from "../types.js";

export interface PrintOptions {
  /** Constants with more values than this print as `<N values, Z zero>`. Default 16; Infinity prints all. */
  readonly elideAbove?: number;
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** `%y.kernel`, or `%"odd name"` when the name is not plain. */
export function formatValueName(name: string): string {
  return PLAIN_NAME.test(name) ? `%${name}` : `%${JSON.stringify(name)}`;
}

function formatOutputName(name: string): string {
  return PLAIN_NAME.test(name) ? name : JSON.stringify(name);
}

/** Shortest text that reads back as the same float32 (constants are f32: 0.1 prints as 0.1, not 0.10000000149). */
export function formatNumber(v: number): string {
  if (Object.is(v, -0)) return "-0";
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  const f = Math.fround(v);
  for (let digits = 1; digits < 17; digits++) {
    const text = String(Number(f.toPrecision(digits)));
    if (Math.fround(Number(text)) === f) return text;
  }
  return String(v);
}

function nested(data: Float32Array, shape: readonly number[], offset = 0, axis = 0): string {
  if (axis === shape.length) return formatNumber(data[offset]!);
  const step = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const parts: string[] = [];
  for (let i = 0; i < shape[axis]!; i++) parts.push(nested(data, shape, offset + i * step, axis + 1));
  return `[${parts.join(",")}]`;
}

/** A constant's data or an input's support: a nested literal, or `<N values, Z zero>` when longer than `elideAbove`. */
function formatData(data: Float32Array, shape: readonly number[], elideAbove: number): string {
  if (data.length > elideAbove) {
    let zeros = 0;
    for (const v of data) if (v === 0) zeros++;
    return `<${data.length} values, ${zeros} zero>`;
  }
  return nested(data, shape);
}

function formatAttr(kind: AttrKind, value: unknown, node: AnyNode, elideAbove: number): string {
  switch (kind) {
    case "int":
      return String(value);
    case "float":
      return formatNumber(value as number);
    case "int-pair":
    case "ints":
    case "dims":
      return `[${(value as readonly (number | string)[]).join(",")}]`;
    case "padding":
      return typeof value === "string" ? value : `[${(value as readonly number[]).join(",")}]`;
    case "word":
      return String(value);
    case "support":
      return formatData(value as Float32Array, node.type.shape as number[], elideAbove);
    case "type-shape":
    case "data":
      return "";
  }
}

/** One node as a line of IR text (without indentation). */
export function printNode(node: AnyNode, options: PrintOptions = {}): string {
  const def = opDef(node.op);
  const operands = node.operands.map(formatValueName).join(", ");
  let text = `${formatValueName(node.name)} = ${node.op}`;
  if (node.operands.length > 0) text += `(${operands})`;
  const elideAbove = options.elideAbove ?? 16;
  if (node.op === "constant") text += ` ${formatData(node.attrs.data, node.attrs.shape as number[], elideAbove)}`;
  const values = node.attrs as Record<string, unknown>;
  // Optional attributes (an input's support) print only when present.
  const attrs = Object.entries(def.attrs as Record<string, AttrKind>)
    .filter(([key, kind]) => kind !== "type-shape" && kind !== "data" && values[key] !== undefined)
    .map(([key, kind]) => `${key}=${formatAttr(kind, values[key], node, elideAbove)}`);
  if (attrs.length > 0) text += ` {${attrs.join(", ")}}`;
  return `${text} : ${formatType(node.type)}`;
}

/** The whole graph as IR text; equal graphs print equal text. */
export function printGraph(graph: Graph, options: PrintOptions = {}): string {
  const lines = [`graph ${formatOutputName(graph.name)} {`];
  for (const node of graph.nodes) lines.push(`  ${printNode(node, options)}`);
  for (const out of graph.outputs) lines.push(`  output ${formatOutputName(out.name)} = ${formatValueName(out.value)}`);
  lines.push("}");
  return lines.join("\n") + "\n";
}
