// Lowering: the parse tree of an error-free parse → GraphBuilder calls, one statement at a time, top to bottom.
// Checks what the builder cannot know (names, argument kinds, a conv input's layout); shape rules stay the
// builder's, which reports them at the span given. Not for syntax (syntax.ts) or list literals (literal.ts).

import type { CstNode, IToken } from "chevrotain";
import { type Diagnostic, InternalError, type Result, type Source, type Span, error, lineCol } from "../diagnostics.js";
import { type Value, GraphBuilder } from "../ir/builder.js";
import type { Conv2dAttrs, Graph } from "../ir/node.js";
import { convGeometry, maskFitProblem } from "../ir/ops/conv.js";
import { type Dim, formatShape, tensorType } from "../ir/types.js";
import { type ArgSpec, type Call, conv2dArgs, readCall } from "./arguments.js";
import type { AssignmentChildren, Cst, InputDeclChildren, MaskDeclChildren, ModelChildren, OutputDeclChildren, StatementChildren } from "./grammar.js";
import { readListLiteral } from "./literal.js";
import { nodeSpan, tokenSpan } from "./spans.js";
import { didYouMean } from "./spelling.js";

const UNARY_OPS = ["relu", "tanh", "sigmoid"] as const;
type UnaryOp = (typeof UNARY_OPS)[number];
const OPS = ["conv2d", ...UNARY_OPS];
const INPUT_LAYOUT = "[batch, height, width, channels]";
/** Dimensions beyond this would overflow the int32 shapes of the backends. */
const MAX_DIM = 2 ** 31 - 1;

/** What a user-visible name is bound to, and where. */
interface Binding {
  readonly kind: "input" | "mask" | "layer";
  /** Invalid when its statement failed: uses of it then stay quiet instead of cascading. */
  readonly value: Value;
  /** The name token of the binding statement. */
  readonly site: Span;
  /** For a layer: the op that computes it. */
  readonly op?: string;
}

/** Lowers a parse tree with no syntax errors into a graph, or reports the semantic errors (MC2xxx). */
export function lowerModel(cst: Cst<ModelChildren>, source: Source): Result<Graph> {
  return new Lowering(source, one(cst.children.name, "the model name").image).run(cst);
}

function one<T>(xs: readonly T[] | undefined, what: string): T {
  const x = xs?.[0];
  if (x === undefined) throw new InternalError(`the parse tree lacks ${what}`);
  return x;
}

function poison(name: string): Value {
  return { name, type: tensorType([]), valid: false };
}

class Lowering {
  private readonly b: GraphBuilder;
  private readonly bound = new Map<string, Binding>();
  /** Every name a statement binds, to tell "used too early" from "unknown". */
  private readonly sites = new Map<string, Span>();

  constructor(private readonly source: Source, modelName: string) {
    this.b = new GraphBuilder(modelName);
  }

  run(cst: Cst<ModelChildren>): Result<Graph> {
    const statements = cst.children.statement ?? [];
    for (const s of statements) {
      const decl = s.children.inputDecl?.[0] ?? s.children.maskDecl?.[0] ?? s.children.assignment?.[0];
      const tok: IToken | undefined = decl?.children.name?.[0];
      if (tok && !this.sites.has(tok.image)) this.sites.set(tok.image, this.at(tok));
    }
    let outputs = 0;
    for (const s of statements) outputs += this.statement(s);
    if (outputs === 0 && this.b.diagnostics.length === 0) {
      const name = one(cst.children.name, "the model name");
      this.report(error("MC2013", `model '${name.image}' has no output; add an 'output' line, as in 'output y'`, this.at(name)));
    }
    return this.b.build();
  }

  /** Lowers one statement; returns how many outputs it declares. */
  private statement(s: Cst<StatementChildren>): number {
    const { inputDecl, maskDecl, outputDecl, assignment } = s.children;
    if (inputDecl) this.input(inputDecl[0]!);
    else if (maskDecl) this.mask(maskDecl[0]!);
    else if (assignment) this.assignment(assignment[0]!);
    else if (outputDecl) return this.output(outputDecl[0]!);
    else throw new InternalError("a statement of no known kind");
    return 0;
  }

