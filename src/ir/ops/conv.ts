// Convolution ops: conv2d (NHWC input, HWIO kernel) and masked_conv2d (the kernel multiplied by a run-time mask).
// Also the shared arithmetic: TensorFlow's SAME rule, output sizes, and the left-aligned mask broadcasting rule.

import type { Conv2dAttrs } from "../node.js";
import { formatShape, type Dim, MAX_ELEMENTS, type Padding, type TensorType, tensorType } from "../types.js";
import { type OpDef, type Problem, type Tensor64, isProblem, problem, stridesOf } from "./def.js";

/** Kernels have at most this many taps (64×64): code generation unrolls taps, and real networks stay far below. */
export const MAX_KERNEL_TAPS = 4096;

export const KERNEL_AXES = ["height", "width", "in_channels", "out_channels"] as const;
const KERNEL_LAYOUT = "[height, width, in_channels, out_channels]";
const INPUT_LAYOUT = "[batch, height, width, channels]";

/** Explicit padding [top, bottom, left, right] and output size [oh, ow] of a conv over an h×w input. */
export interface ConvGeometry {
  readonly pads: readonly [number, number, number, number];
  readonly out: readonly [number, number];
}

/**
 * Resolves padding to pixels. VALID: no padding. SAME (TensorFlow): out = ceil(in / stride), the total padding
 * split with the extra pixel after (bottom/right). E.g. h=4, k=3, s=2, SAME: out 2, total 1, pads top 0 bottom 1.
 */
export function convGeometry(
  input: readonly [number, number],
  kernel: readonly [number, number],
  a: Conv2dAttrs,
): ConvGeometry {
  const pads: number[] = [];
  const out: number[] = [];
  for (let axis = 0; axis < 2; axis++) {
    const n = input[axis]!;
    const reach = (kernel[axis]! - 1) * a.dilations[axis]! + 1;
    const s = a.strides[axis]!;
    let before: number;
    let after: number;
    if (a.padding === "valid") {
      before = after = 0;
    } else if (a.padding === "same") {
      const o = Math.ceil(n / s);
      const total = Math.max((o - 1) * s + reach - n, 0);
      before = Math.floor(total / 2);
      after = total - before;
    } else {
      before = a.padding[axis * 2]!;
      after = a.padding[axis * 2 + 1]!;
    }
    pads.push(before, after);
    out.push(Math.floor((n + before + after - reach) / s) + 1);
  }
  return { pads: pads as unknown as ConvGeometry["pads"], out: [out[0]!, out[1]!] };
}

function checkConvAttrs(a: Conv2dAttrs): Problem | undefined {
  for (const [what, v] of [["strides", a.strides], ["dilations", a.dilations]] as const) {
    if (v.length !== 2 || !v.every((x) => Number.isInteger(x) && x >= 1)) {
      return problem("MC2006", `${what} must be two whole numbers ≥ 1, got [${v.join(", ")}]`);
    }
  }
  if (!Number.isInteger(a.groups) || a.groups < 1) {
    return problem("MC2006", `groups must be a whole number ≥ 1, got ${a.groups}`);
  }
  if (typeof a.padding !== "string") {
    if (a.padding.length !== 4 || !a.padding.every((x) => Number.isInteger(x) && x >= 0)) {
      return problem("MC2006", `explicit padding must be four whole numbers ≥ 0 [top, bottom, left, right], got [${a.padding.join(", ")}]`);
    }
  }
  return undefined;
}

function paddingName(p: Padding): string {
  return typeof p === "string" ? p : `[${p.join(", ")}]`;
}

