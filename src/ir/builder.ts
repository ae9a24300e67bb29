// GraphBuilder: the only place IR nodes are made. The DSL lowers through it, passes rebuild through it, and users
// call it directly. Every node's type comes from the op registry's shape rule; a problem becomes a diagnostic
// with the node's span, and the value is poisoned so one mistake does not cascade into many reports.

import { type Diagnostic, type Result, type Span, error, failed, hasErrors, ok } from "../diagnostics.js";
import type { AnyNode, Conv2dAttrs, Graph, GraphOutput, Node, OpAttrs, OpKind } from "./node.js";
import { rememberPositions } from "./analysis.js";
import { acceptsOperandCount, isProblem } from "./ops/def.js";
import { markValid } from "./verify.js";
import { opDef } from "./registry.js";
import { type Dim, MAX_ELEMENTS, MAX_RANK, type TensorType, formatShape, knownElements, tensorType } from "./types.js";

/** A handle on a value made by a builder. `valid` is false after an error: using it adds no new reports. */
export interface Value {
  readonly name: string;
  readonly type: TensorType;
  readonly valid: boolean;
}

export interface NodeOptions {
  /** The SSA name; must be new. Without it a fresh name is made from `hint` (or the op name). */
  readonly name?: string;
  readonly hint?: string;
  /** Where the node comes from in the user's file; problems are reported there. */
  readonly span?: Span;
}

/** conv2d defaults as in Keras: strides 1, dilations 1, padding valid, one group. */
export const defaultConv2dAttrs: Conv2dAttrs = { strides: [1, 1], dilations: [1, 1], padding: "valid", groups: 1 };

const POISON_TYPE: TensorType = tensorType([]);

/** Constant data this module copied in: nodes share it freely, since nothing outside can reach it to mutate it. */
const ownedData = new WeakSet<Float32Array>();

/**
 * A private, frozen copy of a node's attributes, so that a caller changing its own arrays afterwards cannot change
 * the graph (nodes are immutable). Constant data is copied once and then shared between graphs.
 */
function ownAttrs<T>(attrs: T): T {
  const source = attrs as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === undefined) continue;
    if (value instanceof Float32Array) {
      const data = ownedData.has(value) ? value : Float32Array.from(value);
      ownedData.add(data);
      copy[key] = data;
    } else if (Array.isArray(value)) {
      // Attribute lists hold numbers and words only, so a frozen one (another node's, when a pass rebuilds) is
      // shared as it is.
      copy[key] = Object.isFrozen(value) ? value : Object.freeze([...value]);
    } else {
      copy[key] = value;
    }
  }
  return Object.freeze(copy) as T;
}

export class GraphBuilder {
  readonly diagnostics: Diagnostic[] = [];
  private readonly nodes: AnyNode[] = [];
  /** Where each name's node is in `nodes`. */
  private positions = new Map<string, number>();
  /** build() lent `positions` to the graph it made as that graph's index: the next change copies it first. */
  private lent = false;
  /** Whether a node was adopted: its operands and type are the caller's word, not checked here. */
  private adopted = false;
  private readonly outputs: GraphOutput[] = [];
  private readonly reserved: { has(name: string): boolean };

  /**
   * @param name the model's name.
   * @param reserved names that fresh names must avoid (a pass reserves the names of the graph it rewrites): a set
   *   or map (used as it is, not copied: the caller must not change it while building), or any list of names.
   */
  constructor(readonly name: string, reserved: Iterable<string> | { has(name: string): boolean } = []) {
    this.reserved = "has" in reserved && typeof reserved.has === "function" ? reserved : new Set(reserved as Iterable<string>);
  }