  private report(d: Diagnostic): void {
    this.b.report(d);
  }

  private at(x: IToken | CstNode): Span {
    return "image" in x ? tokenSpan(this.source, x) : nodeSpan(this.source, x);
  }

  /** Binds a name to what `make` builds, unless the name is taken (then `make` does not run). */
  private bind(tok: IToken, kind: Binding["kind"], make: () => Value, op?: string): void {
    const name = tok.image;
    const prior = this.bound.get(name);
    if (prior) {
      this.report(error("MC2001", `'${name}' is already bound`, this.at(tok), [{ message: `'${name}' was first bound here`, span: prior.site }]));
      return;
    }
    this.bound.set(name, { kind, value: make(), site: this.at(tok), op });
  }

  /** The binding of a name in use, or undefined after reporting why there is none (MC2002). */
  private resolve(tok: IToken): Binding | undefined {
    const name = tok.image;
    const found = this.bound.get(name);
    if (found) return found;
    const site = this.sites.get(name);
    const here = this.at(tok);
    if (site && site.start > here.start) {
      const message = `'${name}' is used before it is bound on line ${lineCol(site.source, site.start).line}; statements run top to bottom`;
      this.report(error("MC2002", message, here, [{ message: `'${name}' is bound here`, span: site }]));
    } else if (site) {
      this.report(error("MC2002", `'${name}' is used in the statement that binds it`, here));
    } else {
      this.report(error("MC2002", `unknown name '${name}'${didYouMean(name, this.bound.keys())}`, here));
    }
    return undefined;
  }

  private input(node: Cst<InputDeclChildren>): void {
    const nameTok = one(node.children.name, "the input's name");
    this.bind(nameTok, "input", () => {
      const dtype = one(node.children.dtype, "the input's element type");
      let ok = true;
      if (dtype.image !== "f32") {
        this.report(error("MC2020", `unknown element type '${dtype.image}'; mconv supports 'f32'`, this.at(dtype)));
        ok = false;
      }
      const dims: Dim[] = [];
      for (const d of node.children.dim ?? []) {
        const symbol = d.children.Identifier?.[0];
        const num = d.children.NumberLiteral?.[0];
        const v = Number(num?.image);
        if (symbol) dims.push(symbol.image);
        else if (Number.isInteger(v) && v >= 1 && v <= MAX_DIM) dims.push(v);
        else {
          this.report(error("MC2020", `a dimension must be a whole number ≥ 1 or a name such as N, got ${num?.image}`, this.at(d)));
          ok = false;
        }
      }
      return ok ? this.b.input(nameTok.image, dims, { span: this.at(node) }) : poison(nameTok.image);
    });
  }

  private mask(node: Cst<MaskDeclChildren>): void {
    const nameTok = one(node.children.name, "the mask's name");
    this.bind(nameTok, "mask", () => {
      const list = one(node.children.list, "the mask's list");
      const literal = readListLiteral(list, this.source, (d) => this.report(d));
      if (!literal) return poison(nameTok.image);
      if (literal.shape.length < 2 || literal.shape.length > 4) {
        const message =
          `a mask has rank 2 [height, width], 3 [height, width, in_channels] or 4 [height, width, in_channels, ` +
          `out_channels], got ${formatShape(literal.shape)} (rank ${literal.shape.length})`;
        this.report(error("MC2004", message, this.at(list)));
        return poison(nameTok.image);
      }
      return this.b.constant(literal.shape, literal.data, { name: nameTok.image, span: this.at(node) });
    });
  }

  private output(node: Cst<OutputDeclChildren>): number {
    const names = node.children.Identifier ?? [];
    for (const tok of names) {
      const binding = this.resolve(tok);
      if (binding) this.b.output(tok.image, binding.value, { span: this.at(tok) });
    }
    return names.length;
  }

  private assignment(node: Cst<AssignmentChildren>): void {
    const nameTok = one(node.children.name, "the bound name");
    const opTok = one(node.children.op, "the op name");
    this.bind(nameTok, "layer", () => {
      const op = opTok.image;
      if (op === "conv2d") return this.conv2d(node, nameTok.image);
      const unary = UNARY_OPS.find((u) => u === op);
      if (unary) return this.unary(unary, node, nameTok.image);
      const known = `the ops are ${OPS.join(", ")}`;
      const hint = didYouMean(op, OPS);
      this.report(error("MC2018", `unknown op '${op}'${hint ? `${hint} ${known}` : `; ${known}`}`, this.at(opTok)));
      return poison(nameTok.image);
    }, opTok.image);
  }

