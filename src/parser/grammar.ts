// The .mconv grammar as a chevrotain CstParser: rules only, no embedded actions, error recovery on. Also the typed
// shapes of its parse-tree nodes and the syntax-error wording. Meaning is given by lower.ts; entry is parse.ts.
//
//   model      := 'model' NAME '{' (statement | ';')* '}'
//   statement  := inputDecl | maskDecl | outputDecl | assignment
//   inputDecl  := 'input' NAME ':' NAME '[' dim (',' dim)* ']'          dim := NUMBER | NAME
//   maskDecl   := 'mask' NAME '=' list                                   list := '[' element (',' element)* ']'
//   outputDecl := 'output' NAME (',' NAME)*                              element := NUMBER | list
//   assignment := NAME '=' NAME '(' (argument (',' argument)*)? ')'
//   argument   := ((NAME | 'mask') '=')? value                           value := NUMBER | NAME | list

import { CstParser, type CstNode, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";
import { closest } from "./spelling.js";
import * as t from "./tokens.js";

export class MconvParser extends CstParser {
  constructor() {
    super(t.allTokens, { recoveryEnabled: true, maxLookahead: 2, nodeLocationTracking: "full", errorMessageProvider });
    this.performSelfAnalysis();
  }

  readonly model = this.RULE("model", () => {
    this.CONSUME(t.Model);
    this.CONSUME(t.Identifier, { LABEL: "name" });
    this.CONSUME(t.LCurly);
    this.MANY(() =>
      this.OR([{ ALT: () => this.SUBRULE(this.statement) }, { ALT: () => this.CONSUME(t.Semicolon) }]),
    );
    this.CONSUME(t.RCurly);
  });

  readonly statement = this.RULE("statement", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.inputDecl) },
      { ALT: () => this.SUBRULE(this.maskDecl) },
      { ALT: () => this.SUBRULE(this.outputDecl) },
      { ALT: () => this.SUBRULE(this.assignment) },
    ]);
  });

  readonly inputDecl = this.RULE("inputDecl", () => {
    this.CONSUME(t.Input);
    this.CONSUME(t.Identifier, { LABEL: "name" });
    this.CONSUME(t.Colon);
    this.CONSUME2(t.Identifier, { LABEL: "dtype" });
    this.CONSUME(t.LBracket);
    this.SUBRULE(this.dim);
    this.MANY(() => {
      this.CONSUME(t.Comma);
      this.SUBRULE2(this.dim);
    });
    this.CONSUME(t.RBracket);
  });

  readonly dim = this.RULE("dim", () => {
    this.OR([{ ALT: () => this.CONSUME(t.NumberLiteral) }, { ALT: () => this.CONSUME(t.Identifier) }]);
  });

  readonly maskDecl = this.RULE("maskDecl", () => {
    this.CONSUME(t.Mask);
    this.CONSUME(t.Identifier, { LABEL: "name" });
    this.CONSUME(t.Equals);
    this.SUBRULE(this.list);
  });

  readonly list = this.RULE("list", () => {
    this.CONSUME(t.LBracket);
    this.SUBRULE(this.element);
    this.MANY(() => {
      this.CONSUME(t.Comma);
      this.SUBRULE2(this.element);
    });
    this.CONSUME(t.RBracket);
  });

  readonly element = this.RULE("element", () => {
    this.OR([{ ALT: () => this.CONSUME(t.NumberLiteral) }, { ALT: () => this.SUBRULE(this.list) }]);
  });

  readonly outputDecl = this.RULE("outputDecl", () => {
    this.CONSUME(t.Output);
    this.CONSUME(t.Identifier);
    this.MANY(() => {
      this.CONSUME(t.Comma);
      this.CONSUME2(t.Identifier);
    });
  });

  readonly assignment = this.RULE("assignment", () => {
    this.CONSUME(t.Identifier, { LABEL: "name" });
    this.CONSUME(t.Equals);
    this.CONSUME2(t.Identifier, { LABEL: "op" });
    this.CONSUME(t.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.argument);
      this.MANY(() => {
        this.CONSUME(t.Comma);
        this.SUBRULE2(this.argument);
      });
    });
    this.CONSUME(t.RParen);
  });

  readonly argument = this.RULE("argument", () => {
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(t.Identifier, { LABEL: "name" }) },
        { ALT: () => this.CONSUME(t.Mask, { LABEL: "name" }) },
      ]);
      this.CONSUME(t.Equals);
    });
    this.SUBRULE(this.value);
  });

  readonly value = this.RULE("value", () => {
    this.OR([
      { ALT: () => this.CONSUME(t.NumberLiteral) },
      { ALT: () => this.CONSUME(t.Identifier) },
      { ALT: () => this.SUBRULE(this.list) },
    ]);
  });
}

// The children of each rule's node. With recovery a node may lack parts, so every field is optional; lower.ts
// only visits trees of error-free parses.
type Tokens = IToken[] | undefined;
type Nodes<C> = (CstNode & { children: C })[] | undefined;
export type Cst<C> = CstNode & { children: C };

