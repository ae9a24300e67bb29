// Layers with weights: conv2d (grouped, masked), depthwise_conv2d, conv2d_transpose and dense. Each makes its
// params `y.kernel` and `y.bias`, the core node (`y.conv`), then bias_add and the activation (layer.ts).

import { type Span, error } from "../../diagnostics.js";
import type { Value } from "../../ir/builder.js";
import type { Conv2dAttrs } from "../../ir/node.js";
import { convGeometry, maskFitProblem } from "../../ir/ops/conv.js";
import { formatShape } from "../../ir/types.js";
import type { Read } from "./arguments.js";
import { type OpCall, named } from "./context.js";
import { coreName, declaredAt, defineOp, finishLayer, nhwc, poisoned } from "./layer.js";
import type { Activation, MaskArg } from "./readers.js";
import { type ConvChannels, within } from "./values.js";

const INPUT = { kind: "tensor", required: "an input", role: "input" } as const;
const FILTERS = { kind: "count", required: "the number of output channels", example: "filters=8" } as const;
const KERNEL = { kind: "size2", required: "the kernel's height and width", example: "kernel=3" } as const;
const TAIL = { bias: { kind: "bool" }, activation: { kind: "activation" } } as const;

/** The node a mask argument stands for: a declared mask or input as is, else a constant `y.mask` sized by the conv. */
function maskValue(call: OpCall, mask: Read<MaskArg>, conv: ConvChannels): Value | undefined {
  const m = mask.value;
  if (m.node) return m.node;
  const expr = m.expr!;
  const data = expr.sized ? expr.make(conv) : expr.data;
  if ("code" in data) {
    const notes = within(data.span, call.span) ? [] : [{ message: `used as the mask of '${call.names[0]}' here`, span: mask.span }];
    call.lw.report({ ...data, notes: [...data.notes, ...notes] });
    return undefined;
  }
  return call.lw.b.constant(data.shape, data.data, named(call, "mask", mask.span));
}

interface ConvLayer {
  readonly x: Read<Value>;
  readonly filters: number;
  readonly kernel: Read<readonly [number, number]>;
  readonly attrs: Conv2dAttrs;
  readonly bias?: Read<boolean>;
  readonly activation?: Read<Activation>;
  readonly mask?: Read<MaskArg>;
}

/** conv2d and depthwise_conv2d: params, optional mask, conv, bias_add, activation. */
function convLayer(call: OpCall, l: ConvLayer, channels: number): Value[] {
  const b = call.lw.b;
  const [kh, kw] = l.kernel.value;
  const g = l.attrs.groups;
  const withBias = l.bias?.value ?? true;
  const act = l.activation?.value ?? "none";
  const kernelShape = [kh, kw, channels / g, l.filters];
  const k = b.param(`${call.names[0]}.kernel`, kernelShape, { span: l.kernel.span });
  const bias = withBias ? b.param(`${call.names[0]}.bias`, [l.filters], { span: l.bias?.span ?? call.span }) : undefined;
  const m = l.mask && maskValue(call, l.mask, { inChannels: channels, outChannels: l.filters, convGroups: g });
  if (l.mask && !m) return poisoned(call);
  // The caret goes where the fix most likely is: the kernel for a kernel too large, the mask for a misfit.
  let convSpan: Span = call.span;
  const [, h, w] = l.x.value.type.shape;
  if (typeof h === "number" && typeof w === "number" && convGeometry([h, w], [kh, kw], l.attrs).out.some((o) => o < 1)) {
    convSpan = l.kernel.span;
  } else if (m && maskFitProblem(m.type.shape, kernelShape)) {
    convSpan = l.mask!.span;
  }
  const opts = named(call, coreName("conv", withBias, act), convSpan);
  const reported = b.diagnostics.length;
  const y = m ? b.maskedConv2d(l.x.value, k, m, l.attrs, opts) : b.conv2d(l.x.value, k, l.attrs, opts);
  // A mask that does not fit: also point at its declaration, where the fix may be.
  const notes = m && l.mask!.value.node ? declaredAt(call, { value: m, span: l.mask!.span }) : [];
  for (let i = reported; i < b.diagnostics.length; i++) {
    const d = b.diagnostics[i]!;
    if (d.code === "MC2003" && d.span?.start === convSpan.start) b.diagnostics[i] = { ...d, notes: [...d.notes, ...notes] };
  }
  return [finishLayer(call, y, bias, act)];
}

