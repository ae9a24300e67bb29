// The state one lowering shares: the graph builder (counting what it makes), the source, file access for load(),
// the declared blocks, and the budget that stops runaway expansion. Also what an op's lowering is handed (OpCall).

import type { CstNode, IToken } from "chevrotain";
import { type Diagnostic, type Source, type Span, error } from "../../diagnostics.js";
import { GraphBuilder, type NodeOptions, type Value } from "../../ir/builder.js";
import type { OpAttrs, OpKind } from "../../ir/node.js";
import type { BlockChildren, Cst } from "../cst.js";
import { nodeSpan, tokenSpan } from "../spans.js";
import type { Val } from "./values.js";

/** Lowering stops with MC2025 after this many nodes, statements and instances: repeat and blocks multiply. */
export const MAX_WORK = 1_000_000;

/** Options of parseModel. */
export interface ParseOptions {
  /** Reads a file for load("…"), by a path already joined to the model file's folder; undefined when unreadable. */
  readonly readFile?: (path: string) => string | undefined;
}

/** A GraphBuilder that counts the nodes it adds, so that expansion can be limited. */
class CountingBuilder extends GraphBuilder {
  added = 0;

  override add<K extends OpKind>(op: K, operands: readonly Value[], attrs: OpAttrs[K], opts: NodeOptions = {}): Value {
    this.added++;
    return super.add(op, operands, attrs, opts);
  }
}

/** Instantiates a block: given by lower.ts, so that calls and blocks do not import each other. */
export type BlockRunner = (block: Cst<BlockChildren>, call: BlockCall) => readonly Value[] | undefined;

/** A call of a block: its evaluated arguments, and where its results go. */
export interface BlockCall {
  readonly args: readonly Arg[];
  readonly target: Target;
  /** The IR name of the instance: the prefix of its names. */
  readonly instance: string;
  /** The call, for notes and missing-argument errors. */
  readonly span: Span;
}

/**
 * One argument as written: `name=value` or a positional value. `span` covers both and `at` the value as written
 * here; `val.span` is where the value comes from (a block's caller, when the value is a parameter's).
 */
export interface Arg {
  readonly name?: IToken;
  readonly val: Val;
  readonly span: Span;
  readonly at: Span;
}

/** Where a call's results go: their IR names, and the names as bound, for arity errors (MC2023). */
export interface Target {
  readonly names: readonly string[];
  /** The bound names as written (`a, b`), where an arity error is reported; a nested call's own span. */
  readonly span: Span;
  /** A call nested in an argument: it must give one value. */
  readonly nested?: boolean;
}

/**
 * Lowering recurses into calls and lists nested in arguments and into blocks instantiated by blocks; past this
 * depth it stops with MC2025 rather than overflowing the stack (a statement nests at most 64 brackets, so this
 * still allows several blocks deep of the most nested statements).
 */
export const MAX_NESTED_CALLS = 256;

/** Semantic errors reported in one run at most; the lowering stops after them. */
export const MAX_ERRORS = 100;

export class Lowerer {
  readonly b: CountingBuilder;
  private readonly seen = new Set<string>();
  private readonly nested = new Set<string>();
  /** Blocks being instantiated, outermost first: a block met again is recursion. */
  readonly stack: string[] = [];
  private work = 0;
  private depth = 0;
  /** Set when the budget is spent: nothing more is lowered. */
  aborted = false;
  runBlock: BlockRunner = () => undefined;

  constructor(
    readonly source: Source,
    modelName: string,
    readonly blocks: ReadonlyMap<string, Cst<BlockChildren>>,
    readonly options: ParseOptions = {},
  ) {
    this.b = new CountingBuilder(modelName);
  }

  /** `y.relu`, then `y.relu.2`, …: the IR name of a call nested in an argument of the call that makes `y`. */
  nestedName(base: string): string {
    let name = base;
    for (let i = 2; this.nested.has(name); i++) name = `${base}.${i}`;
    this.nested.add(name);
    return name;
  }

  /**
   * Reports a problem once (a repeated block would otherwise repeat its errors); past MAX_ERRORS, stops the
   * lowering instead (one statement can hold thousands of errors: `output a, a, a, …`).
   */
  report(d: Diagnostic): void {
    const key = `${d.code}:${d.span?.start}:${d.span?.end}:${d.message}`;
    if (this.seen.has(key) || this.stopped) return;
    this.seen.add(key);
    if (this.b.diagnostics.length < MAX_ERRORS) this.b.report(d);
    else this.stop(d.span);
  }

  /** Set once MC2030 is reported: nothing more is. */
  private stopped = false;

  private stop(at: Span | undefined): void {
    this.aborted = true;
    this.stopped = true;
    this.b.report(error("MC2030", `stopped after ${MAX_ERRORS} errors; fix these and check again`, at));
  }

  at(x: IToken | CstNode): Span {
    return "image" in x ? tokenSpan(this.source, x) : nodeSpan(this.source, x);
  }

  /**
   * Runs `f` one level deeper in nested calls, lists and block instances; past MAX_NESTED_CALLS reports MC2025 at
   * `at`, stops the lowering and gives undefined.
   */
  deeper<T>(at: Span, f: () => T): T | undefined {
    if (this.aborted) return undefined;
    if (this.depth >= MAX_NESTED_CALLS) {
      this.aborted = true;
      const message = `calls, lists and block instances nest more than ${MAX_NESTED_CALLS} deep here (counting blocks that call blocks); flatten the nesting into statements`;
      this.report(error("MC2025", message, at));
      return undefined;
    }
    this.depth++;
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  /** Counts a statement or an instance; false (after reporting once, at `at`) when the budget is spent. */
  spend(at: Span): boolean {
    if (this.aborted) return false;
    if (this.b.diagnostics.length >= MAX_ERRORS) {
      // A file of thousands of broken lines gets the first hundred, fast, instead of every one, slowly.
      this.stop(at);
      return false;
    }
    this.work++;
    if (this.work + this.b.added <= MAX_WORK) return true;
    this.aborted = true;
    const message = `the model expands to more than ${MAX_WORK.toLocaleString("en-US")} nodes, statements and block instances; lower the repeat counts or the nesting of blocks`;
    this.report(error("MC2025", message, at));
    return false;
  }
}

/** What an op's lowering is handed besides its arguments. */
export interface OpCall {
  readonly lw: Lowerer;
  readonly op: string;
  /** The IR names of the results; names[0] names the layer and its parameters (`y.kernel`). */
  readonly names: readonly string[];
  /** The whole statement or call, where shape problems are reported. */
  readonly span: Span;
}

/** Node options for a node named `suffix` under the layer (`y.conv`), or the layer itself. */
export function named(call: OpCall, suffix?: string, span: Span = call.span): NodeOptions {
  return { name: suffix ? `${call.names[0]}.${suffix}` : call.names[0]!, span };
}