export interface ModelChildren { name: Tokens; statement: Nodes<StatementChildren>; Semicolon: Tokens; RCurly: Tokens }
export interface StatementChildren {
  inputDecl: Nodes<InputDeclChildren>;
  maskDecl: Nodes<MaskDeclChildren>;
  outputDecl: Nodes<OutputDeclChildren>;
  assignment: Nodes<AssignmentChildren>;
}
export interface InputDeclChildren { name: Tokens; dtype: Tokens; dim: Nodes<DimChildren> }
export interface DimChildren { NumberLiteral: Tokens; Identifier: Tokens }
export interface MaskDeclChildren { name: Tokens; list: Nodes<ListChildren> }
export interface ListChildren { element: Nodes<ElementChildren> }
export interface ElementChildren { NumberLiteral: Tokens; list: Nodes<ListChildren> }
export interface OutputDeclChildren { Identifier: Tokens }
export interface AssignmentChildren { name: Tokens; op: Tokens; argument: Nodes<ArgumentChildren> }
export interface ArgumentChildren { name: Tokens; value: Nodes<ValueChildren> }
export interface ValueChildren { NumberLiteral: Tokens; Identifier: Tokens; list: Nodes<ListChildren> }

/**
 * What a syntax error expected, in the user's words, keyed by `rule:token` or `rule` (the found token is added by
 * syntax.ts). Lines after the first become notes.
 */
const EXPECTED: Record<string, string | ((previous: IToken) => string)> = {
  "model:Model": "expected 'model Name {' at the start of the file",
  "model:Identifier": "expected the model's name after 'model'",
  "model:LCurly": "expected '{' after the model's name",
  "model:RCurly": "expected a statement (input, mask, output or 'name = op(...)') or '}' to end the model",
  "inputDecl:Identifier": (p) =>
    p.tokenType === t.Colon ? "expected an element type after ':', as in 'f32[1, 4, 4, 3]'" : "expected a name after 'input'",
  "inputDecl:Colon": "expected ':' and a type after the input's name, as in 'input x: f32[1, 4, 4, 3]'",
  "inputDecl:LBracket": "expected '[' and the dimensions after the element type, as in 'f32[1, 4, 4, 3]'",
  "inputDecl:RBracket": "expected ']' or ',' after a dimension",
  dim: "expected a dimension: a whole number, or a name such as N for a size given at run time",
  "maskDecl:Identifier": "expected a name after 'mask'",
  "maskDecl:Equals": "expected '=' and a list after the mask's name, as in 'mask m = [[1, 0], [0, 1]]'",
  "list:LBracket": "expected a list after '=', as in '[[1, 0], [0, 1]]'",
  "list:RBracket": "expected ']' or ',' after a value in a list",
  element: "expected a number or '[' in a list",
  "outputDecl:Identifier": (p) => `expected a name after '${p.image}'`,
  "assignment:Equals": (p) => {
    const keyword = closest(p.image, t.KEYWORDS);
    const expectation = `expected '=' after '${p.image}', as in '${p.image} = conv2d(x, ...)'`;
    return keyword ? `${expectation}\nif '${p.image}' starts a declaration, did you mean '${keyword}'?` : expectation;
  },
  "assignment:Identifier": "expected an op name after '=', as in 'conv2d(x, filters=8, kernel=3)'",
  "assignment:LParen": (p) => `expected '(' and the arguments after '${p.image}'`,
  "assignment:RParen": (p) =>
    p.tokenType === t.LParen ? "expected an argument or ')' after '('" : "expected ')' or ',' after an argument",
  value: (p) =>
    p.tokenType === t.Equals
      ? "expected a value after '=': a number, a name or a list such as [3, 3]"
      : "expected an argument: a name, a number, a list or 'name=value'",
};

function expected(key: string, fallback: string, previous: IToken): string {
  const m = EXPECTED[key];
  if (m === undefined) return fallback;
  return typeof m === "string" ? m : m(previous);
}

function label(tokenType: TokenType): string {
  return typeof tokenType.LABEL === "string" ? tokenType.LABEL : tokenType.name;
}

const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected: e, previous, ruleName }) =>
    expected(`${ruleName}:${e.name}`, `expected ${label(e)}`, previous),
  buildNotAllInputParsedMessage: () => "expected the end of the file after the model's closing '}'; a file holds one model",
  buildNoViableAltMessage: ({ previous, ruleName, expectedPathsPerAlt }) => {
    const firsts = [...new Set(expectedPathsPerAlt.flatMap((alt) => alt.map((path) => label(path[0]!))))];
    return expected(ruleName, `expected ${firsts.join(" or ")}`, previous);
  },
  buildEarlyExitMessage: ({ ruleName, previous }) => expected(ruleName, "expected more input", previous),
};

/** The one parser instance; chevrotain parsers are reusable by setting `input`. */
export const parser = new MconvParser();
