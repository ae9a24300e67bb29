// Backend-neutral lowering, settled once: a Graph becomes a Plan both targets spell out the same way — an identifier
// per value, its shape, whether it is computed at load time or per call, the conv, transpose and pool geometry with
// explicit padding, the live kernel taps (per group), and which outputs may hand out their storage. Not for emitting
// code (see tfjs/ and js/).

import { type Result, InternalError, failed, ok } from "../diagnostics.js";
import { type NodeIndex, loadTimeValues, neededNodes, nodeIndex, positionIndex } from "../ir/analysis.js";
import type { AnyNode, Conv2dAttrs, Graph } from "../ir/node.js";
import { convGeometry, maskAsKernelShape } from "../ir/ops/conv.js";
import type { Dim } from "../ir/types.js";
import { isKnownValid, verifyGraph } from "../ir/verify.js";
import { jsIdentifier } from "./escape.js";
import type { SymbolIds } from "./literals.js";
import { knownZeros, liveTaps } from "./taps.js";

/** LOAD-TIME values depend only on params and constants: computed once in `load()`. RUN-TIME ones depend on an input. */
export type Stage = "load" | "run";

/** A tap (i, j) of a kernel: row i, column j. */
export type Tap = readonly [number, number];

/** Consecutive groups [from, to) of a conv that share the same live taps. */
export interface GroupRun {
  readonly from: number;
  readonly to: number;
  readonly taps: readonly Tap[];
}

/** At most this many runs of groups; beyond, one run over all groups with the union of their live taps. */
export const MAX_GROUP_RUNS = 8;

/** A conv2d, masked_conv2d or fused_conv2d with everything resolved: NHWC input, HWIO kernel, padding in pixels. */
export interface ConvPlan {
  readonly batch: Dim;
  readonly inSize: readonly [number, number];
  /** Channels of the input; each group reads inChannels / groups of them (the kernel's in_channels). */
  readonly inChannels: number;
  readonly outChannels: number;
  readonly groups: number;
  readonly kernelSize: readonly [number, number];
  readonly outSize: readonly [number, number];
  /** [top, bottom, left, right], from the TensorFlow SAME rule when the padding is `same`. */
  readonly pads: readonly [number, number, number, number];
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  /** Taps (i, j) that may be nonzero for some out channel, row-major; the others are structurally zero. */
  readonly liveTaps: readonly Tap[];
  /** The groups in order, split where the live taps change (one run when they never do, or after MAX_GROUP_RUNS). */
  readonly groupRuns: readonly GroupRun[];
  /** masked_conv2d (and fused_conv2d with a mask) only: the mask broadcast left-aligned onto the kernel, [kh, kw, in or 1, out or 1]. */
  readonly maskShape?: readonly number[];
}

/**
 * conv2d_transpose resolved: NHWC input, kernel [kh, kw, out, in]. `pads` are those of the forward conv that maps
 * the output back onto the input (TensorFlow's rule): input pixel iy reaches output rows iy · sh + i − top.
 */
export interface TransposePlan {
  readonly batch: Dim;
  readonly inSize: readonly [number, number];
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly [number, number];
  readonly outSize: readonly [number, number];
  readonly pads: readonly [number, number, number, number];
  readonly strides: readonly [number, number];
}

/** max_pool or avg_pool resolved: NHWC input, padding in pixels (never counted, never compared). */
export interface PoolPlan {
  readonly batch: Dim;
  readonly inSize: readonly [number, number];
  readonly channels: Dim;
  readonly window: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly pads: readonly [number, number, number, number];
  readonly outSize: readonly [number, number];
}

export interface PlannedValue {
  readonly node: AnyNode;
  /** Generated identifier (`v3`); never derived from the model's names. */
  readonly id: string;
  readonly shape: readonly Dim[];
  readonly stage: Stage;
  /** Some output depends on it; values nobody needs are not computed. */
  readonly needed: boolean;
  /** The node whose buffer holds this value: itself, or for a reshape the storage of its operand. */
  readonly storage: string;
  /** Its storage is handed to the caller as an output: it must be fresh on every call, never reused. */
  readonly returned: boolean;
  readonly conv?: ConvPlan;
  readonly transpose?: TransposePlan;
  readonly pool?: PoolPlan;
}

