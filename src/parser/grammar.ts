// The .mconv grammar as a chevrotain CstParser: rules only, no embedded actions, error recovery on; and the
// syntax-error wording. The node shapes are in cst.ts, meaning is given by lower.ts; entry is parse.ts.
//
//   file       := (model | block)*                                      one model, checked by syntax.ts
//   model      := 'model' NAME '{' (statement | ';')* '}'
//   block      := 'block' NAME '(' (param (',' param)*)? ')' '{' (statement | ';')* '}'     param := NAME ('=' expr)?
//   statement  := inputDecl | maskDecl | outputDecl | returnStmt | assignment
//   inputDecl  := 'input' NAME ':' NAME '[' dim (',' dim)* ']' ('within' expr)?     dim := NUMBER | NAME
//   maskDecl   := 'mask' NAME '=' expr
//   outputDecl := 'output' NAME (',' NAME)*
//   returnStmt := 'return' expr (',' expr)*
//   assignment := NAME (',' NAME)* '=' ('repeat' (NUMBER | NAME))? NAME '(' arguments? ')'
//   arguments  := argument (',' argument)*                              argument := ((NAME | 'mask') '=')? expr
//   expr       := NUMBER | STRING | list | NAME ('(' arguments? ')')?   list := '[' expr (',' expr)* ']'

import { type CstNode, CstParser, type IOrAlt, type IParserErrorMessageProvider, type IRecognitionException, type IToken, type TokenType } from "chevrotain";
import { closest } from "./spelling.js";
import * as t from "./tokens.js";

export class MconvParser extends CstParser {
  /**
   * Each OR's alternatives, made on its first call and reused (chevrotain's advice for hot rules): a literal array
   * of closures would be rebuilt on every call — per statement, argument and value of a 10,000-line model.
   */
  private readonly alts: { [rule: string]: IOrAlt<unknown>[] } = {};

  /**
   * Starts the parse-tree node of a rule: chevrotain's own (an internal of chevrotain 11, not in its typings; were
   * it renamed, nodes would simply be chevrotain's again) gives `children` a null prototype, which V8 keeps as a
   * hash table — most of a large file's parse tree. A plain object holds the few labels a rule has in place. No
   * label of the grammar is a name of Object.prototype, and the tree is read by label only.
   */
  cstInvocationStateUpdate(fullRuleName: string): void {
    const node = { name: fullRuleName, children: {} };
    (this as unknown as { setInitialNodeLocation(node: object): void }).setInitialNodeLocation(node);
    (this as unknown as { CST_STACK: object[] }).CST_STACK.push(node);
  }

  constructor() {
    super(t.allTokens, { recoveryEnabled: true, maxLookahead: 2, nodeLocationTracking: "onlyOffset", errorMessageProvider });
    this.performSelfAnalysis();
  }

  readonly file = this.RULE("file", () => {
    this.MANY(() => this.OR((this.alts.file ??= [{ ALT: () => this.SUBRULE(this.model) }, { ALT: () => this.SUBRULE(this.block) }])));
  });

  readonly model = this.RULE("model", () => {
    this.CONSUME(t.Model);
    this.CONSUME(t.Identifier, { LABEL: "name" });
    this.CONSUME(t.LCurly);
    this.MANY(() => this.OR((this.alts.body ??= [{ ALT: () => this.SUBRULE(this.statement) }, { ALT: () => this.CONSUME(t.Semicolon) }])));
    this.CONSUME(t.RCurly);
  });

