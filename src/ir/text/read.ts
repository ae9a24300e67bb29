// Reads the textual IR that print.ts writes, back into a Graph, through the GraphBuilder (so every node is
// type-checked again and a written type that disagrees is reported). Pass tests start from this text.
// `#` starts a comment (a case file's first line states its intent). Elided constants cannot be read back.

import { Lexer, createToken, type IToken, type TokenType } from "chevrotain";
import { type Diagnostic, type Result, type Source, error, failed, span } from "../../diagnostics.js";
import { GraphBuilder, type Value } from "../builder.js";
import type { Graph, OpAttrs, OpKind } from "../node.js";
import type { AttrKind } from "../ops/def.js";
import { isOpKind, opDef } from "../registry.js";
import { type Dim, formatType, sameShape } from "../types.js";

const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });
const Comment = createToken({ name: "Comment", pattern: /#[^\n]*/, group: Lexer.SKIPPED });
const ValueName = createToken({ name: "ValueName", pattern: /%(?:[A-Za-z_][A-Za-z0-9_.]*|"(?:[^"\\\n]|\\.)*")/ });
const Str = createToken({ name: "Str", pattern: /"(?:[^"\\\n]|\\.)*"/ });
const Num = createToken({ name: "Num", pattern: /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|-?inf(?![\w.])|nan(?![\w.])/ });
const Ident = createToken({ name: "Ident", pattern: /[A-Za-z_][A-Za-z0-9_.]*/ });
const Elided = createToken({ name: "Elided", pattern: /<[^>\n]*>/ });
const Punct = createToken({ name: "Punct", pattern: /[{}()[\],=:]/ });
const irLexer = new Lexer([WhiteSpace, Comment, ValueName, Str, Num, Ident, Elided, Punct], {
  positionTracking: "onlyOffset",
});

/** The shape of a literal as a chain of list lengths, outermost first; undefined is a number. */
type LiteralShape = { readonly count: number; readonly inner: LiteralShape } | undefined;

/** A list being read: its items so far, the shape of its first item, and whether a later item differs. */
interface OpenList {
  count: number;
  inner: LiteralShape;
  ragged: boolean;
}

function sameLiteralShape(a: LiteralShape, b: LiteralShape): boolean {
  for (; a !== undefined && b !== undefined; a = a.inner, b = b.inner) if (a.count !== b.count) return false;
  return a === b;
}

function shapeOf(s: LiteralShape): number[] {
  const shape: number[] = [];
  for (; s !== undefined; s = s.inner) shape.push(s.count);
  return shape;
}

class ReadError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

/** A cursor over the IR tokens with the small recursive-descent reader of the line-based IR grammar. */
class IrReader {
  private pos = 0;
  constructor(private readonly source: Source, private readonly tokens: IToken[]) {}

  private peek(): IToken | undefined {
    return this.tokens[this.pos];
  }

  private fail(message: string, tok = this.peek()): never {
    const at = tok ? span(this.source, tok.startOffset, tok.startOffset + tok.image.length) : span(this.source, this.source.text.length, this.source.text.length);
    throw new ReadError(error("MC1101", message, at));
  }

  private is(image: string, type: TokenType = Punct): boolean {
    const t = this.peek();
    return t !== undefined && t.tokenType === type && t.image === image;
  }

  private expect(image: string, type: TokenType = Punct): IToken {
    const t = this.peek();
    if (!t || t.tokenType !== type || t.image !== image) this.fail(`expected '${image}', found ${t ? `'${t.image}'` : "the end of the text"}`);
    this.pos++;
    return t;
  }

  private take(type: TokenType, what: string): IToken {
    const t = this.peek();
    if (!t || t.tokenType !== type) this.fail(`expected ${what}, found ${t ? `'${t.image}'` : "the end of the text"}`);
    this.pos++;
    return t;
  }

  /** A quoted name's text; a bad escape is the text's error, reported where it stands. */
  private unquote(text: string, tok: IToken): string {
    try {
      return JSON.parse(text) as string;
    } catch {
      this.fail(`${text} is not a valid quoted name (escapes as in JSON)`, tok);
    }
  }

  /** `inf` and `nan` lex as numbers, but where a name or a dimension stands they are names. */
  private isWordNumber(t: IToken | undefined): boolean {
    return t?.tokenType === Num && (t.image === "inf" || t.image === "nan");
  }

  private name(): string {
    const t = this.peek();
    if (this.isWordNumber(t)) {
      this.pos++;
      return t!.image;
    }
    if (t?.tokenType === Str) {
      this.pos++;
      const name = this.unquote(t.image, t);
      if (name.length === 0) this.fail("a name must not be empty", t);
      return name;
    }
    return this.take(Ident, "a name").image;
  }

  private valueName(): { name: string; tok: IToken } {
    const tok = this.take(ValueName, "a value name like %x");
    const body = tok.image.slice(1);
    return { name: body.startsWith('"') ? this.unquote(body, tok) : body, tok };
  }

  private number(): number {
    const t = this.take(Num, "a number");
    if (t.image === "nan") return NaN;
    if (t.image.endsWith("inf")) return t.image.startsWith("-") ? -Infinity : Infinity;
    // Every number of the IR is an f32 or a size: one past the f32 range would print back as "Infinity".
    const v = Number(t.image);
    if (!Number.isFinite(Math.fround(v))) this.fail(`number ${t.image.length > 24 ? `${t.image.slice(0, 23)}…` : t.image} is out of range: an f32 is at most about 3.4e38 (inf is written inf)`, t);
    return v;
  }

  /** `[a, b, ...]` of numbers or symbolic names. */
  private dims(): Dim[] {
    this.expect("[");
    const out: Dim[] = [];
    while (!this.is("]")) {
      const t = this.peek();
      if (t?.tokenType === Ident || this.isWordNumber(t)) {
        this.pos++;
        out.push(t!.image);
      } else {
        out.push(this.number());
      }
      if (!this.is("]")) this.expect(",");
    }
    this.expect("]");
    return out;
  }

  /**
   * A nested list literal, flattened row-major (the order its numbers are written in), with its shape. Read with
   * an explicit stack rather than by recursion: a constant's literal nests as deep as its rank.
   */
  private literal(): { shape: number[]; data: number[] } {
    if (!this.is("[")) return { shape: [], data: [this.number()] };
    const data: number[] = [];
    const open: OpenList[] = [];
    for (;;) {
      if (this.is("[")) {
        this.expect("[");
        open.push({ count: 0, inner: undefined, ragged: false });
        continue;
      }
      const top = open[open.length - 1]!;
      let item: LiteralShape;
      if (this.is("]")) {
        const close = this.expect("]");
        if (top.ragged) this.fail("the rows of this literal differ in length", close);
        open.pop();
        item = { count: top.count, inner: top.inner };
        if (open.length === 0) return { shape: shapeOf(item), data };
      } else {
        data.push(this.number());
        item = undefined;
      }
      const parent = open[open.length - 1]!;
      if (parent.count === 0) parent.inner = item;
      else if (!sameLiteralShape(parent.inner, item)) parent.ragged = true;
      parent.count++;
      if (!this.is("]")) this.expect(",");
    }
  }

  private attr(kind: AttrKind): unknown {
    switch (kind) {
      case "int":
      case "float":
        return this.number();
      case "int-pair":
      case "ints":
        return this.dims();
      case "dims":
        return this.dims();
      case "padding": {
        const t = this.peek();
        if (t?.tokenType === Ident && (t.image === "valid" || t.image === "same")) {
          this.pos++;
          return t.image;
        }
        return this.dims();
      }
      case "word":
        return this.take(Ident, "a word such as relu").image;
      case "support": {
        if (this.peek()?.tokenType === Elided) this.fail("an elided support cannot be read back; print it with elideAbove: Infinity");
        return Float32Array.from(this.literal().data);
      }
      case "type-shape":
      case "data":
        return undefined;
    }
  }

  private type(): { shape: Dim[]; tok: IToken } {
    const tok = this.take(Ident, "a type like f32[1,4,4,3]");
    if (tok.image !== "f32") this.fail(`unknown dtype '${tok.image}' (mconv has f32)`, tok);
    return { shape: this.dims(), tok };
  }

  private node(b: GraphBuilder): void {
    const { name, tok: start } = this.valueName();
    this.expect("=");
    const opTok = this.take(Ident, "an op name");
    if (!isOpKind(opTok.image)) this.fail(`unknown op '${opTok.image}'`, opTok);
    const op: OpKind = opTok.image;
    const def = opDef(op);
    const operands: Value[] = [];
    if (def.operands.length > 0 && this.is("(")) {
      this.expect("(");
      while (!this.is(")")) {
        const o = this.valueName();
        const v = b.lookup(o.name);
        if (!v) this.fail(`%${o.name} is not defined before this use`, o.tok);
        operands.push(v);
        if (!this.is(")")) this.expect(",");
      }
      this.expect(")");
    }
    let data: number[] | undefined;
    if (op === "constant") {
      if (this.peek()?.tokenType === Elided) this.fail("an elided constant cannot be read back; print it with elideAbove: Infinity");
      data = this.literal().data;
    }
    const attrs: Record<string, unknown> = {};
    const kinds = def.attrs as Record<string, AttrKind>;
    if (this.is("{")) {
      this.expect("{");
      while (!this.is("}")) {
        const key = this.take(Ident, "an attribute name");
        const kind = kinds[key.image];
        if (!kind || kind === "type-shape" || kind === "data") this.fail(`${op} has no attribute '${key.image}'`, key);
        if (key.image in attrs) this.fail(`the attribute '${key.image}' is given twice`, key);
        this.expect("=");
        attrs[key.image] = this.attr(kind);
        if (!this.is("}")) this.expect(",");
      }
      this.expect("}");
    }
    this.expect(":");
    const type = this.type();
    for (const [key, kind] of Object.entries(kinds)) {
      if (kind === "type-shape") attrs[key] = type.shape;
      else if (kind === "data") attrs[key] = Float32Array.from(data ?? []);
      else if (!(key in attrs) && kind !== "support") this.fail(`${op} needs the attribute '${key}'`, opTok);
    }
    const last = this.tokens[this.pos - 1]!;
    const at = span(this.source, start.startOffset, last.startOffset + last.image.length);
    const v = b.add(op, operands, attrs as OpAttrs[typeof op], { name, span: at });
    if (v.valid && !sameShape(v.type.shape, type.shape)) {
      throw new ReadError(error("MC1102", `%${name} is written as f32[${type.shape.join(",")}] but ${op} gives ${formatType(v.type)}`, at));
    }
  }

  read(): Graph {
    this.expect("graph", Ident);
    const b = new GraphBuilder(this.name());
    this.expect("{");
    while (!this.is("}")) {
      if (this.is("output", Ident)) {
        const kw = this.take(Ident, "output");
        const outName = this.name();
        this.expect("=");
        const ref = this.valueName();
        const v = b.lookup(ref.name);
        if (!v) this.fail(`%${ref.name} is not defined`, ref.tok);
        b.output(outName, v, { span: span(this.source, kw.startOffset, ref.tok.startOffset + ref.tok.image.length) });
      } else {
        this.node(b);
      }
      if (b.diagnostics.length > 0) throw new ReadError(b.diagnostics[0]!);
    }
    this.expect("}");
    if (this.peek()) this.fail("unexpected text after the graph");
    const built = b.build();
    if (!built.ok) throw new ReadError(built.diagnostics[0]!);
    return built.value;
  }
}

/** Parses IR text (as printed by printGraph) into a graph; the first problem is reported with its position. */
export function readGraph(source: Source): Result<Graph> {
  const lexed = irLexer.tokenize(source.text);
  if (lexed.errors.length > 0) {
    const e = lexed.errors[0]!;
    return failed([error("MC1101", `unexpected character '${source.text.charAt(e.offset)}'`, span(source, e.offset, e.offset + e.length))]);
  }
  try {
    const graph = new IrReader(source, lexed.tokens).read();
    return { ok: true, value: graph, diagnostics: [] };
  } catch (e) {
    if (e instanceof ReadError) return failed([e.diagnostic]);
    throw e;
  }
}
