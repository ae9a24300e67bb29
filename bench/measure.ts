// Timing for `npm run bench`: interleaved rounds in one process — each round runs every case once, in an order
// rotated from round to round, so that load from elsewhere on the machine falls on all cases alike — after
// warm-up rounds that are not counted. A sample of a short call times several calls in a row (about 40 ms in all;
// as many for every variant of a workload on one place) and keeps their mean per call. With `node --expose-gc` (as
// `npm run bench` starts it) the heap is collected before every sample, and 10 ms pass, untimed: no case pays for
// the garbage, or the work on other threads, another left. Medians and quartiles over the samples; ratios are
// paired: the median over rounds of a's time over b's in the same round, so that load which comes and goes during
// a run cancels out of them. Samples of short calls, and of calls on two threads or more, vary far more than those of
// long calls on one (by ±25% on a 2-core host: load on either core delays a call of a few ms, where a long call
// averages it out), so each round times such a case three times, in passes that alternate the order (the variants
// of a place stay adjacent), and keeps the median of the three as that round's value.

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

/** The median over rounds of a[r] / b[r] (samples of two cases timed in the same rounds); undefined if one is missing. */
export function pairedRatio(a: readonly number[], b: readonly number[]): number;
export function pairedRatio(a: readonly number[] | undefined, b: readonly number[] | undefined): number | undefined;
export function pairedRatio(a: readonly number[] | undefined, b: readonly number[] | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  const n = Math.min(a.length, b.length);
  return summarize(Array.from({ length: n }, (_, r) => a[r]! / b[r]!)).medianMs;
}

/**
 * A pause before each sample, untimed: what the previous case left running on other threads (its workers' own
 * collections, tfjs's clean-up) ends before the next case starts, instead of slowing it down.
 */
const SETTLE_MS = 10;
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, SETTLE_MS));

/** Samples per round of a case whose calls are short (timed several to a sample) or run on several threads. */
export const NOISY_SAMPLES = 3;

/** A sample lasts at least about this long: calls of a few ms are timed in runs of several (their mean per call). */
const MIN_SAMPLE_MS = 40;
const MAX_REPEATS = 16;

/**
 * Runs `warmup + rounds` rounds; the first output of every case is handed to `check` (warm-up included). The
 * fastest warm-up call of a workload on a place sets how many calls each sample of its cases times (one for calls
 * of 40 ms and more). A case's timing has one value per timed round: its sample, or the median of its NOISY_SAMPLES
 * samples for a case of short calls or on several threads.
 */
export async function measure(
  cases: readonly Case[],
  rounds: number,
  warmup: number,
  check: (c: Case, output: Float32Array) => void,
  progress: (round: number) => void = () => {},
): Promise<Map<Case, Timing>> {
  const samples = new Map<Case, number[]>(cases.map((c) => [c, []]));
  const collect = (globalThis as { gc?: () => void }).gc;
  // Calls per sample, alike for the cases of one workload on one place (the variants a ratio compares): the first
  // call after a collection is slower, and must weigh the same in both sides of a ratio.
  const place = (c: Case) => `${c.workload}/${c.backend}@${c.threads}`;
  const fastest = new Map<string, number>();
  const repeats = new Map<string, number>();
  const samplesPerRound = (c: Case) => (c.threads > 1 || (repeats.get(place(c)) ?? 1) > 1 ? NOISY_SAMPLES : 1);
  for (let r = 0; r < warmup + rounds; r++) {
    progress(r);
    const shift = r % Math.max(cases.length, 1);
    const order = [...cases.slice(shift), ...cases.slice(0, shift)];
    const timed = r >= warmup;
    const passes = timed ? Math.max(1, ...cases.map(samplesPerRound)) : 1;
    const thisRound = new Map<Case, number[]>(cases.map((c) => [c, []]));
    for (let pass = 0; pass < passes; pass++) {
      for (const c of pass % 2 === 0 ? order : [...order].reverse()) {
        if (pass >= samplesPerRound(c)) continue;
        collect?.();
        await settle();
        const calls = timed ? (repeats.get(place(c)) ?? 1) : 1;
        const start = performance.now();
        for (let i = 0; i < calls; i++) {
          const output = await c.run();
          if (r === 0 && i === 0) check(c, output);
        }
        const ms = (performance.now() - start) / calls;
        if (timed) thisRound.get(c)!.push(ms);
        else fastest.set(place(c), Math.min(fastest.get(place(c)) ?? Infinity, ms));
      }
    }
    if (timed) for (const c of cases) samples.get(c)!.push(summarize(thisRound.get(c)!).medianMs);
    if (r === warmup - 1) for (const [key, ms] of fastest) repeats.set(key, Math.min(MAX_REPEATS, Math.max(1, Math.ceil(MIN_SAMPLE_MS / ms))));
  }
  return new Map([...samples].map(([c, s]) => [c, summarize(s)]));
}