  /** Adds one node of any op. The typed helpers below are shorthands for this. */
  add<K extends OpKind>(op: K, operands: readonly Value[], attrs: OpAttrs[K], opts: NodeOptions = {}): Value {
    const def = opDef(op);
    if (!acceptsOperandCount(def, operands.length)) {
      const wanted = def.variadic ? `one or more ${def.operands[0]}` : `${def.operands.length} operands (${def.operands.join(", ")})`;
      return this.fail("MC2012", `${op} takes ${wanted}, got ${operands.length}`, opts);
    }
    for (const v of operands) {
      if (!v.valid) return this.poison(opts);
      if (this.byName(v.name)?.type !== v.type) {
        return this.fail("MC2012", `${op}: operand %${v.name} does not come from this builder`, opts);
      }
    }
    const name = this.claim(opts, op);
    if (name === undefined) return this.poison(opts);
    const owned = ownAttrs(attrs);
    const type = def.infer(
      operands.map((v) => v.type),
      owned,
    );
    if (isProblem(type)) return this.fail(type.code, type.message, opts);
    if (type.shape.length > MAX_RANK) {
      return this.fail("MC2040", `${op} would make a tensor of ${type.shape.length} axes; a tensor has at most ${MAX_RANK}`, opts);
    }
    const size = knownElements(type.shape);
    if (size > MAX_ELEMENTS) {
      return this.fail("MC2040", `${op} would make a tensor ${formatShape(type.shape)} of ${size} elements, more than the limit of ${MAX_ELEMENTS}`, opts);
    }
    const node = Object.freeze({ name, op, operands: Object.freeze(operands.map((v) => v.name)), attrs: owned, type, span: opts.span }) as Node<K>;
    this.nodes.push(node as AnyNode);
    this.place(name);
    return { name, type, valid: true };
  }

  /** An input fed with each call; `support` (1 inside, 0 outside, row-major) declares where it may be nonzero. */
  /**
   * Takes over a node of another graph as it is (nodes are immutable, so graphs may share them): for a rewrite that
   * keeps a node whose operands are unchanged. The caller vouches that each operand is a value of this builder with
   * the type the node was built with; its type is not inferred again.
   */
  adopt(node: AnyNode): Value {
    if (this.positions.has(node.name)) return this.fail("MC2001", `'${node.name}' is already bound`, { span: node.span });
    this.adopted = true;
    this.nodes.push(node);
    this.place(node.name);
    return { name: node.name, type: node.type, valid: true };
  }

  input(name: string, shape: readonly Dim[], opts: Omit<NodeOptions, "name"> & { readonly support?: ArrayLike<number> } = {}): Value {
    const { support, ...rest } = opts;
    const attrs = support === undefined ? { shape: [...shape] } : { shape: [...shape], support: Float32Array.from(support, (v) => (v === 0 ? 0 : 1)) };
    return this.add("input", [], attrs, { ...rest, name });
  }

  param(name: string, shape: readonly Dim[], opts: Omit<NodeOptions, "name"> = {}): Value {
    return this.add("param", [], { shape: [...shape] }, { ...opts, name });
  }

  constant(shape: readonly Dim[], data: ArrayLike<number>, opts: NodeOptions = {}): Value {
    return this.add("constant", [], { shape: [...shape], data: data instanceof Float32Array ? data : Float32Array.from(data) }, opts);
  }

  conv2d(x: Value, kernel: Value, attrs: Partial<Conv2dAttrs> = {}, opts: NodeOptions = {}): Value {
    return this.add("conv2d", [x, kernel], { ...defaultConv2dAttrs, ...attrs }, opts);
  }

  /** conv2d(x, kernel ⊙ mask), the mask broadcast left-aligned ([kh,kw] ≡ [kh,kw,1,1]). */
  maskedConv2d(x: Value, kernel: Value, mask: Value, attrs: Partial<Conv2dAttrs> = {}, opts: NodeOptions = {}): Value {
    return this.add("masked_conv2d", [x, kernel, mask], { ...defaultConv2dAttrs, ...attrs }, opts);
  }

  mul(a: Value, b: Value, opts: NodeOptions = {}): Value {
    return this.add("mul", [a, b], {}, opts);
  }

  reshape(x: Value, shape: readonly Dim[], opts: NodeOptions = {}): Value {
    return this.add("reshape", [x], { shape: [...shape] }, opts);
  }

  biasAdd(x: Value, bias: Value, opts: NodeOptions = {}): Value {
    return this.add("bias_add", [x, bias], {}, opts);
  }

