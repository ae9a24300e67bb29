// --stats and --time-passes on compile, run and ir (as LLVM's -stats and -time-passes): the counts of the model
// before and after the passes, and the time of each step. Both go to stderr, so stdout keeps only the results.

import type { Graph } from "../ir/node.js";
import type { Pass } from "../passes/pass.js";
import { formatStats, formatTimes, graphStats } from "../tools/stats.js";
import type { CliIO, ParsedArgs } from "./command.js";

export const statsOptions = {
  stats: { type: "boolean", description: "print ops, weights, FLOPs and mask-zeroed taps before and after the passes (stderr)" },
  "time-passes": { type: "boolean", description: "print the time each pass took (stderr)" },
} as const;

/** Collects pass times for --time-passes and prints both reports once the pipeline has run. */
export class PassReport {
  private readonly times: [string, number][] = [];
  constructor(
    private readonly args: ParsedArgs,
    private readonly io: CliIO,
  ) {}

  readonly timing = (pass: Pass, ms: number): void => {
    this.times.push([pass.name, ms]);
  };

  /**
   * Runs a step and records its time. A step that runs passes is recorded without them (they have their own
   * rows), as "read and parse" before them.
   */
  timed<T>(name: string, step: () => T): T {
    const before = this.times.length;
    const start = performance.now();
    const value = step();
    const passes = this.times.slice(before).reduce((s, [, ms]) => s + ms, 0);
    const own = performance.now() - start - passes;
    this.times.splice(before, 0, [passes > 0 || name.includes("passes") ? name.replace(/, passes$/, "") : name, own]);
    return value;
  }

  print(source: Graph, optimized: Graph): void {
    if (this.args.values["stats"] === true) this.io.stderr(formatStats(source.name, graphStats(source), graphStats(optimized)));
    if (this.args.values["time-passes"] === true) this.io.stderr(formatTimes(this.times));
  }
}
