// `npm run bench [-- --quick] [-- --filter TEXT ...] [-- --rounds N] [-- --out FILE]`: times the workloads of
// bench/workloads.ts on every backend, prints the tables and writes bench/results.json. A benchmark, not a test:
// figures on a shared machine are indicative; compare the ratios, which come from interleaved rounds.

import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { formatResults } from "./report.js";
import { runBench } from "./run.js";

const root = resolve(new URL("..", import.meta.url).pathname);
const { values } = parseArgs({
  options: {
    quick: { type: "boolean" },
    filter: { type: "string", multiple: true },
    rounds: { type: "string" },
    warmup: { type: "string" },
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  process.stdout.write(
    [
      "Usage: npm run bench -- [--quick] [--filter TEXT]... [--rounds N] [--warmup N] [--out FILE]",
      "",
      "  --quick        small sizes and 1 + 2 rounds: a smoke test of the whole suite",
      "  --filter TEXT  only cases whose id contains TEXT (ids: workload/variant/backend@threads, e.g. 7x7-A/static/js@2;",
      "                 `compile` for the compile-time part); repeatable",
      "  --rounds N     timed rounds (default 20; 2 with --quick); --warmup N rounds first (default 2; 1 with --quick)",
      "  --out FILE     where to write the results (default bench/results.json)",
      "",
      "The dynamic masks declare their zero pattern with `within`; MCONV_BENCH_WITHIN=0 leaves it out (every tap may be live).",
      "",
    ].join("\n"),
  );
  process.exit(0);
}
const count = (s: string | undefined, name: string) => {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || (name === "rounds" && n < 1)) {
    process.stderr.write(`bench: --${name} takes a whole number${name === "rounds" ? " of at least 1" : ""}; got '${s}'\n`);
    process.exit(2);
  }
  return n;
};
const results = await runBench({
  root,
  quick: values.quick === true,
  filter: values.filter ?? [],
  rounds: count(values.rounds, "rounds"),
  warmup: count(values.warmup, "warmup"),
  log: (line) => process.stderr.write(`${line}\n`),
});
const out = resolve(values.out ?? join(root, "bench", "results.json"));
writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
process.stdout.write(formatResults(results));
process.stderr.write(`bench: wrote ${out}\n`);
// Worker threads are disposed with their models; nothing should be left, but a benchmark must not hang on one.
process.exit(results.cases.every((c) => c.agrees) ? 0 : 1);