  readonly block = this.RULE("block", () => {
    this.CONSUME(t.Block);
    this.CONSUME(t.Identifier, { LABEL: "name" });
    this.CONSUME(t.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.param);
      this.MANY(() => {
        this.CONSUME(t.Comma);
        this.SUBRULE2(this.param);
      });
    });
    this.CONSUME(t.RParen);
    this.CONSUME(t.LCurly);
    this.MANY2(() => this.OR((this.alts.body ??= [{ ALT: () => this.SUBRULE(this.statement) }, { ALT: () => this.CONSUME(t.Semicolon) }])));
    this.CONSUME(t.RCurly);
  });

  readonly param = this.RULE("param", () => {
    this.CONSUME(t.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(t.Equals);
      this.SUBRULE(this.expr);
    });
  });

  readonly statement = this.RULE("statement", () => {
    this.OR((this.alts.statement ??= [
      { ALT: () => this.SUBRULE(this.inputDecl) },
      { ALT: () => this.SUBRULE(this.maskDecl) },
      { ALT: () => this.SUBRULE(this.outputDecl) },
      { ALT: () => this.SUBRULE(this.returnStmt) },
      { ALT: () => this.SUBRULE(this.assignment) },
    ]));
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
    this.OPTION(() => {
      this.CONSUME(t.Within);
      this.SUBRULE(this.expr, { LABEL: "support" });
    });
  });

  readonly dim = this.RULE("dim", () => {
    this.OR((this.alts.dim ??= [{ ALT: () => this.CONSUME(t.NumberLiteral) }, { ALT: () => this.CONSUME(t.Identifier) }]));
  });

  readonly maskDecl = this.RULE("maskDecl", () => {
    this.CONSUME(t.Mask);
    this.CONSUME(t.Identifier, { LABEL: "name" });
    this.CONSUME(t.Equals);
    this.SUBRULE(this.expr);
  });

  readonly outputDecl = this.RULE("outputDecl", () => {
    this.CONSUME(t.Output);
    this.CONSUME(t.Identifier);
    this.MANY(() => {
      this.CONSUME(t.Comma);
      this.CONSUME2(t.Identifier);
    });
  });

  readonly returnStmt = this.RULE("returnStmt", () => {
    this.CONSUME(t.Return);
    this.SUBRULE(this.expr);
    this.MANY(() => {
      this.CONSUME(t.Comma);
      this.SUBRULE2(this.expr);
    });
  });

  readonly assignment = this.RULE("assignment", () => {
    this.CONSUME(t.Identifier, { LABEL: "name" });
    this.MANY(() => {
      this.CONSUME(t.Comma);
      this.CONSUME2(t.Identifier, { LABEL: "name" });
    });
    this.CONSUME(t.Equals);
    this.OPTION(() => {
      this.CONSUME(t.Repeat);
      this.OR((this.alts.count ??= [
        { ALT: () => this.CONSUME(t.NumberLiteral, { LABEL: "count" }) },
        { ALT: () => this.CONSUME3(t.Identifier, { LABEL: "count" }) },
      ]));
    });
    this.CONSUME4(t.Identifier, { LABEL: "op" });
    this.CONSUME(t.LParen);
    this.OPTION2(() => this.SUBRULE(this.arguments));
    this.CONSUME(t.RParen);
  });

  readonly arguments = this.RULE("arguments", () => {
    this.SUBRULE(this.argument);
    this.MANY(() => {
      this.CONSUME(t.Comma);
      this.SUBRULE2(this.argument);
    });
  });

  readonly argument = this.RULE("argument", () => {
    this.OPTION(() => {
      this.OR((this.alts.argName ??= [
        { ALT: () => this.CONSUME(t.Identifier, { LABEL: "name" }) },
        { ALT: () => this.CONSUME(t.Mask, { LABEL: "name" }) },
      ]));
      this.CONSUME(t.Equals);
    });
    this.SUBRULE(this.expr);
  });

  readonly expr = this.RULE("expr", () => {
    this.OR((this.alts.expr ??= [
      { ALT: () => this.CONSUME(t.NumberLiteral) },
      { ALT: () => this.CONSUME(t.StringLiteral) },
      { ALT: () => this.SUBRULE(this.list) },
      {
        ALT: () => {
          this.CONSUME(t.Identifier);
          this.OPTION(() => {
            this.CONSUME(t.LParen);
            this.OPTION2(() => this.SUBRULE(this.arguments));
            this.CONSUME(t.RParen);
          });
        },
      },
    ]));
  });

  readonly list = this.RULE("list", () => {
    this.CONSUME(t.LBracket);
    this.SUBRULE(this.expr);
    this.MANY(() => {
      this.CONSUME(t.Comma);
      this.SUBRULE2(this.expr);
    });
    this.CONSUME(t.RBracket);
  });
}

