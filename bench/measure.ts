// Timing for `npm run bench`: interleaved rounds in one process — each round runs every case once, in an order
// rotated from round to round, so that load from elsewhere on the machine falls on all cases alike — after
// warm-up rounds that are not counted. Medians and quartiles, never means. With `node --expose-gc` (as `npm run
// bench` starts it) the heap is collected before every call, untimed: no case pays for the garbage another left.
// Ratios are paired: the median over rounds of a's time over b's in the same round, so that load which comes and
// goes over a run cancels out of them.

import type { Case } from "./cases.js";

export interface Timing {
  readonly samples: number[];
  readonly medianMs: number;
  readonly p25Ms: number;
  readonly p75Ms: number;
}

/** The q-quantile of sorted values, interpolated. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export function summarize(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return { samples, medianMs: quantile(sorted, 0.5), p25Ms: quantile(sorted, 0.25), p75Ms: quantile(sorted, 0.75) };
}

/** The median over rounds of a[r] / b[r] (samples of two cases timed in the same rounds). */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  return summarize(Array.from({ length: n }, (_, r) => a[r]! / b[r]!)).medianMs;
}

/** Runs `warmup + rounds` rounds; the first output of every case is handed to `check` (warm-up included). */
export async function measure(
  cases: readonly Case[],
  rounds: number,
  warmup: number,
  check: (c: Case, output: Float32Array) => void,
  progress: (round: number) => void = () => {},
): Promise<Map<Case, Timing>> {
  const samples = new Map<Case, number[]>(cases.map((c) => [c, []]));
  const collect = (globalThis as { gc?: () => void }).gc;
  for (let r = 0; r < warmup + rounds; r++) {
    progress(r);
    const shift = r % Math.max(cases.length, 1);
    const order = [...cases.slice(shift), ...cases.slice(0, shift)];
    for (const c of order) {
      collect?.();
      const start = performance.now();
      const output = await c.run();
      const ms = performance.now() - start;
      if (r === 0) check(c, output);
      if (r >= warmup) samples.get(c)!.push(ms);
    }
  }
  return new Map([...samples].map(([c, s]) => [c, summarize(s)]));
}
