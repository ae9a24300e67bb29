// split-masked-kernels (tfjs target only): a conv whose live taps are far from filling their bounding box becomes a
// sum of convs over dense rectangles of live taps — an L-shaped 3×3 mask (the top row and the left column) becomes
// a 1×3 conv plus a 2×1 conv, 5 taps instead of 9. tfjs-wasm (XNNPACK) computes every tap of a kernel, so fewer taps
// is less work; but each extra conv costs a launch, an add over the whole output and, where its rows end before the
// input does, a slice of the input.
//
// The cost model, from interleaved medians on tfjs-wasm (batch 16, 28×28, SAME, 2 shared cores, so noisy: two runs
// each; .scratch/split-bench.ts, not kept), box = the conv cut to its live taps' bounding box:
//   L-shape 5×5 (9 of 25 taps), 64→64: split 2.4× and 1.8× faster than the box     3×3 (5 of 9), 64→64: 2.0×, 1.4×
//   L-shape 3×3, 32→32: 1.0×, 1.2×   16→16: 0.6×, 0.8× (loses)
//   causal 3×3 B (5 of the box's 6), 64→64: 0.97×, 0.79×   5×5 B (13 of 15): 0.93×, 0.78×   7×7 A, 1→64: 0.71×, 0.38×
// So: split only when the rectangles hold at most MAX_AREA_RATIO of the box's taps, the conv reads at least
// MIN_IN_CHANNELS channels, into at most MAX_RECTANGLES rectangles, and only ungrouped convs. Causal masks stay one
// cropped conv. The js target skips dead taps already: there a split is pure loss, so the pipeline runs this pass
// for tfjs only (pipeline.ts).

import { nodeIndex } from "../ir/analysis.js";
import type { Value } from "../ir/builder.js";
import { knownZeros } from "../ir/zeros.js";
import type { Graph } from "../ir/node.js";
import { type TapBox, boundingBox, convLiveTaps, croppedConv } from "./crop-masked-kernels.js";
import type { Pass } from "./pass.js";
import { rewriteGraph } from "./pass.js";

export const MAX_AREA_RATIO = 0.7;
export const MIN_IN_CHANNELS = 32;
export const MAX_RECTANGLES = 3;

const area = (b: TapBox) => (b.r1 - b.r0) * (b.c1 - b.c0);

/**
 * The live taps as dense rectangles, row by row: each row's live taps must be one run of columns, and consecutive
 * rows with the same run share a rectangle. Undefined when some row's live taps are not one run.
 */
export function tapRectangles(taps: readonly (readonly [number, number])[]): TapBox[] | undefined {
  const rows = new Map<number, { c0: number; c1: number; count: number }>();
  for (const [i, j] of taps) {
    const r = rows.get(i);
    if (!r) rows.set(i, { c0: j, c1: j + 1, count: 1 });
    else rows.set(i, { c0: Math.min(r.c0, j), c1: Math.max(r.c1, j + 1), count: r.count + 1 });
  }
  const boxes: TapBox[] = [];
  for (const i of [...rows.keys()].sort((a, b) => a - b)) {
    const r = rows.get(i)!;
    if (r.count !== r.c1 - r.c0) return undefined;
    const last = boxes[boxes.length - 1];
    if (last && last.r1 === i && last.c0 === r.c0 && last.c1 === r.c1) boxes[boxes.length - 1] = { ...last, r1: i + 1 };
    else boxes.push({ r0: i, r1: i + 1, c0: r.c0, c1: r.c1 });
  }
  return boxes;
}

/** Whether convolving rectangle by rectangle beats convolving over their bounding box (the model above). */
export function splitPays(boxes: readonly TapBox[], box: TapBox, inChannels: number): boolean {
  if (boxes.length < 2 || boxes.length > MAX_RECTANGLES || inChannels < MIN_IN_CHANNELS) return false;
  return boxes.reduce((s, b) => s + area(b), 0) <= MAX_AREA_RATIO * area(box);
}

/** The rectangles of the convs of `graph` that pay to split, by conv name. */
function splittable(graph: Graph): Map<string, TapBox[]> {
  const zeros = knownZeros(graph);
  const byName = nodeIndex(graph);
  const found = new Map<string, TapBox[]>();
  for (const n of graph.nodes) {
    if ((n.op !== "conv2d" && n.op !== "masked_conv2d") || n.attrs.groups !== 1) continue;
    const taps = convLiveTaps(n, (name) => byName.get(name), zeros);
    const box = taps && boundingBox(taps);
    const boxes = taps && tapRectangles(taps);
    const inChannels = byName.get(n.operands[1]!)!.type.shape[2] as number;
    if (box && boxes && splitPays(boxes, box, inChannels)) found.set(n.name, boxes);
  }
  return found;
}

export const splitMaskedKernels: Pass = {
  name: "split-masked-kernels",
  targets: ["tfjs"],
  summary: "convolve sparse live taps as a sum of convs over dense rectangles, where the cost model says it pays",
  run: (graph) => {
    const found = splittable(graph);
    if (found.size === 0) return graph;
    return rewriteGraph(graph, (node, r) => {
      const boxes = found.get(node.name);
      if (!boxes) return undefined;
      const kernel = r.value(node.operands[1]!);
      const mask = node.op === "masked_conv2d" ? r.value(node.operands[2]!) : undefined;
      const parts: Value[] = [];
      for (const b of boxes) {
        const part = croppedConv(node, r, b, kernel, mask, { hint: `${node.name}.part` });
        if (!part) return undefined;
        parts.push(part);
      }
      let sum = parts[0]!;
      for (let i = 1; i < parts.length; i++) {
        sum = r.b.add("add", [sum, parts[i]!], {}, i === parts.length - 1 ? { name: node.name, span: node.span } : { hint: `${node.name}.sum`, span: node.span });
      }
      return sum;
    });
  },
};