/** Checks that the conv's groups divide its channels (MC2005 at `groups=`). */
function groupsFit(call: OpCall, groups: Read<number> | undefined, channels: number, filters: number): boolean {
  const g = groups?.value ?? 1;
  if (channels % g === 0 && filters % g === 0) return true;
  const message = `groups=${g} must divide the input's ${channels} channels and the ${filters} filters`;
  call.lw.report(error("MC2005", message, groups!.span));
  return false;
}

function attrsOf(a: { stride?: Read<readonly [number, number]>; dilation?: Read<readonly [number, number]>; padding?: Read<"valid" | "same"> }, groups: number): Conv2dAttrs {
  return { strides: a.stride?.value ?? [1, 1], dilations: a.dilation?.value ?? [1, 1], padding: a.padding?.value ?? "valid", groups };
}

export const conv2d = defineOp({
  signature: {
    input: INPUT,
    filters: FILTERS,
    kernel: KERNEL,
    stride: { kind: "size2" },
    dilation: { kind: "size2" },
    padding: { kind: "padding" },
    ...TAIL,
    mask: { kind: "mask" },
    groups: { kind: "count" },
  },
  lower: (call, a) => {
    const shape = nhwc(call, a.input);
    if (!shape || !groupsFit(call, a.groups, shape[3], a.filters.value)) return poisoned(call);
    const attrs = attrsOf(a, a.groups?.value ?? 1);
    return convLayer(call, { ...a, x: a.input, filters: a.filters.value, attrs }, shape[3]);
  },
});

export const depthwise_conv2d = defineOp({
  signature: {
    input: INPUT,
    kernel: KERNEL,
    multiplier: { kind: "count" },
    stride: { kind: "size2" },
    dilation: { kind: "size2" },
    padding: { kind: "padding" },
    ...TAIL,
    mask: { kind: "mask" },
  },
  lower: (call, a) => {
    const shape = nhwc(call, a.input);
    if (!shape) return poisoned(call);
    const c = shape[3];
    const attrs = attrsOf(a, c);
    return convLayer(call, { ...a, x: a.input, filters: c * (a.multiplier?.value ?? 1), attrs }, c);
  },
});

export const conv2d_transpose = defineOp({
  signature: { input: INPUT, filters: FILTERS, kernel: KERNEL, stride: { kind: "size2" }, padding: { kind: "padding" }, ...TAIL },
  lower: (call, a) => {
    const shape = nhwc(call, a.input);
    if (!shape) return poisoned(call);
    const b = call.lw.b;
    const [kh, kw] = a.kernel.value;
    const withBias = a.bias?.value ?? true;
    const act = a.activation?.value ?? "none";
    const k = b.param(`${call.names[0]}.kernel`, [kh, kw, a.filters.value, shape[3]], { span: a.kernel.span });
    const bias = withBias ? b.param(`${call.names[0]}.bias`, [a.filters.value], { span: a.bias?.span ?? call.span }) : undefined;
    const attrs = { strides: a.stride?.value ?? [1, 1], padding: a.padding?.value ?? "valid" } as const;
    const y = b.add("conv2d_transpose", [a.input.value, k], attrs, named(call, coreName("conv", withBias, act)));
    return [finishLayer(call, y, bias, act)];
  },
});

export const dense = defineOp({
  signature: { input: INPUT, units: { kind: "count", required: "the number of outputs", example: "units=10" }, ...TAIL },
  lower: (call, a) => {
    const shape = a.input.value.type.shape;
    const n = shape[shape.length - 1];
    if (typeof n !== "number") {
      call.lw.report(error("MC2010", `dense needs the input's last axis to be known, but it is ${formatShape(shape)}`, a.input.span));
      return poisoned(call);
    }
    const b = call.lw.b;
    const withBias = a.bias?.value ?? true;
    const act = a.activation?.value ?? "none";
    const k = b.param(`${call.names[0]}.kernel`, [n, a.units.value], { span: a.units.span });
    const bias = withBias ? b.param(`${call.names[0]}.bias`, [a.units.value], { span: a.bias?.span ?? call.span }) : undefined;
    const y = b.add("dense", [a.input.value, k], {}, named(call, coreName("matmul", withBias, act)));
    return [finishLayer(call, y, bias, act)];
  },
});
