// Live-tap analysis: which elements of a value are structurally zero (from constant data, through reshape and mul),
// and so which kernel taps (i, j) of a conv can never contribute. The js target emits no code for dead taps.
// Assumes finite weights: a zero tap times an infinite or NaN weight is taken as zero, not NaN.

import type { AnyNode, Graph } from "../ir/node.js";
import { maskAsKernelShape } from "../ir/ops/conv.js";
import { elementCount, stridesOf } from "../ir/ops/def.js";
import { forEachBroadcast } from "../ir/ops/elementwise.js";
import { isConcrete } from "../ir/types.js";

/** Per element, 1 when the value is 0 whatever the weights and inputs. */
export type ZeroFlags = Uint8Array;

function constantZeros(data: Float32Array): ZeroFlags | undefined {
  const z = new Uint8Array(data.length);
  let any = false;
  data.forEach((v, i) => {
    if (v === 0) {
      z[i] = 1;
      any = true;
    }
  });
  return any ? z : undefined;
}

/** Zero flags of a broadcast product: an element is zero when its source is zero in either operand. */
function productZeros(
  out: readonly number[],
  a: readonly number[],
  za: ZeroFlags | undefined,
  b: readonly number[],
  zb: ZeroFlags | undefined,
): ZeroFlags | undefined {
  if (!za && !zb) return undefined;
  const z = new Uint8Array(elementCount(out));
  forEachBroadcast(out, a, b, (i, ia, ib) => {
    z[i] = (za?.[ia] ?? 0) | (zb?.[ib] ?? 0);
  });
  return z;
}

function shapeOf(node: AnyNode): number[] {
  return node.type.shape as number[];
}

/**
 * The values with elements known to be zero, by node name. Only constants start such knowledge; reshape keeps it
 * (row-major order is unchanged) and mul spreads it. Everything else is taken as possibly nonzero everywhere.
 */
export function knownZeros(graph: Graph): Map<string, ZeroFlags> {
  const zeros = new Map<string, ZeroFlags>();
  const shapes = new Map(graph.nodes.map((n) => [n.name, n.type.shape]));
  for (const node of graph.nodes) {
    if (!isConcrete(node.type.shape)) continue;
    let z: ZeroFlags | undefined;
    if (node.op === "constant") {
      z = constantZeros(node.attrs.data);
    } else if (node.op === "reshape") {
      z = zeros.get(node.operands[0]!);
    } else if (node.op === "mul") {
      const [a, b] = node.operands as [string, string];
      const sa = shapes.get(a)!;
      const sb = shapes.get(b)!;
      if (isConcrete(sa) && isConcrete(sb)) z = productZeros(shapeOf(node), sa, zeros.get(a), sb, zeros.get(b));
    }
    if (z) zeros.set(node.name, z);
  }
  return zeros;
}

/**
 * The taps (i, j) of an HWIO kernel that may be nonzero, row-major. A tap is dead when every kernel[i, j, :, o] is
 * known zero for the out channels o in `outChannels` (all by default), in the kernel itself or in a mask broadcast
 * onto it left-aligned (`maskShape` as given to masked_conv2d: [kh, kw], [kh, kw, in] or [kh, kw, in, out]).
 * The range lets a grouped conv ask about one group's out channels.
 */
export function liveTaps(
  kernelShape: readonly number[],
  kernelZeros: ZeroFlags | undefined,
  mask?: { readonly shape: readonly number[]; readonly zeros: ZeroFlags | undefined },
  outChannels?: readonly [from: number, to: number],
): [number, number][] {
  const [kh, kw, ci, co] = kernelShape as [number, number, number, number];
  const [oFrom, oTo] = outChannels ?? [0, co];
  const ms = mask ? (maskAsKernelShape(mask.shape) as number[]) : [kh, kw, 1, 1];
  const mst = stridesOf(ms);
  const live: [number, number][] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      let alive = false;
      for (let c = 0; c < ci && !alive; c++) {
        for (let o = oFrom; o < oTo && !alive; o++) {
          const k = ((i * kw + j) * ci + c) * co + o;
          const m = i * mst[0]! + j * mst[1]! + (ms[2] === 1 ? 0 : c * mst[2]!) + (ms[3] === 1 ? 0 : o);
          alive = !kernelZeros?.[k] && !mask?.zeros?.[m];
        }
      }
      if (alive) live.push([i, j]);
    }
  }
  return live;
}
