// partial_conv2d: Liu et al.'s partial convolution exactly as NVIDIA's PartialConv2d computes it, lowered to IR
// primitives. With window size W = kh·kw·Cm (Cm the mask's channels, 1 or the input's):
//   update = conv2d(m, ones[kh,kw,Cm,1]);  ratio = W / (update + 1e-8) · clamp(update, 0, 1)
//   y = (conv2d(x ⊙ m, y.kernel) · ratio + y.bias) · clamp(update, 0, 1), then the activation
//   m2 = clamp(update, 0, 1), broadcast to the filters for a multi-channel mask.

import { error } from "../../diagnostics.js";
import { maskSizeProblem } from "../../ir/masks.js";
import type { Conv2dAttrs } from "../../ir/node.js";
import { formatShape } from "../../ir/types.js";
import { named } from "./context.js";
import { activate, defineOp, nhwc, poisoned, scalar, spanText } from "./layer.js";

export const partial_conv2d = defineOp({
  signature: {
    input: { kind: "tensor", required: "an input", role: "input" },
    mask: { kind: "tensor", required: "a mask input, [batch, height, width, 1] or one channel per input channel", role: "mask", example: "partial_conv2d(x, m, filters=8, kernel=3)" },
    filters: { kind: "count", required: "the number of output channels", example: "filters=8" },
    kernel: { kind: "size2", required: "the kernel's height and width", example: "kernel=3" },
    stride: { kind: "size2" },
    dilation: { kind: "size2" },
    padding: { kind: "padding" },
    bias: { kind: "bool" },
    activation: { kind: "activation" },
  },
  results: () => 2,
  lower: (call, a) => {
    const shape = nhwc(call, a.input);
    if (!shape) return poisoned(call);
    const m = a.mask.value;
    const ms = m.type.shape;
    const [n, h, w, c] = shape;
    if (ms.length !== 4 || ms[0] !== n || ms[1] !== h || ms[2] !== w || (ms[3] !== 1 && ms[3] !== c)) {
      const want = `${formatShape([n, h, w, 1])} or ${formatShape(shape)}`;
      const message = `partial_conv2d needs a mask ${want} (one channel, or one per input channel), but '${spanText(a.mask.span)}' is ${formatShape(ms)}`;
      call.lw.report(error("MC2007", message, a.mask.span));
      return poisoned(call);
    }
    const b = call.lw.b;
    const [kh, kw] = a.kernel.value;
    const cm = ms[3] as number;
    const filters = a.filters.value;
    // The window of ones and the spread of the mask are constants: refuse sizes that could not be materialized.
    const tooBig = maskSizeProblem([kh, kw, cm]) ?? (cm > 1 ? maskSizeProblem([filters]) : undefined);
    if (tooBig) {
      call.lw.report(error("MC2025", `partial_conv2d's mask window: ${tooBig}`, a.kernel.span));
      return poisoned(call);
    }
    const withBias = a.bias?.value ?? true;
    const act = a.activation?.value ?? "none";
    const attrs: Conv2dAttrs = { strides: a.stride?.value ?? [1, 1], dilations: a.dilation?.value ?? [1, 1], padding: a.padding?.value ?? "valid", groups: 1 };
    const k = b.param(`${call.names[0]}.kernel`, [kh, kw, c, filters], { span: a.kernel.span });
    const bias = withBias ? b.param(`${call.names[0]}.bias`, [filters], { span: a.bias?.span ?? call.span }) : undefined;

    // The mask path: how many valid pixels each window holds, the renormalization ratio, the updated mask.
    const ones = b.constant([kh, kw, cm, 1], new Float32Array(kh * kw * cm).fill(1), named(call, "window"));
    const update = b.conv2d(m, ones, attrs, named(call, "update"));
    const denominator = b.add("add", [update, scalar(call, 1e-8, 4, "epsilon")], {}, named(call, "update_eps"));
    const rawRatio = b.add("div", [scalar(call, kh * kw * cm, 4, "window_size"), denominator], {}, named(call, "raw_ratio"));
    const single = cm === 1;
    const updated = b.add("clamp", [update], { min: 0, max: 1 }, single ? { name: call.names[1], span: call.span } : named(call, "update_mask"));
    const ratio = b.mul(rawRatio, updated, named(call, "ratio"));

    // The data path: convolve the masked input, renormalize, add the bias, zero the windows with no valid pixel.
    const masked = b.mul(a.input.value, m, named(call, "masked_input"));
    const raw = b.conv2d(masked, k, attrs, named(call, "conv"));
    let y = b.mul(raw, ratio, named(call, withBias || act !== "none" ? "scaled" : undefined));
    if (bias) {
      const biased = b.biasAdd(y, bias, named(call, "biased"));
      y = b.mul(biased, updated, named(call, act === "none" ? undefined : "masked"));
    }
    if (act !== "none") y = activate(call, y, act);
    if (single) return [y, updated];
    // NVIDIA's multi-channel update mask has one channel per filter, all equal.
    const spread = b.constant([1, 1, 1, filters], new Float32Array(filters).fill(1), named(call, "mask_channels"));
    return [y, b.mul(updated, spread, { name: call.names[1], span: call.span })];
  },
});
