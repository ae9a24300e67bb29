// The tfjs emitter table: one entry per op, each a tfjs call. Convolutions get their padding resolved to pixels;
// strides > 1 with dilations > 1 (which tfjs refuses) become a stride-1 dilated conv and an exact strided slice.

import type { Dim } from "../../ir/types.js";
import type { Emitted, EmitterTable } from "../emitter.js";
import { jsIdentifier } from "../escape.js";
import { type SymbolIds, float32Expr, shapeExpr } from "../literals.js";
import type { ConvPlan, Plan, PlannedValue } from "../lower.js";
import type { HelperName } from "../runtime.js";

export interface TfjsContext {
  readonly plan: Plan;
  readonly helpers: Set<HelperName>;
  /** The identifier of the Float32Array fed for an input or param. */
  fedId(v: PlannedValue): string;
}

function ref(ctx: TfjsContext, name: string): string {
  return ctx.plan.value(name).id;
}

function shape(ctx: TfjsContext, s: readonly Dim[]): string {
  return shapeExpr(s, ctx.plan.symbols as SymbolIds);
}

function define(value: PlannedValue, expr: string): Emitted {
  return { code: [`const ${value.id} = ${expr};`] };
}

/** The conv itself, as an expression over the input `x` and kernel `k` identifiers. */
function convExpr(c: ConvPlan, x: string, k: string): { expr: string; note?: string } {
  const [t, b, l, r] = c.pads;
  const pad = t + b + l + r === 0 ? `"valid"` : `[[0, 0], [${t}, ${b}], [${l}, ${r}], [0, 0]]`;
  const [sh, sw] = c.strides;
  const [dh, dw] = c.dilations;
  const strided = sh > 1 || sw > 1;
  const dilated = dh > 1 || dw > 1;
  if (!(strided && dilated)) {
    return { expr: `tf.conv2d(${x}, ${k}, [${sh}, ${sw}], ${pad}, "NHWC", [${dh}, ${dw}])` };
  }
  return {
    expr:
      `tf.stridedSlice(tf.conv2d(${x}, ${k}, [1, 1], ${pad}, "NHWC", [${dh}, ${dw}]), ` +
      `[0, 0, 0, 0], [0, 0, 0, 0], [1, ${sh}, ${sw}, 1], 15, 15)`,
    note: `// tfjs refuses strides > 1 with dilations > 1: a stride-1 conv, then a slice with steps ${sh} (rows) and ${sw} (columns)`,
  };
}

export const tfjsEmitters: EmitterTable<TfjsContext> = {
  input: (_node, value, ctx) => define(value, `tf.tensor(${ctx.fedId(value)}, ${shape(ctx, value.shape)}, "float32")`),
  param: (_node, value, ctx) => define(value, `tf.tensor(${ctx.fedId(value)}, ${shape(ctx, value.shape)}, "float32")`),
  constant: (node, value, ctx) => {
    const { expr, usesDecoder } = float32Expr(node.attrs.data);
    if (usesDecoder) ctx.helpers.add("decodeF32");
    return define(value, `tf.tensor(${expr}, ${shape(ctx, value.shape)}, "float32")`);
  },
  conv2d: (node, value, ctx) => {
    const [x, k] = node.operands.map((o) => ref(ctx, o)) as [string, string];
    const { expr, note } = convExpr(value.conv!, x, k);
    return { code: [...(note ? [note] : []), `const ${value.id} = ${expr};`] };
  },
  masked_conv2d: (node, value, ctx) => {
    const c = value.conv!;
    const [x, k, m] = node.operands.map((o) => ref(ctx, o)) as [string, string, string];
    const maskValue = ctx.plan.value(node.operands[2]!);
    const asKernel = maskValue.shape.length === 4 ? m : `tf.reshape(${m}, [${c.maskShape!.join(", ")}])`;
    const kernel = jsIdentifier(`${value.id}kernel`);
    const masking = `const ${kernel} = tf.mul(${k}, ${asKernel});`;
    const { expr, note } = convExpr(c, x, kernel);
    const conv = [...(note ? [note] : []), `const ${value.id} = ${expr};`];
    // A mask known at load time (kernel too) is applied once in load(), and the product kept.
    const staticMask = node.operands.slice(1).every((o) => ctx.plan.value(o).stage === "load");
    return staticMask ? { setup: [masking], keep: [kernel], code: conv } : { code: [masking, ...conv] };
  },
  mul: (node, value, ctx) => define(value, `tf.mul(${ref(ctx, node.operands[0]!)}, ${ref(ctx, node.operands[1]!)})`),
  reshape: (node, value, ctx) => define(value, `tf.reshape(${ref(ctx, node.operands[0]!)}, ${shape(ctx, value.shape)})`),
  bias_add: (node, value, ctx) => define(value, `tf.add(${ref(ctx, node.operands[0]!)}, ${ref(ctx, node.operands[1]!)})`),
  relu: (node, value, ctx) => define(value, `tf.relu(${ref(ctx, node.operands[0]!)})`),
  tanh: (node, value, ctx) => define(value, `tf.tanh(${ref(ctx, node.operands[0]!)})`),
  sigmoid: (node, value, ctx) => define(value, `tf.sigmoid(${ref(ctx, node.operands[0]!)})`),
};
