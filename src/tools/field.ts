// The receptive field of one output pixel: which pixels of an input can influence it, found structurally by
// walking the graph backwards through each op's spatial dependencies (a conv's live taps, a pool's window, a pad's
// shift). Channels are folded: a pixel counts when any of its channels can reach any channel of the output pixel.
// For a PixelCNN this shows the causal region, and the blind spot of a plain masked stack. Not a gradient.

import type { AnyNode, Graph } from "../ir/node.js";
import { convGeometry } from "../ir/ops/conv.js";
import { tapPicture } from "./graph.js";

/** Which input pixels reach an output pixel; `approximate` names ops whose dependencies were over-approximated. */
export interface Field {
  readonly input: string;
  readonly output: string;
  readonly pixel: readonly [number, number];
  /** Whether the output pixel sits at the same place in the input (same height and width). */
  readonly height: number;
  readonly width: number;
  readonly reach: readonly boolean[];
  readonly approximate: readonly string[];
}

/** Height and width of an NHWC value, or undefined when it is not rank 4 with known sizes. */
function hw(n: AnyNode): [number, number] | undefined {
  const s = n.type.shape;
  return s.length === 4 && typeof s[1] === "number" && typeof s[2] === "number" ? [s[1], s[2]] : undefined;
}

type Need = Uint8Array;

/**
 * The input pixels of `input` that output `output`'s pixel (row, col) depends on. Throws RangeError for a pixel
 * outside the output or values that are not NHWC images (the CLI checks first).
 */
