// The kernel masks of a model as grids of taps, for the playground's masks panel: per tap (row, column) of a
// static mask, how many of its channel pairs are live (non-zero). Dynamic masks (fed with each call) have no
// values to show until run time. No DOM here.

import type { Graph } from "../../src/ir/node.js";
import type { Dim } from "../../src/ir/types.js";

export interface Tap {
  /** Non-zero values at this tap (over the mask's channel axes; 1 value for a [kh, kw] mask). */
  readonly live: number;
  readonly total: number;
  /** The value itself when the mask is [kh, kw] (soft masks show it). */
  readonly value?: number;
}

export interface MaskView {
  /** The masked layer's node (`y.conv`). */
  readonly layer: string;
  /** The mask's node (`m`, `stem.mask`). */
  readonly mask: string;
  readonly shape: readonly Dim[];
  readonly kind: "static" | "dynamic";
  readonly rows: number;
  readonly cols: number;
  /** Row-major taps of a static mask; empty for a dynamic one. */
  readonly taps: readonly Tap[];
}

/** Every masked convolution's mask in `graph` (as parsed, before passes fold static ones into kernels). */
export function kernelMasks(graph: Graph): MaskView[] {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const out: MaskView[] = [];
  for (const node of graph.nodes) {
    if (node.op !== "masked_conv2d") continue;
    const mask = byName.get(node.operands[2]!)!;
    const shape = mask.type.shape;
    const [rows, cols] = [shape[0] ?? 1, shape[1] ?? 1].map((d) => (typeof d === "number" ? d : 0)) as [number, number];
    if (mask.op !== "constant") {
      out.push({ layer: node.name, mask: mask.name, shape, kind: "dynamic", rows, cols, taps: [] });
      continue;
    }
    const data = mask.attrs.data;
    const per = data.length / Math.max(rows * cols, 1);
    const taps: Tap[] = [];
    for (let t = 0; t < rows * cols; t++) {
      let live = 0;
      for (let k = 0; k < per; k++) if (data[t * per + k] !== 0) live++;
      taps.push(per === 1 ? { live, total: 1, value: data[t] } : { live, total: per });
    }
    out.push({ layer: node.name, mask: mask.name, shape, kind: "static", rows, cols, taps });
  }
  return out;
}
