// Slicing a value while rebuilding a graph, shared by the kernel-cropping passes: a constant is sliced here, at
// compile time, into a smaller constant; anything else gets a slice node (load-time when its operand is).

import type { GraphBuilder, NodeOptions, Value } from "../ir/builder.js";
import { opDef } from "../ir/registry.js";

/** `size` elements of `v` from `begin` along `axis`; `v` itself when that is all of it. */
export function sliceOf(b: GraphBuilder, v: Value, axis: number, begin: number, size: number, opts: NodeOptions): Value {
  if (begin === 0 && size === v.type.shape[axis]) return v;
  const attrs = { axis, begin, size };
  const node = b.nodeOf(v);
  if (node?.op === "constant") {
    const shape = node.attrs.shape as number[];
    const out = shape.map((d, i) => (i === axis ? size : d));
    const sliced = opDef("slice").reference!([{ shape, data: Float64Array.from(node.attrs.data) }], attrs, out);
    return b.constant(out, Float32Array.from(sliced.data), opts);
  }
  return b.add("slice", [v], attrs, opts);
}

/** The rows [r0, r0 + rows) and columns [c0, c0 + cols) of a value whose first two axes are height and width. */
export function windowOf(b: GraphBuilder, v: Value, r0: number, rows: number, c0: number, cols: number, opts: NodeOptions): Value {
  const whole = cols === v.type.shape[1];
  const byRows = sliceOf(b, v, 0, r0, rows, whole ? opts : { ...opts, hint: opts.hint && `${opts.hint}.rows` });
  return sliceOf(b, byRows, 1, c0, cols, opts);
}
