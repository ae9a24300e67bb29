// What a backend's emitter table looks like and how an emitted module is put together: module text = header +
// imports + helpers + `export async function load`, and loadCompiled evaluates the same code, imports injected.

import type { Diagnostic } from "../diagnostics.js";
import type { AnyNode, Node, OpKind } from "../ir/node.js";
import { printNode } from "../ir/text/print.js";
import { jsComment } from "./escape.js";
import type { PlannedValue } from "./lower.js";

/** The code one node contributes. Lines carry their own relative indentation; the generator places them. */
export interface Emitted {
  /** Run once in `load()` before the node's code: scratch buffers, work on load-time operands. */
  readonly setup?: readonly string[];
  /** Identifiers made by `setup` that must outlive load()'s scope (tfjs: tensors kept out of the load tidy). */
  readonly keep?: readonly string[];
  /** The node's computation: in `load()` for a load-time value, in every call for a run-time one. */
  readonly code: readonly string[];
  /**
   * The operands `code` reads, when it reads only some: the others served `setup` alone (a kernel masked and split
   * in load()), so a run-time node need not keep them. All operands when absent.
   */
  readonly reads?: readonly string[];
}

/** Spells one op for one backend; a Diagnostic (MC4xxx) when the backend cannot, never a silent fallback. */
export type Emitter<K extends OpKind, C> = (node: Node<K>, value: PlannedValue, ctx: C) => Emitted | Diagnostic;

/** One emitter per op: a new op without an emitter is a type error. */
export type EmitterTable<C> = { readonly [K in OpKind]: Emitter<K, C> };

export function emitValue<C>(table: EmitterTable<C>, value: PlannedValue, ctx: C): Emitted | Diagnostic {
  const emit = table[value.node.op] as Emitter<OpKind, C>;
  return emit(value.node as Node<OpKind>, value, ctx);
}

export function isDiagnostic(x: Emitted | Diagnostic): x is Diagnostic {
  return "code" in x && typeof x.code === "string";
}

/** An emitted ES module in pieces, so that the in-process loader runs exactly the text the module holds. */
export interface ModuleParts {
  /** `//` comments: what the module is and where it came from. */
  readonly header: string;
  /** Import statements; they define exactly the identifiers in `injects`. */
  readonly imports: string;
  /** Identifiers the body uses from the imports, in the order loadCompiled passes them. */
  readonly injects: readonly string[];
  /** The helper functions `load` uses. */
  readonly helpers: string;
  /** The doc comment of `load`. */
  readonly loadDoc: string;
  /** `async function load(weights, options) {...}`: the module exports it; loadCompiled's evaluation returns it. */
  readonly load: string;
}

/** The ES module: header, imports, helpers and `export async function load`. */
export function moduleText(parts: ModuleParts): string {
  const imports = parts.imports ? `${parts.imports}\n\n` : "";
  return `${parts.header}\n${imports}${parts.helpers}\n${parts.loadDoc}\nexport ${parts.load}`;
}

/** The same code as a function body taking the imports as parameters and returning `load`. */
export function functionBody(parts: ModuleParts): string {
  return `"use strict";\n${parts.helpers}\n${parts.load}\nreturn load;\n`;
}

/** Indents every non-empty line by `depth` levels of two spaces. */
export function indent(lines: readonly string[], depth: number): string[] {
  const pad = "  ".repeat(depth);
  return lines.map((l) => (l.length > 0 ? pad + l : l));
}

/**
 * `indent(lines, depth)` joined by newlines, as one element (none for no lines), for a list of lines that is joined
 * by newlines afterwards: a large body is joined run by run rather than copied line by line first.
 */
export function indentJoined(lines: readonly string[], depth: number): string[] {
  if (lines.length === 0) return [];
  const pad = "  ".repeat(depth);
  const separator = `\n${pad}`;
  const pieces: string[] = [];
  let start = 0;
  // Runs of non-empty lines get the padding in their separator; empty lines stay empty.
  for (let i = 0; i <= lines.length; i++) {
    if (i < lines.length && lines[i]!.length > 0) continue;
    if (i > start) pieces.push(pad + lines.slice(start, i).join(separator));
    if (i < lines.length) pieces.push("");
    start = i + 1;
  }
  return [pieces.join("\n")];
}

/** The node's IR line as a comment: model names reach the code only this way (escaped by jsComment). */
export function nodeComment(node: AnyNode): string {
  return jsComment(printNode(node));
}
