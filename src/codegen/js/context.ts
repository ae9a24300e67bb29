// What the plain-JavaScript emitters may ask of the generator: operand identifiers, shape expressions, the output
// buffer of a value (fresh, or reused across calls) and scratch buffers declared once in load().

import type { Dim } from "../../ir/types.js";
import { jsIdentifier } from "../escape.js";
import { type SymbolIds, dimExpr, float32Expr, shapeExpr, sizeExpr } from "../literals.js";
import type { Plan, PlannedValue } from "../lower.js";
import type { HelperName } from "../runtime.js";
import type { ConvsAlike } from "./conv_layout.js";

export class JsContext {
  /** Helpers the module needs. */
  readonly helpers = new Set<HelperName>();
  /** Declarations made for the node being emitted; the generator places them in load() before its setup. */
  private decls: string[] = [];
  /** The conv kernel functions already declared, by what their loops depend on (conv.ts): convs alike share one. */
  readonly convLoops = new Map<string, string>();
  /** What convs alike share beyond their loops (conv.ts), by the same key. */
  readonly convsAlike = new Map<string, ConvsAlike>();

  /** The shared scratch arrays declared so far. */
  private readonly sharedScratch = new Set<string>();

  /** Whether convs may use Winograd (CodegenOptions.fastMath), and whether one did. */
  readonly fastMath: boolean;
  usedWinograd = false;

  constructor(
    readonly plan: Plan,
    options: { fastMath?: boolean } = {},
  ) {
    this.fastMath = options.fastMath === true;
  }

  get symbols(): SymbolIds {
    return this.plan.symbols;
  }

  /** The identifier of an operand's Float32Array. */
  ref(name: string): string {
    return this.plan.value(name).id;
  }

  dim(d: Dim): string {
    return dimExpr(d, this.symbols);
  }

  shape(shape: readonly Dim[]): string {
    return shapeExpr(shape, this.symbols);
  }

  size(shape: readonly Dim[]): string {
    return sizeExpr(shape, this.symbols);
  }

  /** An embedded constant: a fresh Float32Array expression. */
  constant(data: Float32Array): string {
    const { expr, usesDecoder } = float32Expr(data);
    if (usesDecoder) this.helpers.add("decodeF32");
    return expr;
  }

  /**
   * The expression giving a value's buffer. Load-time values and outputs get a fresh array; run-time intermediates
   * reuse last call's buffer when the size repeats (calls are synchronous, so no two calls share it at once).
   */
  alloc(value: PlannedValue): string {
    const size = this.size(value.shape);
    if (value.stage === "load" || value.returned) return `new Float32Array(${size})`;
    const buffer = jsIdentifier(`buf${value.id.slice(1)}`);
    this.helpers.add("reuse");
    this.decls.push(`let ${buffer} = null;`);
    return `(${buffer} = reuse(${buffer}, ${size}))`;
  }

  /**
   * A scratch Float32Array of the node `value`, named `${hint}${n}`. A known size is allocated once in load(); a
   * size that depends on a symbol gets `ensure`, a line to run before each use (it reuses the buffer when it can).
   */
  scratch(value: PlannedValue, hint: string, size: string): { id: string; ensure?: string } {
    const id = jsIdentifier(`${hint}${value.id.slice(1)}`);
    if (/^\d+$/.test(size)) {
      this.decls.push(`const ${id} = new Float32Array(${size});`);
      return { id };
    }
    this.helpers.add("reuse");
    this.decls.push(`let ${id} = null;`);
    return { id, ensure: `${id} = reuse(${id}, ${size});` };
  }

  /**
   * A float64 scratch array (accumulators, per-channel factors) named `${hint}${n}`: allocated once in load() when
   * its size is known, else made by `ensure`, a line to run before each use.
   */
  scratch64(value: PlannedValue, hint: string, size: string): { id: string; ensure?: string } {
    const id = jsIdentifier(`${hint}${value.id.slice(1)}`);
    if (/^\d+$/.test(size)) {
      this.decls.push(`const ${id} = new Float64Array(${size});`);
      return { id };
    }
    this.decls.push(`let ${id} = null;`);
    return { id, ensure: `if (${id} === null || ${id}.length !== ${size}) ${id} = new Float64Array(${size});` };
  }

  /**
   * A float64 scratch array of a known size shared by every node that asks for it with the same hint (nodes run one
   * at a time): declared with the first of them.
   */
  shared64(hint: string, size: number): string {
    const id = jsIdentifier(`${hint}${size}`);
    if (!this.sharedScratch.has(id)) {
      this.sharedScratch.add(id);
      this.decls.push(`const ${id} = new Float64Array(${size});`);
    }
    return id;
  }

  /** Lines declared once in load() for the node being emitted (a kernel function, say), placed before its setup. */
  declare(lines: readonly string[]): void {
    this.decls.push(...lines);
  }

  /** The declarations made since the last call. */
  takeDecls(): string[] {
    const d = this.decls;
    this.decls = [];
    return d;
  }
}