  relu(x: Value, opts: NodeOptions = {}): Value {
    return this.add("relu", [x], {}, opts);
  }

  tanh(x: Value, opts: NodeOptions = {}): Value {
    return this.add("tanh", [x], {}, opts);
  }

  sigmoid(x: Value, opts: NodeOptions = {}): Value {
    return this.add("sigmoid", [x], {}, opts);
  }

  /** Marks a value as a model output under `name`. */
  output(name: string, value: Value, opts: { span?: Span } = {}): void {
    if (!value.valid) return;
    if (this.byName(value.name)?.type !== value.type) {
      this.diagnostics.push(error("MC2012", `output '${name}': %${value.name} does not come from this builder`, opts.span));
      return;
    }
    if (name.length === 0) {
      this.diagnostics.push(error("MC2001", "an output name must not be empty", opts.span));
      return;
    }
    const prior = this.outputs.find((o) => o.name === name);
    if (prior) {
      this.diagnostics.push(
        error("MC2001", `output '${name}' is declared twice`, opts.span, prior.span ? [{ message: "first declared here", span: prior.span }] : []),
      );
      return;
    }
    this.outputs.push({ name, value: value.name, span: opts.span });
  }

  /** Adds a problem found outside the builder (e.g. by the DSL lowering); build() then fails. */
  report(d: Diagnostic): void {
    this.diagnostics.push(d);
  }

  /** The value bound to a name, if any. */
  lookup(name: string): Value | undefined {
    const n = this.byName(name);
    return n ? { name: n.name, type: n.type, valid: true } : undefined;
  }

  /** The node behind a value (e.g. to read a constant's data). */
  nodeOf(v: Value): AnyNode | undefined {
    return this.byName(v.name);
  }

  /** The finished graph, or the errors met while building it. */
  build(): Result<Graph> {
    if (this.outputs.length === 0 && !hasErrors(this.diagnostics)) {
      this.diagnostics.push(error("MC2013", `model '${this.name}' has no output; add an 'output' line`));
    }
    if (hasErrors(this.diagnostics)) return failed(this.diagnostics);
    const graph: Graph = { name: this.name, nodes: [...this.nodes], outputs: [...this.outputs] };
    // The graph's node positions by name are exactly ours: passes and backends that index it get this map instead of a new one.
    rememberPositions(graph, this.positions);
    this.lent = true;
    // Every node was checked as it was added (unique name, operands of this builder, the shape rule's type).
    if (!this.adopted) markValid(graph);
    return ok(graph, this.diagnostics);
  }

  private byName(name: string): AnyNode | undefined {
    const at = this.positions.get(name);
    return at === undefined ? undefined : this.nodes[at];
  }

  /** Records the node just pushed; `positions` is copied first when it was lent to a built graph. */
  private place(name: string): void {
    if (this.lent) {
      this.positions = new Map(this.positions);
      this.lent = false;
    }
    this.positions.set(name, this.nodes.length - 1);
  }

  private claim(opts: NodeOptions, op: string): string | undefined {
    if (opts.name !== undefined) {
      if (opts.name.length === 0) {
        this.diagnostics.push(error("MC2001", "a name must not be empty", opts.span));
        return undefined;
      }
      const prior = this.byName(opts.name);
      if (prior) {
        const notes = prior.span ? [{ message: `'${opts.name}' was first bound here`, span: prior.span }] : [];
        this.diagnostics.push(error("MC2001", `'${opts.name}' is already bound`, opts.span, notes));
        return undefined;
      }
      return opts.name;
    }
    const hint = opts.hint ?? op;
    let name = hint;
    for (let i = 1; this.positions.has(name) || this.reserved.has(name); i++) name = `${hint}.${i}`;
    return name;
  }

  private fail(code: string, message: string, opts: NodeOptions): Value {
    this.diagnostics.push(error(code, message, opts.span));
    return this.poison(opts);
  }

  private poison(opts: NodeOptions): Value {
    return { name: opts.name ?? opts.hint ?? "<error>", type: POISON_TYPE, valid: false };
  }
}
