// The typed shapes of the parse-tree nodes grammar.ts builds: one interface per rule, its children by label or
// token name. With recovery a node may lack parts, so every field is optional; lowering only visits trees of
// error-free parses.

import type { CstNode, IToken } from "chevrotain";

type Tokens = IToken[] | undefined;
type Nodes<C> = Cst<C>[] | undefined;
export type Cst<C> = CstNode & { children: C };

export interface FileChildren { model: Nodes<ModelChildren>; block: Nodes<BlockChildren> }
/** A model or a block: a name and a body of statements. */
export interface BodyChildren { name: Tokens; statement: Nodes<StatementChildren>; Semicolon: Tokens; RCurly: Tokens }
export interface ModelChildren extends BodyChildren { Model: Tokens }
export interface BlockChildren extends BodyChildren { Block: Tokens; param: Nodes<ParamChildren> }
export interface ParamChildren { name: Tokens; expr: Nodes<ExprChildren> }
export interface StatementChildren {
  inputDecl: Nodes<InputDeclChildren>;
  maskDecl: Nodes<MaskDeclChildren>;
  outputDecl: Nodes<OutputDeclChildren>;
  returnStmt: Nodes<ReturnStmtChildren>;
  assignment: Nodes<AssignmentChildren>;
}
/** `input m: f32[7, 7] within causal(7, type=A)`: `support` is the mask after `within`. */
export interface InputDeclChildren { name: Tokens; dtype: Tokens; dim: Nodes<DimChildren>; Within: Tokens; support: Nodes<ExprChildren> }
export interface DimChildren { NumberLiteral: Tokens; Identifier: Tokens }
export interface MaskDeclChildren { name: Tokens; expr: Nodes<ExprChildren> }
export interface OutputDeclChildren { Identifier: Tokens }
export interface ReturnStmtChildren { Return: Tokens; expr: Nodes<ExprChildren> }
/** `a, b = repeat 3 op(arguments)`: `name` holds every bound name, `count` the repeat count. */
export interface AssignmentChildren { name: Tokens; Repeat: Tokens; count: Tokens; op: Tokens; arguments: Nodes<ArgumentsChildren> }
export interface ArgumentsChildren { argument: Nodes<ArgumentChildren> }
export interface ArgumentChildren { name: Tokens; expr: Nodes<ExprChildren> }
/** A number, a string, a list, a name, or a call `name(arguments)` (then `LParen` is present). */
export interface ExprChildren {
  NumberLiteral: Tokens;
  StringLiteral: Tokens;
  list: Nodes<ListChildren>;
  Identifier: Tokens;
  LParen: Tokens;
  arguments: Nodes<ArgumentsChildren>;
}
export interface ListChildren { expr: Nodes<ExprChildren> }
