// Runs fuzz targets inside vitest: a bounded number of inputs per target from a fixed seed (MCONV_FUZZ_SEED picks
// another, MCONV_FUZZ_SCALE multiplies the counts), so `npm test` stays fast and a failure reproduces. fast-check
// shrinks a failing input and reports it with its seed.

import fc from "fast-check";
import { expect, it } from "vitest";
import { type CliWorld, TARGETS, type Target, tryInput } from "./targets.js";

export const SEED = Number(process.env["MCONV_FUZZ_SEED"] ?? 0x6d636f6e);
const SCALE = Number(process.env["MCONV_FUZZ_SCALE"] ?? 1);

export function target(name: string): Target {
  const t = TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`no fuzz target ${name}`);
  return t;
}

/** A test that runs `runs` inputs of a target; `minAccepted` guards against a generator that stopped reaching deep. */
export function fuzzTarget(name: string, runs: number, options: { minAccepted?: number; world?: () => CliWorld } = {}): void {
  const t = target(name);
  const n = Math.max(1, Math.round(runs * SCALE));
  it(`${name}: ${n} inputs`, async () => {
    let accepted = 0;
    const world = options.world?.();
    await fc.assert(
      fc.asyncProperty(t.arbitrary, async (input) => {
        if ((await tryInput(t, input, world)) === "accepted") accepted++;
      }),
      { numRuns: n, seed: SEED },
    );
    expect(accepted).toBeGreaterThanOrEqual(Math.round((options.minAccepted ?? 0) * SCALE));
  });
}
