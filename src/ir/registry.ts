// The op registry: one entry per op, gathered from the op-family files. The mapped type makes a missing entry a
// compile error, so adding an op to OpAttrs forces its shape rule and reference semantics to be written.

import type { OpKind } from "./node.js";
import type { OpDef } from "./ops/def.js";
import { conv2d, masked_conv2d } from "./ops/conv.js";
import { bias_add, mul, relu, sigmoid, tanh } from "./ops/elementwise.js";
import { reshape } from "./ops/shape.js";
import { constant, input, param } from "./ops/source.js";

export const opDefs: { readonly [K in OpKind]: OpDef<K> } = {
  input,
  param,
  constant,
  conv2d,
  masked_conv2d,
  mul,
  reshape,
  bias_add,
  relu,
  tanh,
  sigmoid,
};

export function isOpKind(name: string): name is OpKind {
  return Object.prototype.hasOwnProperty.call(opDefs, name);
}

export function opDef<K extends OpKind>(op: K): OpDef<K> {
  return opDefs[op] as unknown as OpDef<K>;
}
