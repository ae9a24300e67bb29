// Structural zeros: which elements of a value are 0 whatever the weights and inputs (from constant data, an input's
// declared support, through reshape, slice and mul), and so which kernel taps (i, j) of a conv can never contribute.
// Passes crop and split kernels by it; the js target emits no code for dead taps. Assumes finite weights: a zero
// tap times an infinite or NaN weight is taken as zero, not NaN.

import { positionIndex } from "./analysis.js";
import type { AnyNode, Graph } from "./node.js";
import { maskAsKernelShape } from "./ops/conv.js";
import { elementCount, stridesOf } from "./ops/def.js";
import { forEachBroadcast } from "./ops/elementwise.js";
import { isConcrete } from "./types.js";

/** Per element, 1 when the value is 0 whatever the weights and inputs. */
export type ZeroFlags = Uint8Array;

function flagsOf(data: Float32Array, zeroWhen: (v: number) => boolean): ZeroFlags | undefined {
  const z = new Uint8Array(data.length);
  let any = false;
  for (let i = 0; i < data.length; i++) {
    if (zeroWhen(data[i]!)) {
      z[i] = 1;
      any = true;
    }
  }
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

/** The flags of `size` elements from `begin` along `axis` of a tensor of shape `shape`. */
function sliceZeros(z: ZeroFlags, shape: readonly number[], axis: number, begin: number, size: number): ZeroFlags | undefined {
  const outer = elementCount(shape.slice(0, axis));
  const inner = elementCount(shape.slice(axis + 1));
  const n = shape[axis]!;
  const out = new Uint8Array(outer * size * inner);
  for (let o = 0; o < outer; o++) out.set(z.subarray((o * n + begin) * inner, (o * n + begin + size) * inner), o * size * inner);
  return out.includes(1) ? out : undefined;
}

/** The ops nodeZeros knows anything about: every other op's value is taken as possibly nonzero everywhere. */
const ZERO_OPS: ReadonlySet<AnyNode["op"]> = new Set<AnyNode["op"]>(["constant", "input", "reshape", "slice", "mul"]);

/** The zero flags one node starts or passes on, given those of its operands. */
export function nodeZeros(node: AnyNode, operand: (name: string) => { shape: readonly number[]; zeros?: ZeroFlags }): ZeroFlags | undefined {
  switch (node.op) {
    case "constant":
      return flagsOf(node.attrs.data, (v) => v === 0);
    case "input":
      return node.attrs.support ? flagsOf(node.attrs.support, (v) => v === 0) : undefined;
    case "reshape":
      return operand(node.operands[0]!).zeros;
    case "slice": {
      const x = operand(node.operands[0]!);
      return x.zeros && sliceZeros(x.zeros, x.shape, node.attrs.axis, node.attrs.begin, node.attrs.size);
    }
    case "mul": {
      const a = operand(node.operands[0]!);
      const b = operand(node.operands[1]!);
      return productZeros(node.type.shape as number[], a.shape, a.zeros, b.shape, b.zeros);
    }
    default:
      return undefined;
  }
}

/** A number per flags array met, so that memo keys can name an array by identity. */
const flagIds = new WeakMap<ZeroFlags, number>();
let nextFlagId = 1;

function flagId(z: ZeroFlags | undefined): number {
  if (z === undefined) return 0;
  let id = flagIds.get(z);
  if (id === undefined) flagIds.set(z, (id = nextFlagId++));
  return id;
}

/** Constants up to this many elements are told apart by their values in memo keys (masks are small). */
const SMALL_CONSTANT = 64;

/**
 * What determines a node's flags, as a memo key: its op, result shape and attributes, its operands' shapes and
 * flags (by identity); a small constant by its values. Undefined for a node worth no memo (a large constant).
 */
function zeroKey(node: AnyNode, operands: readonly { shape: readonly number[]; zeros?: ZeroFlags }[]): string | undefined {
  if (node.op === "constant") return node.attrs.data.length <= SMALL_CONSTANT ? `constant:${node.attrs.data.join(",")}` : undefined;
  if (node.op === "input") return undefined;
  let key = `${node.op}:${node.type.shape.join(",")}`;
  if (node.op === "slice") key += `:${node.attrs.axis},${node.attrs.begin},${node.attrs.size}`;
  for (const o of operands) key += `|${o.shape.join(",")}#${flagId(o.zeros)}`;
  return key;
}

/**
 * The values with elements known to be zero, by node name. Constants and inputs with a declared support start such
 * knowledge; reshape and slice keep it and mul spreads it. Everything else is taken as possibly nonzero everywhere.
 * Nodes alike (a deep chain's copies of one mask, the kernels masked by it) compute their flags once and share them.
 */
export function knownZeros(graph: Graph): Map<string, ZeroFlags> {
  const zeros = new Map<string, ZeroFlags>();
  const positions = positionIndex(graph);
  const nodes = graph.nodes;
  // By position: the flags found so far (only nodes of known shape and ops in ZERO_OPS have any).
  const flags: (ZeroFlags | undefined)[] = new Array(nodes.length);
  const memo = new Map<string, ZeroFlags | undefined>();
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (!ZERO_OPS.has(node.op) || !isConcrete(node.type.shape)) continue;
    // Operands defined earlier with known shapes, or nothing is known.
    const from: { shape: readonly number[]; zeros?: ZeroFlags }[] = [];
    for (const o of node.operands) {
      const at = positions.get(o);
      const shape = at !== undefined && at < i ? nodes[at]!.type.shape : undefined;
      if (shape === undefined || !isConcrete(shape)) break;
      from.push({ shape, zeros: flags[at!] });
    }
    if (from.length < node.operands.length) continue;
    const key = zeroKey(node, from);
    let z: ZeroFlags | undefined;
    if (key !== undefined && memo.has(key)) {
      z = memo.get(key);
    } else {
      z = nodeZeros(node, (name) => from[node.operands.indexOf(name)]!);
      if (key !== undefined) memo.set(key, z);
    }
    flags[i] = z;
    if (z) zeros.set(node.name, z);
  }
  return zeros;
}

/** A mask as liveTaps takes it: its shape as given to masked_conv2d and its zero flags. */
export interface MaskZeros {
  readonly shape: readonly number[];
  readonly zeros: ZeroFlags | undefined;
}

/**
 * The taps (i, j) of an HWIO kernel that may be nonzero, row-major. A tap is dead when every kernel[i, j, :, o] is
 * known zero for the out channels o in `outChannels` (all by default), in the kernel itself or in a mask broadcast
 * onto it left-aligned (`mask.shape` as given to masked_conv2d: [kh, kw], [kh, kw, in] or [kh, kw, in, out]).
 * The range lets a grouped conv ask about one group's out channels.
 */
export function liveTaps(
  kernelShape: readonly number[],
  kernelZeros: ZeroFlags | undefined,
  mask?: MaskZeros,
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
