// What --stats counts (as LLVM's -stats): ops, weights and FLOPs of a graph, and how much of its kernels static masks
// zero; and the --time-passes table. Counts are per example (batch 1); a symbolic size other than the batch makes a
// count unknown rather than guessed. Not a profiler: nothing here runs the model.

import { loadTimeValues } from "../ir/analysis.js";
import type { AnyNode, Graph } from "../ir/node.js";
import type { Dim } from "../ir/types.js";

export interface GraphStats {
  /** Ops run with each call (inputs, weights, constants and load-time values excluded). */
  readonly opsPerCall: number;
  /** Ops computed once when weights are loaded (a kernel multiplied by its mask). */
  readonly opsAtLoad: number;
  /** Weight values (params), and values of constants. */
  readonly parameters: number;
  readonly constants: number;
  /** Convolutions whose mask is applied at run time (masked_conv2d). */
  readonly maskedConvs: number;
  /** Floating-point operations per example with every kernel weight counted; undefined when a size is symbolic. */
  readonly flops?: number;
  /** The same with kernel weights that a static mask zeroes left out (what the js target executes). */
  readonly liveFlops?: number;
  /** Kernel weights zeroed by static masks, and kernel taps (kh × kw positions) zeroed for every channel pair. */
  readonly zeroedWeights: number;
  readonly zeroedTaps: number;
}

const product = (dims: readonly Dim[]): number | undefined =>
  dims.every((d): d is number => typeof d === "number") ? dims.reduce((a, b) => a * b, 1) : undefined;

/** Elements of one example: the batch axis (the first) left out when it is symbolic. */
function perExample(shape: readonly Dim[]): number | undefined {
  return product(typeof shape[0] === "string" ? shape.slice(1) : shape);
}

/** A known kernel mask: 1 where the kernel weight survives, over the kernel's shape [kh, kw, in, out]. */
function kernelMask(node: AnyNode, byName: ReadonlyMap<string, AnyNode>): { live: boolean[] } | undefined {
  const kernel = byName.get(node.operands[1]!);
  const shape = kernel?.type.shape;
  if (!kernel || !shape || product(shape) === undefined) return undefined;
  const constantOf = (name: string | undefined): AnyNode | undefined => {
    let n = name === undefined ? undefined : byName.get(name);
    while (n?.op === "reshape") n = byName.get(n.operands[0]!);
    return n?.op === "constant" ? n : undefined;
  };
  let mask: AnyNode | undefined;
  if (node.op === "masked_conv2d") mask = constantOf(node.operands[2]);
  else if (node.op === "fused_conv2d" && node.operands[3] !== undefined) mask = constantOf(node.operands[3]);
  else if (kernel.op === "mul") mask = constantOf(kernel.operands[1]) ?? constantOf(kernel.operands[0]);
  else if (kernel.op === "constant") mask = kernel; // weights bound and folded: its zeros are what is skipped
  if (mask?.op !== "constant") return undefined;
  const [kh, kw, ci, co] = shape as number[];
  const m = mask.type.shape as number[];
  // Left-aligned broadcast: [kh, kw] ≡ [kh, kw, 1, 1], [kh, kw, in] ≡ [kh, kw, in, 1].
  const [a = 1, b = 1] = [m[2], m[3]];
  const live: boolean[] = [];
  for (let i = 0; i < kh! * kw!; i++) {
    for (let c = 0; c < ci!; c++) {
      for (let o = 0; o < co!; o++) live.push(mask.attrs.data[(i * a + (a === 1 ? 0 : c)) * b + (b === 1 ? 0 : o)] !== 0);
    }
  }
  return { live };
}