export function receptiveField(graph: Graph, output: string, input: string, pixel: readonly [number, number]): Field {
  const byName = new Map(graph.nodes.map((n) => [n.name, n] as const));
  const out = graph.outputs.find((o) => o.name === output);
  const inNode = byName.get(input);
  const outNode = out && byName.get(out.value);
  const outHw = outNode && hw(outNode);
  const inHw = inNode && hw(inNode);
  if (!outHw || !inHw) throw new RangeError("the output and the input must be NHWC images with known height and width");
  const [r0, c0] = pixel;
  if (!(r0 >= 0 && r0 < outHw[0] && c0 >= 0 && c0 < outHw[1])) throw new RangeError(`pixel ${r0},${c0} is outside the ${outHw[0]}×${outHw[1]} output`);
  const need = new Map<string, Need>();
  const approximate = new Set<string>();
  const demand = (name: string, fill: (mark: (y: number, x: number) => void, h: number, w: number) => void) => {
    const n = byName.get(name);
    const size = n && hw(n);
    if (!n || !size || n.op === "param" || n.op === "constant") return;
    let m = need.get(name);
    if (!m) need.set(name, (m = new Uint8Array(size[0] * size[1])));
    const target = m;
    fill((y, x) => {
      if (y >= 0 && y < size[0] && x >= 0 && x < size[1]) target[y * size[1] + x] = 1;
    }, size[0], size[1]);
  };
  demand(out!.value, (mark) => mark(r0, c0));
  for (let k = graph.nodes.length - 1; k >= 0; k--) {
    const n = graph.nodes[k]!;
    const m = need.get(n.name);
    const size = hw(n);
    if (!m || !size) continue;
    const [H, W] = size;
    const each = (f: (y: number, x: number) => void) => {
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (m[y * W + x]) f(y, x);
    };
    const all = (name: string) => {
      approximate.add(n.name);
      demand(name, (mark, h, w) => {
        for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) mark(y, x);
      });
    };
    switch (n.op) {
      case "conv2d":
      case "masked_conv2d": {
        const x = byName.get(n.operands[0]!)!;
        const kernel = byName.get(n.operands[1]!)!.type.shape as number[];
        const mask = n.op === "masked_conv2d" ? byName.get(n.operands[2]!) : undefined;
        let live: readonly boolean[] = new Array<boolean>(kernel[0]! * kernel[1]!).fill(true);
        if (mask?.op === "constant") live = tapPicture(mask.type.shape as number[], mask.attrs.data).live;
        else if (mask) approximate.add(`${n.name} (its mask is fed at run time: every tap counted)`);
        const { pads } = convGeometry(hw(x)!, [kernel[0]!, kernel[1]!], n.attrs);
        const [sh, sw] = n.attrs.strides;
        const [dh, dw] = n.attrs.dilations;
        demand(x.name, (mark) =>
          each((oy, ox) => {
            for (let i = 0; i < kernel[0]!; i++) {
              for (let j = 0; j < kernel[1]!; j++) if (live[i * kernel[1]! + j]) mark(oy * sh - pads[0] + i * dh, ox * sw - pads[2] + j * dw);
            }
          }),
        );
        break;
      }
      case "max_pool":
      case "avg_pool": {
        const x = byName.get(n.operands[0]!)!;
        const [kh, kw] = n.attrs.window;
        const attrs = { strides: n.attrs.strides, dilations: [1, 1] as const, padding: n.attrs.padding, groups: 1 };
        const { pads } = convGeometry(hw(x)!, [kh, kw], attrs);
        demand(x.name, (mark) =>
          each((oy, ox) => {
            for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) mark(oy * n.attrs.strides[0] - pads[0] + i, ox * n.attrs.strides[1] - pads[2] + j);
          }),
        );
        break;
      }
      case "pad":
        demand(n.operands[0]!, (mark) => each((y, x) => mark(y - n.attrs.pads[2]!, x - n.attrs.pads[4]!)));
        break;
      case "slice":
        demand(n.operands[0]!, (mark) => each((y, x) => mark(y + (n.attrs.axis === 1 ? n.attrs.begin : 0), x + (n.attrs.axis === 2 ? n.attrs.begin : 0))));
        break;
      case "upsample":
        demand(n.operands[0]!, (mark) => each((y, x) => mark(Math.floor(y / n.attrs.factors[0]), Math.floor(x / n.attrs.factors[1]))));
        break;
      case "concat": {
        let offset = 0;
        for (const o of n.operands) {
          const s = hw(byName.get(o)!);
          const at = offset;
          demand(o, (mark) => each((y, x) => mark(y - (n.attrs.axis === 1 ? at : 0), x - (n.attrs.axis === 2 ? at : 0))));
          if (s) offset += n.attrs.axis === 1 ? s[0] : n.attrs.axis === 2 ? s[1] : 0;
        }
        break;
      }
      case "softmax":
      case "log_softmax":
        if (n.attrs.axis === 3 || n.attrs.axis === -1) demand(n.operands[0]!, (mark) => each(mark));
        else all(n.operands[0]!);
        break;
      case "reshape":
      case "dense":
      case "conv2d_transpose":
        all(n.operands[0]!);
        break;
      default:
        // Elementwise ops, bias_add, batch_norm, activations: the same pixel of each image operand, or its only
        // pixel when it broadcasts over height and width.
        for (const o of n.operands) {
          const s = hw(byName.get(o)!);
          if (!s) continue;
          demand(o, (mark) => each((y, x) => mark(s[0] === 1 ? 0 : y, s[1] === 1 ? 0 : x)));
        }
    }
  }
  const reached = need.get(input) ?? new Uint8Array(inHw[0] * inHw[1]);
  return { input, output, pixel, height: inHw[0], width: inHw[1], reach: [...reached].map((v) => v === 1), approximate: [...approximate] };
}

/** The field as terminal art: ▓ can influence, · cannot, ◆ the output pixel's own place (▣ when it can). */
export function formatField(f: Field): string {
  const [r, c] = f.pixel;
  const lines = [`pixels of ${f.input} that can influence ${f.output} at row ${r}, column ${c}: ${f.reach.filter(Boolean).length} of ${f.reach.length}`];
  for (let y = 0; y < f.height; y++) {
    const row: string[] = [];
    for (let x = 0; x < f.width; x++) {
      const live = f.reach[y * f.width + x]!;
      row.push(y === r && x === c ? (live ? "▣" : "◆") : live ? "▓" : "·");
    }
    lines.push(`  ${row.join(" ")}`);
  }
  if (f.approximate.length > 0) lines.push(`  (over-approximated through: ${f.approximate.join(", ")})`);
  return lines.join("\n") + "\n";
}
