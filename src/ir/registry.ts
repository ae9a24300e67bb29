// The op registry: one entry per op, gathered from the op-family files. The mapped type makes a missing entry a
// compile error, so adding an op to OpAttrs forces its shape rule and reference semantics to be written.

import type { OpKind } from "./node.js";
import type { OpDef } from "./ops/def.js";
import { elu, gelu, leaky_relu, log_softmax, softmax } from "./ops/activation.js";
import { conv2d, masked_conv2d } from "./ops/conv.js";
import { conv2d_transpose } from "./ops/conv_transpose.js";
import { fused_conv2d } from "./ops/fused.js";
import { add, bias_add, clamp, div, mul, relu, sigmoid, sub, tanh } from "./ops/elementwise.js";
import { batch_norm, dense } from "./ops/linear.js";
import { avg_pool, max_pool } from "./ops/pool.js";
import { concat, pad, reshape, slice, upsample } from "./ops/shape.js";
import { constant, input, param } from "./ops/source.js";

export const opDefs: { readonly [K in OpKind]: OpDef<K> } = {
  input,
  param,
  constant,
  conv2d,
  masked_conv2d,
  fused_conv2d,
  conv2d_transpose,
  dense,
  add,
  sub,
  mul,
  div,
  reshape,
  concat,
  slice,
  pad,
  upsample,
  max_pool,
  avg_pool,
  batch_norm,
  bias_add,
  relu,
  tanh,
  sigmoid,
  leaky_relu,
  elu,
  gelu,
  clamp,
  softmax,
  log_softmax,
};

export function isOpKind(name: string): name is OpKind {
  return Object.prototype.hasOwnProperty.call(opDefs, name);
}

export function opDef<K extends OpKind>(op: K): OpDef<K> {
  return opDefs[op] as unknown as OpDef<K>;
}
