// The convolutions as GraphDef nodes. Padding in pixels becomes EXPLICIT padding (VALID when there is none); a
// run-time mask multiplies the filter (Mul, with the mask reshaped to its left-aligned kernel shape); depthwise
// convs become DepthwiseConv2dNative with the filter [kh, kw, C, M]; other groups split, convolve and concat. A
// conv whose only use is a bias_add, and that one's an activation tfjs fuses, becomes one _FusedConv2D.

import type { Diagnostic } from "../../diagnostics.js";
import type { AnyNode, FusedActivation, Node } from "../../ir/node.js";
import type { ConvPlan, PlannedValue } from "../lower.js";
import { type Fusion, type GraphContext, type GraphEmitter, cannotExpress, constantOf, tensor } from "./context.js";
import { type AttrValue, attr } from "./graphdef.js";

/** Activations _FusedConv2D applies after its BiasAdd, by IR op, with their fused_ops names. */
const FUSED_ACTIVATIONS: Partial<Record<AnyNode["op"], string>> = { relu: "Relu", sigmoid: "Sigmoid", elu: "Elu", leaky_relu: "LeakyRelu" };

/** fused_conv2d's activations as _FusedConv2D's fused_ops names (linear: BiasAdd alone). */
const FUSED_OPS: Record<FusedActivation, string | undefined> = { linear: undefined, relu: "Relu", relu6: "Relu6", elu: "Elu", leakyrelu: "LeakyRelu", sigmoid: "Sigmoid" };

type AnyConv = Node<"conv2d"> | Node<"masked_conv2d"> | Node<"fused_conv2d">;

/** Convs that fuse with the bias_add (and activation) after them: each the sole use of the one before. */
export function findFusions(ctx: Omit<GraphContext, "fusions">): Map<string, Fusion> {
  const { plan } = ctx.frozen;
  const uses = new Map<string, AnyNode[]>();
  for (const v of ctx.frozen.computed) for (const o of v.node.operands) uses.set(o, [...(uses.get(o) ?? []), v.node]);
  const outputs = new Set(plan.outputs.map((o) => o.value.node.name));
  const only = (name: string) => (outputs.has(name) ? undefined : uses.get(name)?.length === 1 ? uses.get(name)![0] : undefined);
  const fusions = new Map<string, Fusion>();
  for (const v of ctx.frozen.computed) {
    const n = v.node;
    if ((n.op !== "conv2d" && n.op !== "masked_conv2d") || v.conv!.groups !== 1 || !convExpressible(v.conv!)) continue;
    const add = only(n.name);
    if (!add || add.op !== "bias_add" || add.operands[0] !== n.name || !constantOf(ctx, add.operands[1]!)) continue;
    const act = only(add.name);
    const fusable = act && FUSED_ACTIVATIONS[act.op] !== undefined && (act.op !== "elu" || act.attrs.alpha === 1);
    fusions.set(n.name, { bias: add.operands[1]!, biasAdd: add.name, ...(fusable ? { activation: act } : {}) });
  }
  return fusions;
}

function convExpressible(c: ConvPlan): boolean {
  return !(c.strides.some((s) => s > 1) && c.dilations.some((d) => d > 1));
}

/** strides, dilations, padding and data_format as Conv2D takes them. */
function convAttrs(c: ConvPlan): Record<string, AttrValue> {
  const [t, b, l, r] = c.pads;
  const none = t + b + l + r === 0;
  return {
    T: attr.float32,
    strides: attr.ints([1, c.strides[0], c.strides[1], 1]),
    dilations: attr.ints([1, c.dilations[0], c.dilations[1], 1]),
    padding: attr.string(none ? "VALID" : "EXPLICIT"),
    ...(none ? {} : { explicit_paddings: attr.ints([0, 0, t, b, l, r, 0, 0]) }),
    data_format: attr.string("NHWC"),
  };
}

/** The filter tensor: the kernel, times the mask reshaped to [kh, kw, in or 1, out or 1] when there is one. */
function filterOf(node: AnyConv, value: PlannedValue, ctx: GraphContext): string {
  const k = tensor(ctx, node.operands[1]!);
  const maskOperand = node.op === "masked_conv2d" ? node.operands[2] : node.op === "fused_conv2d" ? node.operands[3] : undefined;
  if (maskOperand === undefined) return k;
  const shape = ctx.b.constInt(`${value.id}/mask_shape`, [4], value.conv!.maskShape!);
  const mask = ctx.b.node(`${value.id}/mask`, "Reshape", [tensor(ctx, maskOperand), shape], { T: attr.float32, Tshape: attr.int32 });
  return ctx.b.node(`${value.id}/filter`, "Mul", [k, mask], { T: attr.float32 });
}

