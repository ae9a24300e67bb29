// Bugs the fuzzers found in files this suite does not fix (they belong to other work), each with its reproducer.
// While one is open, a failure it matches is counted as known rather than failing the run; regressions.test.ts
// replays the reproducers and fails once a bug is fixed, so that its entry is removed here.

import type { Graph } from "../../src/ir/node.js";

export interface KnownBug {
  readonly id: string;
  /** Where the fix belongs. */
  readonly file: string;
  readonly entry: "parse" | "mask-file" | "ir" | "tensors" | "cli" | "compile";
  /** Other entry points where it shows too. */
  readonly alsoIn?: readonly KnownBug["entry"][];
  /** The smallest input that shows it. */
  readonly reproducer: string;
  /** Whether a failure (its message) on an input is this bug. */
  readonly matches: (message: string, input: string) => boolean;
}

export const KNOWN_BUGS: readonly KnownBug[] = [
  // None open. Fixed: empty-json-span (tensorFile spans clamped), codegen-huge-kernels (kernels limited to 64×64
  // taps, MC2006), check-prints-valid-files-then-fails (summaries only on success), rank-unbounded (8 axes).
];

/** Taps above which code generation would hit codegen-huge-kernels (fatally, out of memory, for the largest). */
const MAX_UNROLLED_TAPS = 64 * 64;

/** Whether a conv in the graph has a kernel too large for code generation while codegen-huge-kernels is open. */
export function hugeKernel(graph: Graph): boolean {
  const types = new Map(graph.nodes.map((n) => [n.name, n.type.shape]));
  return graph.nodes.some((n) => {
    if (n.op !== "conv2d" && n.op !== "masked_conv2d" && n.op !== "conv2d_transpose") return false;
    const [kh, kw] = types.get(n.operands[1]!) ?? [];
    return typeof kh === "number" && typeof kw === "number" && kh * kw > MAX_UNROLLED_TAPS;
  });
}

export function knownBug(entry: KnownBug["entry"], message: string, input: string): KnownBug | undefined {
  return KNOWN_BUGS.find((b) => (b.entry === entry || b.alsoIn?.includes(entry)) && b.matches(message, input));
}