  /** The value named by a call's input, if it is usable. */
  private callInput<S extends Record<string, ArgSpec>>(call: Call<S>): Value | undefined {
    const value = this.resolve(call.input.value)?.value;
    return value?.valid ? value : undefined;
  }

  private unary(op: UnaryOp, node: Cst<AssignmentChildren>, name: string): Value {
    const call = readCall(node, op, {}, this.source, (d) => this.report(d));
    const x = call && this.callInput(call);
    return x ? this.b[op](x, { name, span: this.at(node) }) : poison(name);
  }

  /**
   * `y = conv2d(x, filters=F, kernel=K, ..., mask=m, activation=A)` → params `y.kernel` [kh, kw, C, F] and
   * `y.bias` [F]; conv (masked if a mask is given), bias_add, activation. The last node is `y`, earlier ones
   * `y.conv` and `y.biased`.
   */
  private conv2d(node: Cst<AssignmentChildren>, name: string): Value {
    const call = readCall(node, "conv2d", conv2dArgs, this.source, (d) => this.report(d));
    const x = call && this.callInput(call);
    if (!call || !x) return poison(name);
    const { filters, kernel, stride, dilation, padding, bias, activation, mask } = call.args;
    const shape = x.type.shape;
    if (shape.length !== 4 || typeof shape[3] !== "number") {
      const got = `'${call.input.value.image}' is ${formatShape(shape)}`;
      const message =
        shape.length !== 4
          ? `conv2d expects an NHWC input ${INPUT_LAYOUT} (rank 4), but ${got} (rank ${shape.length})`
          : `conv2d needs the input's channels to be known, but ${got} ${INPUT_LAYOUT}`;
      this.report(error("MC2004", message, call.input.span));
      return poison(name);
    }
    let m: Value | undefined;
    if (mask) {
      const binding = this.resolve(mask.value);
      if (!binding) return poison(name);
      if (binding.kind === "layer") {
        const message = `'mask' must name a 'mask' or 'input' declaration, but '${mask.value.image}' is computed by ${binding.op}`;
        this.report(error("MC2017", message, mask.span, [{ message: `'${mask.value.image}' is bound here`, span: binding.site }]));
        return poison(name);
      }
      if (!binding.value.valid) return poison(name);
      m = binding.value;
    }
    const attrs: Conv2dAttrs = {
      strides: stride?.value ?? [1, 1],
      dilations: dilation?.value ?? [1, 1],
      padding: padding?.value ?? "valid",
    };
    const withBias = bias?.value ?? true;
    const act = activation?.value ?? "none";
    const whole = this.at(node);
    const [kh, kw] = kernel.value;
    const k = this.b.param(`${name}.kernel`, [kh, kw, shape[3], filters.value], { span: kernel.span });
    const biasParam = withBias ? this.b.param(`${name}.bias`, [filters.value], { span: bias?.span ?? whole }) : undefined;
    const convName = biasParam || act !== "none" ? `${name}.conv` : name;
    // The caret goes where the fix most likely is: the kernel for a kernel too large, the mask for a misfit.
    let convSpan = whole;
    const [, h, w] = shape;
    if (typeof h === "number" && typeof w === "number" && convGeometry([h, w], [kh, kw], attrs).out.some((o) => o < 1)) {
      convSpan = kernel.span;
    } else if (m && mask && maskFitProblem(m.type.shape, [kh, kw, shape[3], filters.value])) {
      convSpan = mask.span;
    }
    let y = m
      ? this.b.maskedConv2d(x, k, m, attrs, { name: convName, span: convSpan })
      : this.b.conv2d(x, k, attrs, { name: convName, span: convSpan });
    if (biasParam) y = this.b.biasAdd(y, biasParam, { name: act === "none" ? name : `${name}.biased`, span: whole });
    if (act !== "none") y = this.b[act](y, { name, span: whole });
    return y;
  }
}