/** conv2d's shape rule, shared with masked_conv2d and fused_conv2d. */
export function inferConv(x: TensorType, k: TensorType, a: Conv2dAttrs): TensorType | Problem {
  const bad = checkConvAttrs(a);
  if (bad) return bad;
  if (x.shape.length !== 4) {
    return problem("MC2004", `conv2d expects an NHWC input ${INPUT_LAYOUT} (rank 4), got ${formatShape(x.shape)} (rank ${x.shape.length})`);
  }
  if (k.shape.length !== 4) {
    return problem("MC2004", `conv2d expects a kernel ${KERNEL_LAYOUT} (rank 4), got ${formatShape(k.shape)} (rank ${k.shape.length})`);
  }
  const [n, h, w, c] = x.shape as [Dim, Dim, Dim, Dim];
  const [kh, kw, kin, kout] = k.shape as [Dim, Dim, Dim, Dim];
  if (typeof h !== "number" || typeof w !== "number" || typeof c !== "number") {
    return problem("MC2010", `conv2d needs known height, width and channels; the input is ${formatShape(x.shape)} ${INPUT_LAYOUT}`);
  }
  if (typeof kh !== "number" || typeof kw !== "number" || typeof kin !== "number" || typeof kout !== "number") {
    return problem("MC2010", `conv2d needs a kernel of known shape, got ${formatShape(k.shape)}`);
  }
  if (kh * kw > MAX_KERNEL_TAPS) {
    return problem("MC2006", `a ${kh}×${kw} kernel has ${kh * kw} taps, more than the limit of ${MAX_KERNEL_TAPS} (64×64)`);
  }
  const g = a.groups;
  if (c % g !== 0 || kout % g !== 0) {
    return problem("MC2005", `groups=${g} must divide the input's ${c} channels and the kernel's ${kout} out_channels`);
  }
  if (kin * g !== c) {
    const grouped = g > 1 ? ` (${c} / groups ${g} = ${c / g})` : "";
    return problem("MC2005", `the input has ${c} channels${grouped} but the kernel ${formatShape(k.shape)} ${KERNEL_LAYOUT} expects in_channels ${kin}`);
  }
  const geo = convGeometry([h, w], [kh, kw], a);
  if (geo.out[0] < 1 || geo.out[1] < 1) {
    const reach = [(kh - 1) * a.dilations[0] + 1, (kw - 1) * a.dilations[1] + 1];
    return problem(
      "MC2006",
      `a ${kh}×${kw} kernel (reaching ${reach[0]}×${reach[1]} with its dilations) does not fit the ${h}×${w} input with padding ${paddingName(a.padding)}: the output would be ${Math.max(geo.out[0], 0)}×${Math.max(geo.out[1], 0)}`,
    );
  }
  const padded = (h + geo.pads[0] + geo.pads[1]) * (w + geo.pads[2] + geo.pads[3]) * c * (typeof n === "number" ? n : 1);
  if (padded > MAX_ELEMENTS) {
    return problem("MC2040", `with its padding the input would hold ${padded} elements, more than the limit of ${MAX_ELEMENTS}`);
  }
  return tensorType([n, geo.out[0], geo.out[1], kout]);
}

/**
 * Why a mask does not fit a kernel, or undefined. Masks align left: [kh, kw] ≡ [kh, kw, 1, 1], [kh, kw, in] ≡
 * [kh, kw, in, 1]. Height and width must match; a channel axis must match or be 1.
 */
export function maskFitProblem(mask: readonly Dim[], kernel: readonly Dim[]): Problem | undefined {
  const what = `mask ${formatShape(mask)} does not fit kernel ${formatShape(kernel)} ${KERNEL_LAYOUT}`;
  if (mask.length < 2 || mask.length > 4) {
    return problem("MC2003", `${what}: a mask has rank 2 [height, width], 3 [height, width, in_channels] or 4 ${KERNEL_LAYOUT}, got rank ${mask.length}`);
  }
  for (let i = 0; i < mask.length; i++) {
    const m = mask[i]!;
    const k = kernel[i]!;
    if (m === k || (i >= 2 && m === 1)) continue;
    const allowed = i >= 2 ? ` (or 1 to apply to every ${KERNEL_AXES[i]!.replace("_channels", " channel")})` : "";
    return problem("MC2003", `${what}: its ${KERNEL_AXES[i]} is ${m} but the kernel's is ${k}${allowed}`);
  }
  return undefined;
}

