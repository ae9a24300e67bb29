// The plain-JavaScript emitter table: one entry per op, each writing loops over Float32Array (the op families live
// in the sibling files). Inputs and params are fed by the generator (their identifiers are the fed arrays), so
// their entries emit nothing.

import type { Emitted, EmitterTable } from "../emitter.js";
import type { JsContext } from "./context.js";
import { logSoftmax, softmax } from "./activation.js";
import { emitConv2d, emitMaskedConv2d } from "./conv.js";
import { emitConv2dTranspose } from "./conv_transpose.js";
import { emitFusedConv2d } from "./fused.js";
import { biasAdd, binary, clamp, elu, gelu, leakyRelu, relu, sigmoid, tanh } from "./elementwise.js";
import { batchNorm, dense } from "./linear.js";
import { avgPool, maxPool } from "./pool.js";
import { concat, pad, reshape, slice, upsample } from "./shape.js";

const nothing: Emitted = { code: [] };

export const jsEmitters: EmitterTable<JsContext> = {
  input: () => nothing,
  param: () => nothing,
  constant: (node, value, ctx) => ({ code: [`const ${value.id} = ${ctx.constant(node.attrs.data)};`] }),
  conv2d: emitConv2d,
  masked_conv2d: emitMaskedConv2d,
  fused_conv2d: emitFusedConv2d,
  conv2d_transpose: emitConv2dTranspose,
  dense,
  add: binary("add"),
  sub: binary("sub"),
  mul: binary("mul"),
  div: binary("div"),
  reshape,
  concat,
  slice,
  pad,
  upsample,
  max_pool: maxPool,
  avg_pool: avgPool,
  batch_norm: batchNorm,
  bias_add: biasAdd,
  relu,
  tanh,
  sigmoid,
  leaky_relu: leakyRelu,
  elu,
  gelu,
  clamp,
  softmax,
  log_softmax: logSoftmax,
};
