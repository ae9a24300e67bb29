// Checks a tensors file against what a model declares — its inputs or its weights: nothing missing, nothing
// extra, every shape equal (symbolic dimensions such as N bound once and consistently). Errors point into the file
// and, in a note, at the declaration in the model.

import { type Diagnostic, type Span, error } from "../diagnostics.js";
import { type TensorMap, outsideSupport, supportMessage } from "../ir/interpret.js";
import type { Graph } from "../ir/node.js";
import { type Dim, fitShape, formatShape } from "../ir/types.js";
import type { TensorFile } from "./tensorFile.js";

export type FeedRole = "input" | "weight";

/** What the model declares for one role: name, shape and where it is declared. */
export function declaredFeeds(graph: Graph, role: FeedRole) {
  const op = role === "input" ? "input" : "param";
  return graph.nodes
    .filter((n) => n.op === op)
    .map((n) => ({ name: n.name, shape: n.type.shape, span: n.span, support: n.op === "input" ? n.attrs.support : undefined }));
}

const KERNEL_NOTE = " [height, width, in_channels, out_channels]";

/** One tensor as the checks see it; `at` holds its key and shape in a file, when it comes from one. */
interface FeedEntry {
  readonly shape: readonly number[];
  readonly values: number;
  readonly data?: ArrayLike<number>;
  readonly at?: { readonly key: Span; readonly shape: Span };
}

/**
 * Diagnostics for every way `file` does not fit the graph's declared inputs or weights. `symbols` collects the
 * sizes bound to symbolic dimensions (e.g. N) so several files can be checked against each other.
 */
export function checkFeeds(graph: Graph, role: FeedRole, file: TensorFile, symbols = new Map<string, number>()): Diagnostic[] {
  const entries = new Map([...file.entries].map(([name, e]) => [name, { shape: e.shape, values: e.data.length, data: e.data, at: e.at }]));
  return checkEntries(graph, role, entries, { name: file.source.name, at: file.at }, symbols);
}

/** The same checks for tensors given in memory (the library's compile()), without file positions. */
export function checkTensorMap(graph: Graph, role: FeedRole, map: TensorMap, symbols = new Map<string, number>()): Diagnostic[] {
  const entries = new Map<string, FeedEntry>();
  const ds: Diagnostic[] = [];
  for (const name of Object.keys(map)) {
    const t = map[name]!;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== count) {
      ds.push(error("MC5014", `tensor '${name}' has shape ${formatShape(t.shape)}, which needs ${count} values, but its data holds ${t.data.length}`));
    }
    entries.set(name, { shape: t.shape, values: t.data.length, data: t.data });
  }
  return [...ds, ...checkEntries(graph, role, entries, { name: `the ${role}s` }, symbols)];
}

function checkEntries(
  graph: Graph,
  role: FeedRole,
  entries: ReadonlyMap<string, FeedEntry>,
  where: { readonly name: string; readonly at?: Span },
  symbols: Map<string, number>,
): Diagnostic[] {
  const ds: Diagnostic[] = [];
  const declared = declaredFeeds(graph, role);
  const names = new Set(declared.map((d) => d.name));
  for (const d of declared) {
    const at = d.span ? [{ message: `'${d.name}' is declared here`, span: d.span }] : [];
    const given = entries.get(d.name);
    if (!given) {
      ds.push(error("MC5021", `${role} '${d.name}' is missing from ${where.name} (expected shape ${formatShape(d.shape)})`, where.at, at));
      continue;
    }
    const problem = shapeProblem(d.shape, given.shape, symbols);
    if (problem !== undefined) {
      const layout = role === "weight" && d.shape.length === 4 && d.name.endsWith(".kernel") ? KERNEL_NOTE : "";
      ds.push(error("MC5023", `${role} '${d.name}' must have shape ${formatShape(d.shape)}${layout}, got ${formatShape(given.shape)}${problem}`, given.at?.shape, at));
    } else if (d.support && given.data && given.data.length === d.support.length) {
      const outside = outsideSupport(d.support, given.data);
      if (outside !== undefined) ds.push(error("MC5025", supportMessage(d.name, given.shape, outside, given.data[outside]!), given.at?.key, at));
    }
  }
  for (const [name, entry] of entries) {
    if (names.has(name)) continue;
    const known = declared.map((d) => `'${d.name}'`).join(", ") || "none";
    ds.push(error("MC5022", `unknown ${role} '${name}'; the model's ${role}s are: ${known}`, entry.at?.key));
  }
  return ds;
}

/** The suffix a shape mismatch adds to its message: why, where the plain shapes do not say it. */
function shapeProblem(declared: readonly Dim[], given: readonly number[], symbols: Map<string, number>): string | undefined {
  const bad = fitShape(declared, given, symbols);
  if (bad === undefined) return undefined;
  if (bad.kind === "rank") return ` (rank ${given.length} instead of ${declared.length})`;
  if (bad.kind === "symbol") return ` (${bad.symbol} is ${bad.bound} elsewhere, ${bad.given} here)`;
  return "";
}

/** The file's tensors as a plain map for interpret() and the backends. */
export function tensorMap(file: TensorFile): TensorMap {
  const map: Record<string, { shape: readonly number[]; data: Float32Array }> = Object.create(null);
  for (const [name, e] of file.entries) map[name] = { shape: e.shape, data: e.data };
  return map;
}
