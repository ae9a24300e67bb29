// conv2d_transpose: the gradient of conv2d with respect to its input, as Keras Conv2DTranspose defines it.
// Kernel [kh, kw, out_channels, in_channels]; output VALID in · s + max(k − s, 0), SAME in · s.

import { formatShape, type Dim, tensorType } from "../types.js";
import { MAX_KERNEL_TAPS, convGeometry } from "./conv.js";
import { type OpDef, problem } from "./def.js";

const LAYOUT = "[height, width, out_channels, in_channels]";

/** Output size of one axis, and the padding the matching forward conv (output → input) would have. */
function transposeAxis(n: number, k: number, s: number, padding: "valid" | "same"): { out: number; before: number } {
  // Keras' deconv_output_length: (in − 1) · s + k, or in · s when the stride outgrows the kernel.
  const out = padding === "same" ? n * s : n * s + Math.max(k - s, 0);
  const fwd = convGeometry([out, 1], [k, 1], { strides: [s, 1], dilations: [1, 1], padding, groups: 1 });
  return { out, before: fwd.pads[0] };
}

export const conv2d_transpose: OpDef<"conv2d_transpose"> = {
  operands: ["input", "kernel"],
  attrs: { strides: "int-pair", padding: "padding" },
  /** x f32[N,7,7,16], kernel f32[3,3,8,16], strides [2,2], same → f32[N,14,14,8]. */
  infer: ([x, k], a) => {
    if (x!.shape.length !== 4) return problem("MC2004", `conv2d_transpose expects an NHWC input [batch, height, width, channels], got ${formatShape(x!.shape)}`);
    if (k!.shape.length !== 4) return problem("MC2004", `conv2d_transpose expects a kernel ${LAYOUT}, got ${formatShape(k!.shape)}`);
    if (!a.strides.every((v) => Number.isInteger(v) && v >= 1)) return problem("MC2006", `strides must be whole numbers ≥ 1, got [${a.strides.join(", ")}]`);
    if (a.padding !== "valid" && a.padding !== "same") return problem("MC2006", "conv2d_transpose padding must be valid or same");
    const [n, h, w, c] = x!.shape as [Dim, Dim, Dim, Dim];
    const [kh, kw, ko, ki] = k!.shape as [number, number, number, number];
    if (typeof h !== "number" || typeof w !== "number") return problem("MC2010", `conv2d_transpose needs a known height and width, got ${formatShape(x!.shape)}`);
    if (kh * kw > MAX_KERNEL_TAPS) return problem("MC2006", `a ${kh}×${kw} kernel has ${kh * kw} taps, more than the limit of ${MAX_KERNEL_TAPS} (64×64)`);
    if (ki !== c) return problem("MC2005", `the input has ${c} channels but the kernel ${formatShape(k!.shape)} ${LAYOUT} expects in_channels ${ki}`);
    return tensorType([n, transposeAxis(h, kh, a.strides[0], a.padding).out, transposeAxis(w, kw, a.strides[1], a.padding).out, ko]);
  },
  /** Each input pixel (iy, ix) scatters kernel-weighted copies to outputs iy · s + i − pad_before. */
  reference: ([x, k], a, out) => {
    const [n, h, w, c] = x!.shape as [number, number, number, number];
    const [kh, kw, ko] = k!.shape as [number, number, number, number];
    const [, oh, ow] = out as [number, number, number, number];
    const top = transposeAxis(h, kh, a.strides[0], a.padding).before;
    const left = transposeAxis(w, kw, a.strides[1], a.padding).before;
    const data = new Float64Array(n * oh * ow * ko);
    for (let b = 0; b < n; b++)
      for (let iy = 0; iy < h; iy++)
        for (let ix = 0; ix < w; ix++)
          for (let i = 0; i < kh; i++) {
            const oy = iy * a.strides[0] + i - top;
            if (oy < 0 || oy >= oh) continue;
            for (let j = 0; j < kw; j++) {
              const ox = ix * a.strides[1] + j - left;
              if (ox < 0 || ox >= ow) continue;
              for (let o = 0; o < ko; o++) {
                let acc = 0;
                for (let ci = 0; ci < c; ci++) acc += x!.data[((b * h + iy) * w + ix) * c + ci]! * k!.data[((i * kw + j) * ko + o) * c + ci]!;
                data[((b * oh + oy) * ow + ox) * ko + o] += acc;
              }
            }
          }
    return { shape: [...out], data };
  },
};