export interface PlannedOutput {
  readonly name: string;
  readonly value: PlannedValue;
  /** The output may be handed out as is; otherwise (an input, a load-time value, storage already handed out) copy it. */
  readonly owned: boolean;
}

export interface Plan {
  readonly graph: Graph;
  /** Every node, in graph order. */
  readonly values: readonly PlannedValue[];
  readonly inputs: readonly PlannedValue[];
  readonly params: readonly PlannedValue[];
  readonly outputs: readonly PlannedOutput[];
  /** Symbolic dimensions, in order of first appearance among the inputs, to their identifiers (`s0`). */
  readonly symbols: SymbolIds;
  value(name: string): PlannedValue;
}

const sameTaps = (a: readonly Tap[], b: readonly Tap[]) => a.length === b.length && a.every((t, i) => t[0] === b[i]![0] && t[1] === b[i]![1]);

function convPlan(node: AnyNode, byName: NodeIndex, zeros: ReturnType<typeof knownZeros>): ConvPlan {
  // fused_conv2d: input, kernel, bias and the optional mask last.
  const [xName, kName] = node.operands;
  const mName = node.op === "fused_conv2d" ? node.operands[3] : node.operands[2];
  const [batch, h, w, c] = byName.get(xName!)!.type.shape as [Dim, number, number, number];
  const kernel = byName.get(kName!)!.type.shape as [number, number, number, number];
  const attrs = node.attrs as Conv2dAttrs;
  const g = convGeometry([h, w], [kernel[0], kernel[1]], attrs);
  const mask = mName === undefined ? undefined : byName.get(mName)!;
  const maskShape = mask ? (maskAsKernelShape(mask.type.shape) as number[]) : undefined;
  const maskZeros = mask && { shape: mask.type.shape as number[], zeros: zeros.get(mName!) };
  const taps = liveTaps(kernel, zeros.get(kName!), maskZeros);
  // Live taps group by group; consecutive groups with the same taps share a run.
  const perGroup = kernel[3] / attrs.groups;
  let runs: GroupRun[] = [];
  for (let group = 0; group < attrs.groups; group++) {
    const mine = attrs.groups === 1 ? taps : liveTaps(kernel, zeros.get(kName!), maskZeros, [group * perGroup, (group + 1) * perGroup]);
    const last = runs[runs.length - 1];
    if (last && sameTaps(last.taps, mine)) runs[runs.length - 1] = { ...last, to: group + 1 };
    else runs.push({ from: group, to: group + 1, taps: mine });
  }
  if (runs.length > MAX_GROUP_RUNS) runs = [{ from: 0, to: attrs.groups, taps }];
  return {
    batch,
    inSize: [h, w],
    inChannels: c,
    outChannels: kernel[3],
    groups: attrs.groups,
    kernelSize: [kernel[0], kernel[1]],
    outSize: g.out,
    pads: g.pads,
    strides: attrs.strides,
    dilations: attrs.dilations,
    liveTaps: taps,
    groupRuns: runs,
    ...(maskShape ? { maskShape } : {}),
  };
}

function transposePlan(node: Extract<AnyNode, { op: "conv2d_transpose" }>, byName: NodeIndex): TransposePlan {
  const [batch, h, w, c] = byName.get(node.operands[0]!)!.type.shape as [Dim, number, number, number];
  const [kh, kw, o] = byName.get(node.operands[1]!)!.type.shape as [number, number, number, number];
  const [, oh, ow] = node.type.shape as [Dim, number, number, number];
  // The forward conv from the output (oh × ow) back to the input decides the padding, as in TensorFlow.
  const forward = convGeometry([oh, ow], [kh, kw], { strides: node.attrs.strides, dilations: [1, 1], padding: node.attrs.padding, groups: 1 });
  return { batch, inSize: [h, w], inChannels: c, outChannels: o, kernelSize: [kh, kw], outSize: [oh, ow], pads: forward.pads, strides: node.attrs.strides };
}