/** One _FusedConv2D: the conv, BiasAdd, then `activation` (a fused_ops name, none for linear; `alpha` for LeakyRelu). */
function fusedConvNode(ctx: GraphContext, c: ConvPlan, id: string, inputs: [string, string, string], activation: string | undefined, alpha: number): string {
  return ctx.b.node(id, "_FusedConv2D", inputs, {
    ...convAttrs(c),
    num_args: attr.int(1),
    fused_ops: attr.strings(["BiasAdd", ...(activation ? [activation] : [])]),
    epsilon: attr.float(0),
    ...(activation === "LeakyRelu" ? { leakyrelu_alpha: attr.float(alpha) } : {}),
  });
}

/**
 * fused_conv2d: one _FusedConv2D when the conv is a plain one (groups 1); otherwise the conv's own nodes, then
 * BiasAdd and the activation as separate nodes.
 */
function emitFused(node: Node<"fused_conv2d">, value: PlannedValue, ctx: GraphContext): string | Diagnostic {
  const c = value.conv!;
  const { activation, alpha } = node.attrs;
  if (c.groups === 1 && convExpressible(c)) {
    return fusedConvNode(ctx, c, value.id, [tensor(ctx, node.operands[0]!), filterOf(node, value, ctx), tensor(ctx, node.operands[2]!)], FUSED_OPS[activation], alpha);
  }
  const conv = emitConv(node, { ...value, id: `${value.id}/conv` }, ctx);
  if (typeof conv !== "string") return conv;
  const op = FUSED_OPS[activation];
  const biasId = op ? `${value.id}/biased` : value.id;
  const biased = ctx.b.node(biasId, "BiasAdd", [conv, tensor(ctx, node.operands[2]!)], { T: attr.float32, data_format: attr.string("NHWC") });
  if (!op) return biased;
  return ctx.b.node(value.id, op, [biased], { T: attr.float32, ...(activation === "leakyrelu" ? { alpha: attr.float(alpha) } : {}) });
}

function emitConv(node: AnyConv, value: PlannedValue, ctx: GraphContext): string | Diagnostic {
  const c = value.conv!;
  if (!convExpressible(c)) {
    return cannotExpress(node, "a tfjs GraphModel", `strides [${c.strides.join(", ")}] together with dilations [${c.dilations.join(", ")}] (tfjs refuses both above 1)`);
  }
  const x = tensor(ctx, node.operands[0]!);
  const filter = filterOf(node, value, ctx);
  const [kh, kw] = c.kernelSize;
  if (c.groups === 1) {
    const fused = node.op === "fused_conv2d" ? undefined : ctx.fusions.get(node.name);
    if (!fused) return ctx.b.node(value.id, "Conv2D", [x, filter], convAttrs(c));
    const act = fused.activation;
    const alpha = act?.op === "leaky_relu" ? act.attrs.alpha : 0;
    const out = fusedConvNode(ctx, c, value.id, [x, filter, tensor(ctx, fused.bias)], act ? FUSED_ACTIVATIONS[act.op]! : undefined, alpha);
    ctx.absorbed.set(fused.biasAdd, out);
    if (act) ctx.absorbed.set(act.name, out);
    return out;
  }
  if (c.groups === c.inChannels) {
    const m = c.outChannels / c.groups;
    // The kernel [kh, kw, 1, C·M] is the depthwise filter [kh, kw, C, M] in the same row-major order.
    const known = node.op === "conv2d" || (node.op === "fused_conv2d" && node.operands.length === 3) ? constantOf(ctx, node.operands[1]!) : undefined;
    const depthwise = known
      ? ctx.b.constFloat(`${value.id}/depthwise_filter`, [kh, kw, c.inChannels, m], known)
      : ctx.b.node(`${value.id}/depthwise_filter`, "Reshape", [filter, ctx.b.constInt(`${value.id}/depthwise_shape`, [4], [kh, kw, c.inChannels, m])], { T: attr.float32, Tshape: attr.int32 });
    return ctx.b.node(value.id, "DepthwiseConv2dNative", [x, depthwise], convAttrs(c));
  }
  // Groups: split the input and the filter into G blocks of channels, one Conv2D each, joined along channels.
  const axis = ctx.b.constInt(`${value.id}/channel_axis`, [], [3]);
  const split = { T: attr.float32, num_split: attr.int(c.groups) };
  const xs = ctx.b.node(`${value.id}/inputs`, "Split", [axis, x], split);
  const ks = ctx.b.node(`${value.id}/filters`, "Split", [axis, filter], split);
  const parts = Array.from({ length: c.groups }, (_, g) => ctx.b.node(`${value.id}/group${g}`, "Conv2D", [`${xs}:${g}`, `${ks}:${g}`], convAttrs(c)));
  return ctx.b.node(value.id, "ConcatV2", [...parts, axis], { T: attr.float32, N: attr.int(c.groups), Tidx: attr.int32 });
}

export const conv2d: GraphEmitter<"conv2d"> = emitConv;
export const maskedConv2d: GraphEmitter<"masked_conv2d"> = emitConv;
export const fusedConv2d: GraphEmitter<"fused_conv2d"> = emitFused;