export function graphStats(graph: Graph): GraphStats {
  const byName = new Map(graph.nodes.map((n) => [n.name, n] as const));
  const atLoad = loadTimeValues(graph);
  let opsPerCall = 0;
  let opsAtLoad = 0;
  let parameters = 0;
  let constants = 0;
  let maskedConvs = 0;
  let flops: number | undefined = 0;
  let liveFlops: number | undefined = 0;
  let zeroedWeights = 0;
  let zeroedTaps = 0;
  const add = (dense: number | undefined, live = dense) => {
    flops = flops === undefined || dense === undefined ? undefined : flops + dense;
    liveFlops = liveFlops === undefined || live === undefined ? undefined : liveFlops + live;
  };
  for (const n of graph.nodes) {
    if (n.op === "input") continue;
    if (n.op === "param") parameters += product(n.type.shape) ?? 0;
    else if (n.op === "constant") constants += n.attrs.data.length;
    else if (atLoad.has(n.name)) opsAtLoad++;
    else {
      opsPerCall++;
      const out = perExample(n.type.shape);
      switch (n.op) {
        case "conv2d":
        case "masked_conv2d":
        case "fused_conv2d": {
          if (n.op === "masked_conv2d" || (n.op === "fused_conv2d" && n.operands[3] !== undefined)) maskedConvs++;
          const kernel = byName.get(n.operands[1]!)!.type.shape;
          const [kh, kw, ci] = kernel as number[];
          const pixels = out === undefined ? undefined : out / (kernel[3] as number);
          const weights = product(kernel);
          const mask = kernelMask(n, byName);
          const live = mask ? mask.live.filter(Boolean).length : weights;
          if (mask && weights !== undefined) {
            zeroedWeights += weights - live!;
            const perTap = ci! * (kernel[3] as number);
            for (let t = 0; t < kh! * kw!; t++) if (!mask.live.slice(t * perTap, (t + 1) * perTap).some(Boolean)) zeroedTaps++;
          }
          const mac = (w: number | undefined) => (pixels === undefined || w === undefined ? undefined : 2 * pixels * w);
          add(mac(weights), mac(live));
          // A fused conv also adds its bias and applies its activation: one operation each per output element.
          if (n.op === "fused_conv2d") add(out === undefined ? undefined : out * (n.attrs.activation === "linear" ? 1 : 2));
          break;
        }
        case "dense": {
          // x [..., in] · kernel [in, units]: one multiply-add per output element and input.
          const inputs = byName.get(n.operands[1]!)!.type.shape[0];
          add(out === undefined || typeof inputs !== "number" ? undefined : 2 * out * inputs);
          break;
        }
        case "conv2d_transpose": {
          // Each input value is scattered through kh × kw × out kernel weights.
          const x = perExample(byName.get(n.operands[0]!)!.type.shape);
          const [kh, kw, outChannels] = byName.get(n.operands[1]!)!.type.shape;
          const fan = product([kh!, kw!, outChannels!]);
          add(x === undefined || fan === undefined ? undefined : 2 * x * fan);
          break;
        }
        case "reshape":
        case "concat":
        case "slice":
        case "pad":
        case "upsample":
          break;
        default:
          add(out);
      }
    }
  }
  return { opsPerCall, opsAtLoad, parameters, constants, maskedConvs, flops, liveFlops, zeroedWeights, zeroedTaps };
}

const count = (n: number | undefined) => (n === undefined ? "?" : n.toLocaleString("en-US"));

/** The --stats table: the model as written, and after the passes. */
export function formatStats(model: string, before: GraphStats, after: GraphStats): string {
  const rows: [string, keyof GraphStats][] = [
    ["ops per call", "opsPerCall"],
    ["ops at load time", "opsAtLoad"],
    ["weights (parameters)", "parameters"],
    ["constant values", "constants"],
    ["masked convs (mask at run time)", "maskedConvs"],
    ["FLOPs per example, every weight", "flops"],
    ["FLOPs per example, live weights", "liveFlops"],
    ["kernel weights zeroed by masks", "zeroedWeights"],
    ["kernel taps zeroed by masks", "zeroedTaps"],
  ];
  const cells = rows.map(([label, key]) => [label, count(before[key]), count(after[key])] as const);
  const w = [Math.max(...cells.map((c) => c[0].length)), Math.max(6, ...cells.map((c) => c[1].length)), Math.max(6, ...cells.map((c) => c[2].length))];
  return [
    `=== mconv statistics: model ${model} ===`,
    `${"".padEnd(w[0]!)}  ${"before".padStart(w[1]!)}  ${"after".padStart(w[2]!)}`,
    ...cells.map(([l, b, a]) => `${l.padEnd(w[0]!)}  ${b.padStart(w[1]!)}  ${a.padStart(w[2]!)}`),
    "",
  ].join("\n");
}

/** The --time-passes table: wall time of each step, and the total, in milliseconds. */
export function formatTimes(times: readonly (readonly [string, number])[]): string {
  const total = times.reduce((s, [, ms]) => s + ms, 0);
  const rows = [...times, ["total", total] as const];
  const w = Math.max(...rows.map(([name]) => name.length));
  return ["=== mconv pass timing (wall clock, ms) ===", ...rows.map(([name, ms]) => `${name.padEnd(w)}  ${ms.toFixed(3).padStart(10)}`), ""].join("\n");
}