/** The mask's shape padded on the right with 1s to the kernel's rank: the left-aligned broadcast. */
export function maskAsKernelShape(mask: readonly Dim[]): Dim[] {
  return [...mask, ...new Array<Dim>(4 - mask.length).fill(1)];
}

/**
 * Naive float64 conv2d, straight from the definition: cross-correlation with zeros outside the input. With groups,
 * output channel oc reads the input channels of its block: [g · in/G, (g+1) · in/G) for g = floor(oc / (out/G)).
 */
export function referenceConv2d(x: Tensor64, k: Tensor64, a: Conv2dAttrs, out: readonly number[]): Tensor64 {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [kh, kw, kin, o] = k.shape as [number, number, number, number];
  const outPerGroup = o / a.groups;
  const { pads } = convGeometry([h, w], [kh, kw], a);
  const [, oh, ow] = out as [number, number, number, number];
  const y = new Float64Array(n * oh * ow * o);
  const [sh, sw] = a.strides;
  const [dh, dw] = a.dilations;
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let oc = 0; oc < o; oc++) {
          const first = Math.floor(oc / outPerGroup) * kin;
          let acc = 0;
          for (let i = 0; i < kh; i++) {
            const iy = oy * sh - pads[0] + i * dh;
            if (iy < 0 || iy >= h) continue;
            for (let j = 0; j < kw; j++) {
              const ix = ox * sw - pads[2] + j * dw;
              if (ix < 0 || ix >= w) continue;
              for (let ic = 0; ic < kin; ic++) {
                acc += x.data[((b * h + iy) * w + ix) * c + first + ic]! * k.data[((i * kw + j) * kin + ic) * o + oc]!;
              }
            }
          }
          y[((b * oh + oy) * ow + ox) * o + oc] = acc;
        }
  return { shape: [...out], data: y };
}

/** kernel ⊙ mask with the mask broadcast left-aligned; the float64 meaning of every mask in mconv. */
export function referenceMaskKernel(k: Tensor64, mask: Tensor64): Tensor64 {
  const ms = maskAsKernelShape(mask.shape) as number[];
  const mstr = stridesOf(ms);
  const [kh, kw, ki, ko] = k.shape as [number, number, number, number];
  const data = new Float64Array(k.data.length);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let c = 0; c < ki; c++)
        for (let o = 0; o < ko; o++) {
          const mi = i * mstr[0]! + j * mstr[1]! + (ms[2] === 1 ? 0 : c * mstr[2]!) + (ms[3] === 1 ? 0 : o);
          const at = ((i * kw + j) * ki + c) * ko + o;
          data[at] = k.data[at]! * mask.data[mi]!;
        }
  return { shape: k.shape, data };
}

export const conv2d: OpDef<"conv2d"> = {
  operands: ["input", "kernel"],
  attrs: { strides: "int-pair", dilations: "int-pair", padding: "padding", groups: "int" },
  /** x f32[N,4,4,3], kernel f32[3,3,3,2], strides [1,1], valid → f32[N,2,2,2]; groups 3: kernel f32[3,3,1,6]. */
  infer: ([x, k], a) => inferConv(x!, k!, a),
  reference: ([x, k], a, out) => referenceConv2d(x!, k!, a, out),
};

export const masked_conv2d: OpDef<"masked_conv2d"> = {
  operands: ["input", "kernel", "mask"],
  attrs: { strides: "int-pair", dilations: "int-pair", padding: "padding", groups: "int" },
  /** x f32[1,4,4,3], kernel f32[3,3,3,2], mask f32[3,3] (≡ [3,3,1,1]) → f32[1,2,2,2]. */
  infer: ([x, k, m], a) => {
    const t = inferConv(x!, k!, a);
    if (isProblem(t)) return t;
    return maskFitProblem(m!.shape, k!.shape) ?? t;
  },
  reference: ([x, k, m], a, out) => referenceConv2d(x!, referenceMaskKernel(k!, m!), a, out),
};