const STATEMENTS = "a statement (input, mask, output or 'name = op(...)')";
const VALUE = "a number, a name, a list such as [3, 3] or a call such as causal(3, type=A)";

/**
 * What a syntax error expected, in the user's words, keyed by `rule:token` or `rule` (the found token is added by
 * syntax.ts). Lines after the first become notes.
 */
const EXPECTED: Record<string, string | ((previous: IToken, found?: IToken) => string)> = {
  "model:Identifier": "expected the model's name after 'model'",
  "model:LCurly": "expected '{' after the model's name",
  "model:RCurly": `expected ${STATEMENTS} or '}' to end the model`,
  "block:Identifier": "expected the block's name after 'block'",
  "block:LParen": "expected '(' and the block's parameters after its name, as in 'block residual(x, channels) {'",
  "block:RParen": (p) => (p.tokenType === t.LParen ? "expected a parameter name or ')' after '('" : "expected ')' or ',' after a parameter"),
  "block:LCurly": "expected '{' after the block's parameters",
  "block:RCurly": `expected ${STATEMENTS.replace("output", "return")} or '}' to end the block`,
  "param:Identifier": "expected a parameter name after ','",
  "inputDecl:Identifier": (p) =>
    p.tokenType === t.Colon ? "expected an element type after ':', as in 'f32[1, 4, 4, 3]'" : "expected a name after 'input'",
  "inputDecl:Colon": "expected ':' and a type after the input's name, as in 'input x: f32[1, 4, 4, 3]'",
  "inputDecl:LBracket": "expected '[' and the dimensions after the element type, as in 'f32[1, 4, 4, 3]'",
  "inputDecl:RBracket": "expected ']' or ',' after a dimension",
  dim: "expected a dimension: a whole number, or a name such as N for a size given at run time",
  "maskDecl:Identifier": "expected a name after 'mask'",
  "maskDecl:Equals": "expected '=' and a mask after the mask's name, as in 'mask m = [[1, 0], [0, 1]]' or 'mask m = causal(3, type=A)'",
  "list:RBracket": "expected ']' or ',' after a value in a list",
  "outputDecl:Identifier": (p) => `expected a name after '${p.image}'`,
  "assignment:Equals": (p) => {
    const keyword = closest(p.image, t.KEYWORDS);
    const expectation = `expected '=' after '${p.image}', as in '${p.image} = conv2d(x, ...)'`;
    return keyword ? `${expectation}\nif '${p.image}' starts a declaration, did you mean '${keyword}'?` : expectation;
  },
  "assignment:Identifier": (p, found) => {
    if (p.tokenType === t.Comma) return "expected a name after ',', as in 'y, m = partial_conv2d(x, m, ...)'";
    if (p.tokenType === t.Identifier && found?.tokenType === t.LParen) {
      return `expected a repeat count before '${p.image}', as in 'repeat 15 ${p.image}(...)'`;
    }
    if (p.tokenType === t.Repeat || p.tokenType === t.NumberLiteral || p.tokenType === t.Identifier) {
      return "expected a block or op call after the repeat count, as in 'r = repeat 15 residual(x, channels=64)'";
    }
    return "expected an op name after '=', as in 'conv2d(x, filters=8, kernel=3)'";
  },
  assignment: "expected a repeat count after 'repeat': a whole number, as in 'repeat 15 residual(x)'",
  "assignment:LParen": (p) => `expected '(' and the arguments after '${p.image}'`,
  "assignment:RParen": (p) =>
    p.tokenType === t.LParen ? "expected an argument or ')' after '('" : "expected ')' or ',' after an argument",
  "expr:RParen": (p) =>
    p.tokenType === t.LParen ? "expected an argument or ')' after '('" : "expected ')' or ',' after an argument",
  expr: (p) => {
    if (p.tokenType === t.Equals) return `expected a value after '=': ${VALUE}`;
    if (p.tokenType === t.Return) return "expected a value after 'return', as in 'return y'";
    if (p.tokenType === t.LBracket) return "expected a number or '[' in a list";
    return `expected an argument: ${VALUE}, or 'name=value'`;
  },
};

