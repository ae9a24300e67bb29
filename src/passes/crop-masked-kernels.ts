// crop-masked-kernels: a conv whose kernel has structurally zero taps on its border (a folded static mask, or a
// dynamic mask with a declared support) convolves with the kernel sliced to the bounding box of its live taps
// instead, the padding recomputed so that every output reads the same pixels: 7×7 type-A PixelCNN → 4×7 with
// padding [3, 0, 3, 3]. tfjs-wasm computes every tap of a kernel, zero or not, so this is where masks start to pay.
// Exact for any strides and dilations; SAME is resolved with TensorFlow's rule first. A padding that would become
// negative (the box starts or ends inside the input's reach) becomes a slice of the input instead.

import { nodeIndex } from "../ir/analysis.js";
import type { Value } from "../ir/builder.js";
import type { AnyNode, Conv2dAttrs, Graph } from "../ir/node.js";
import { convGeometry } from "../ir/ops/conv.js";
import { isConcrete } from "../ir/types.js";
import { type ZeroFlags, knownZeros, liveTaps } from "../ir/zeros.js";
import type { Pass, Rewriter } from "./pass.js";
import { rewriteGraph } from "./pass.js";
import { sliceOf, windowOf } from "./slices.js";

/** The smallest box [r0, r1) × [c0, c1) holding every live tap, or undefined when there is none. */
export interface TapBox {
  readonly r0: number;
  readonly r1: number;
  readonly c0: number;
  readonly c1: number;
}

export function boundingBox(taps: readonly (readonly [number, number])[]): TapBox | undefined {
  if (taps.length === 0) return undefined;
  let r0 = Infinity, r1 = -Infinity, c0 = Infinity, c1 = -Infinity;
  for (const [i, j] of taps) {
    r0 = Math.min(r0, i);
    r1 = Math.max(r1, i + 1);
    c0 = Math.min(c0, j);
    c1 = Math.max(c1, j + 1);
  }
  return { r0, r1, c0, c1 };
}

/** The live taps of a conv2d or masked_conv2d node; `node(name)` finds the graph's nodes. */
export function convLiveTaps(conv: AnyNode, node: (name: string) => AnyNode | undefined, zeros: ReadonlyMap<string, ZeroFlags>): [number, number][] | undefined {
  const [, kName, mName] = conv.operands;
  const kShape = node(kName!)!.type.shape;
  if (!isConcrete(kShape)) return undefined;
  const mask = mName === undefined ? undefined : node(mName)!;
  if (mask && !isConcrete(mask.type.shape)) return undefined;
  const maskZeros = mask && { shape: mask.type.shape as number[], zeros: zeros.get(mask.name) };
  return liveTaps(kShape, zeros.get(kName!), maskZeros);
}

/**
 * One spatial axis of a conv whose kernel is cut to taps [first, first + count): the new padding and, where a
 * padding would be negative, the input pixels [begin, begin + size) to keep. `before`/`after` are the old pixels.
 */
function cropAxis(n: number, before: number, out: number, stride: number, dilation: number, first: number, count: number) {
  let top = before - first * dilation;
  // The last window must end exactly where the old one's last live tap does: out − 1 strides after the first.
  let bottom = (out - 1) * stride + (count - 1) * dilation + 1 - n - top;
  // A few pixels short at the end are harmless when the stride already skips them: the output size is unchanged.
  if (bottom < 0 && bottom + stride - 1 >= 0) bottom = 0;
  const begin = Math.max(-top, 0);
  const size = n - begin - Math.max(-bottom, 0);
  top = Math.max(top, 0);
  bottom = Math.max(bottom, 0);
  return { before: top, after: bottom, begin, size };
}

/**
 * The conv of `node` over the kernel (and mask) cut to `box`, with padding and input slices recomputed; undefined
 * when the box's taps read no input pixel at all (only padding), where there is nothing to slice.
 */
export function croppedConv(node: AnyNode, r: Rewriter, box: TapBox, kernel: Value, mask: Value | undefined, name: { name?: string; hint?: string }): Value | undefined {
  const attrs = node.attrs as Conv2dAttrs;
  const [xName, kName, mName] = node.operands as [string, string, string | undefined];
  let x = r.value(xName);
  const [, h, w] = x.type.shape as [unknown, number, number];
  const k = r.producer(kName)!.type.shape as number[];
  const geo = convGeometry([h, w], [k[0]!, k[1]!], attrs);
  const rows = cropAxis(h, geo.pads[0], geo.out[0], attrs.strides[0], attrs.dilations[0], box.r0, box.r1 - box.r0);
  const cols = cropAxis(w, geo.pads[2], geo.out[1], attrs.strides[1], attrs.dilations[1], box.c0, box.c1 - box.c0);
  if (rows.size < 1 || cols.size < 1) return undefined;
  const at = { span: node.span };
  x = sliceOf(r.b, x, 1, rows.begin, rows.size, { ...at, hint: `${xName}.rows` });
  x = sliceOf(r.b, x, 2, cols.begin, cols.size, { ...at, hint: `${xName}.cols` });
  const cut = (v: Value, of: string) => windowOf(r.b, v, box.r0, box.r1 - box.r0, box.c0, box.c1 - box.c0, { ...at, hint: `${of}.crop` });
  const padding = [rows.before, rows.after, cols.before, cols.after] as const;
  const cropped: Conv2dAttrs = { ...attrs, padding };
  const opts = { ...name, span: node.span };
  if (mask === undefined) return r.b.conv2d(x, cut(kernel, kName), cropped, opts);
  return r.b.maskedConv2d(x, cut(kernel, kName), cut(mask, mName!), cropped, opts);
}

/** The boxes of the convs of `graph` that have dead border taps to cut, by conv name. */
function croppable(graph: Graph): Map<string, TapBox> {
  const zeros = knownZeros(graph);
  const byName = nodeIndex(graph);
  const boxes = new Map<string, TapBox>();
  for (const n of graph.nodes) {
    if (n.op !== "conv2d" && n.op !== "masked_conv2d") continue;
    const taps = convLiveTaps(n, (name) => byName.get(name), zeros);
    const box = taps && boundingBox(taps);
    const [kh, kw] = byName.get(n.operands[1]!)!.type.shape as number[];
    if (box && (box.r1 - box.r0 !== kh || box.c1 - box.c0 !== kw)) boxes.set(n.name, box);
  }
  return boxes;
}

export const cropMaskedKernels: Pass = {
  name: "crop-masked-kernels",
  summary: "cut kernels with structurally zero border taps to the box of their live taps, padding recomputed",
  run: (graph) => {
    const boxes = croppable(graph);
    if (boxes.size === 0) return graph;
    return rewriteGraph(graph, (node, r) => {
      const box = boxes.get(node.name);
      if (!box) return undefined;
      const mask = node.op === "masked_conv2d" ? r.value(node.operands[2]!) : undefined;
      return croppedConv(node, r, box, r.value(node.operands[1]!), mask, { name: node.name });
    });
  },
};