function poolPlan(node: Extract<AnyNode, { op: "max_pool" | "avg_pool" }>, byName: NodeIndex): PoolPlan {
  const [batch, h, w, c] = byName.get(node.operands[0]!)!.type.shape as [Dim, number, number, Dim];
  const a = node.attrs;
  const g = convGeometry([h, w], a.window, { strides: a.strides, dilations: [1, 1], padding: a.padding, groups: 1 });
  return { batch, inSize: [h, w], channels: c, window: a.window, strides: a.strides, pads: g.pads, outSize: g.out };
}

/** The geometry a node's emitters need, resolved once. */
function geometry(node: AnyNode, byName: NodeIndex, zeros: ReturnType<typeof knownZeros>): Partial<PlannedValue> {
  switch (node.op) {
    case "conv2d":
    case "masked_conv2d":
    case "fused_conv2d":
      return { conv: convPlan(node, byName, zeros) };
    case "conv2d_transpose":
      return { transpose: transposePlan(node, byName) };
    case "max_pool":
    case "avg_pool":
      return { pool: poolPlan(node, byName) };
    default:
      return {};
  }
}

/** Symbols of the inputs get identifiers; any other symbol could never be bound when the model is called. */
function symbolIds(graph: Graph): Map<string, string> {
  const symbols = new Map<string, string>();
  for (const node of graph.nodes) {
    if (node.op !== "input") continue;
    for (const d of node.type.shape) {
      if (typeof d === "string" && !symbols.has(d)) symbols.set(d, jsIdentifier(`s${symbols.size}`));
    }
  }
  for (const node of graph.nodes) {
    const unbound = node.type.shape.find((d) => typeof d === "string" && !symbols.has(d));
    if (unbound !== undefined) {
      // Only inputs bring symbols into a verified graph (params and constants have known shapes, shape rules keep
      // symbols): a stray one is a broken invariant, not a user's mistake.
      throw new InternalError(`the size ${unbound} of %${node.name} is not given by any input`);
    }
  }
  return symbols;
}

/** Lowers a graph to the plan both targets emit from. Fails on graphs the verifier rejects. */
export function planGraph(graph: Graph): Result<Plan> {
  // Graphs of the parser, the builder and the passes are known valid; others (a user's own) are checked here.
  const broken = isKnownValid(graph) ? [] : verifyGraph(graph);
  if (broken.length > 0) return failed(broken);
  const symbols = symbolIds(graph);

  const byName = nodeIndex(graph);
  const loadTime = loadTimeValues(graph);
  const needed = neededNodes(graph);
  const zeros = knownZeros(graph);
  const positions = positionIndex(graph);
  // By position: the name of the node whose buffer holds each value (a reshape shares its operand's).
  const storage: string[] = new Array(graph.nodes.length);
  graph.nodes.forEach((n, i) => (storage[i] = n.op === "reshape" ? storage[positions.get(n.operands[0]!)!]! : n.name));

  // An output owns its storage when that storage is computed per call (not an input) and no earlier output took it.
  const handedOut = new Set<string>();
  const owned = graph.outputs.map((o) => {
    const root = byName.get(storage[positions.get(o.value)!]!)!;
    const mine = !loadTime.has(root.name) && root.op !== "input" && !handedOut.has(root.name);
    if (mine) handedOut.add(root.name);
    return mine;
  });

  const values: PlannedValue[] = graph.nodes.map((node, i) => ({
    node,
    id: jsIdentifier(`v${i}`),
    shape: node.type.shape,
    stage: loadTime.has(node.name) ? "load" : "run",
    needed: needed[i] === 1,
    storage: storage[i]!,
    returned: handedOut.has(storage[i]!),
    ...geometry(node, byName, zeros),
  }));
  // values[i] plans graph.nodes[i]: the graph's position index finds them by name.
  const value = (name: string): PlannedValue => {
    const at = positions.get(name);
    const v = at === undefined ? undefined : values[at];
    if (!v) throw new InternalError(`codegen: no value %${name}`);
    return v;
  };
  return ok({
    graph,
    values,
    inputs: values.filter((v) => v.node.op === "input"),
    params: values.filter((v) => v.node.op === "param"),
    outputs: graph.outputs.map((o, i) => ({ name: o.name, value: value(o.value), owned: owned[i]! })),
    symbols,
    value,
  });
}