function expected(key: string, fallback: string, previous: IToken, found?: IToken): string {
  const m = EXPECTED[key];
  if (m === undefined) return fallback;
  return typeof m === "string" ? m : m(previous, found);
}

function label(tokenType: TokenType): string {
  return typeof tokenType.LABEL === "string" ? tokenType.LABEL : tokenType.name;
}

/** What the top level expected when it found `found`: a model or a block. */
function topLevel(found: IToken): string {
  return [t.Input, t.Mask, t.Output, t.Return, t.Identifier].includes(found.tokenType)
    ? "expected 'model Name {' or 'block name(...) {'; statements go inside a model or a block"
    : "expected 'model Name {' or 'block name(...) {'";
}

/**
 * Recovery costs per syntax error (an exception that keeps its context until the end): a file of errors is parsed
 * only up to this many, rather than for a minute and gigabytes (a megabyte of commas makes a million errors).
 */
export const MAX_PARSE_ERRORS = 200;

/** Thrown out of the parser, from the message of the error past MAX_PARSE_ERRORS, to stop it. */
class TooManyErrors extends Error {}

let errorsLeft = Infinity;

/** Every syntax error's message is built here first, which makes it the place to count them. */
function counted<A>(build: (args: A) => string): (args: A) => string {
  return (args) => {
    if (--errorsLeft < 0) throw new TooManyErrors();
    return build(args);
  };
}

const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: counted(({ expected: e, actual, previous, ruleName }) =>
    ruleName === "file" ? topLevel(actual) : expected(`${ruleName}:${e.name}`, `expected ${label(e)}`, previous, actual),
  ),
  buildNotAllInputParsedMessage: counted(({ firstRedundant }) => topLevel(firstRedundant)),
  buildNoViableAltMessage: counted(({ previous, ruleName, expectedPathsPerAlt }) => {
    const firsts = [...new Set(expectedPathsPerAlt.flatMap((alt) => alt.map((path) => label(path[0]!))))];
    return expected(ruleName, `expected ${firsts.join(" or ")}`, previous);
  }),
  buildEarlyExitMessage: counted(({ ruleName, previous }) => expected(ruleName, "expected more input", previous)),
};

/** The one parser instance; chevrotain parsers are reusable by setting `input`. Use it through parseTokens. */
const parser = new MconvParser();

/**
 * Parses a file's tokens: its tree and syntax errors, or, when it has more than MAX_PARSE_ERRORS, the first ones
 * and no tree (`stopped`).
 */
export function parseTokens(tokens: IToken[]): { cst?: CstNode; errors: IRecognitionException[]; stopped: boolean } {
  parser.input = tokens;
  errorsLeft = MAX_PARSE_ERRORS;
  try {
    const cst = parser.file();
    return { cst, errors: parser.errors, stopped: false };
  } catch (e) {
    if (!(e instanceof TooManyErrors)) throw e;
    return { errors: parser.errors, stopped: true };
  } finally {
    errorsLeft = Infinity;
    // The one parser outlives the parse: without this it would hold the file's tokens (and with them every parse
    // tree node's location) until the next parse — for a 10,000-line model most of the heap while passes run.
    parser.input = [];
  }
}
