// Every op the language has, by name: the table calls are looked up in. The families are in ops-*.ts.

import type { OpLowering } from "./layer.js";
import { conv2d, conv2d_transpose, dense, depthwise_conv2d } from "./ops-conv.js";
import { ELEMENTWISE } from "./ops-elementwise.js";
import { partial_conv2d } from "./ops-partial.js";
import { SHAPE_OPS } from "./ops-shape.js";

const OPS: Readonly<Record<string, OpLowering>> = {
  conv2d,
  depthwise_conv2d,
  conv2d_transpose,
  dense,
  partial_conv2d,
  ...ELEMENTWISE,
  ...SHAPE_OPS,
};

export const OP_NAMES: readonly string[] = Object.keys(OPS);

export function opLowering(name: string): OpLowering | undefined {
  return Object.prototype.hasOwnProperty.call(OPS, name) ? OPS[name] : undefined;
}
