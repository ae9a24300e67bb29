// `npm run fuzz`: a long fuzzing campaign over every entry point (targets.ts) and the enormous inputs (big.ts),
// spread over worker processes. Prints the inputs tried per target and every failure with its shrunk reproducer
// (also written to a folder); exits 1 on a failure. A worker that hangs or dies (out of memory) is replaced, and
// the input it was on is reported: each worker writes its current input to a file before running it.
//
//   npm run fuzz -- [--runs N] [--seed S] [--workers W] [--only parse/mutated,ir] [--no-big]
//   (or MCONV_FUZZ_RUNS, MCONV_FUZZ_SEED, MCONV_FUZZ_WORKERS; defaults 100000 runs, seed 1, one worker per core)

import { type ChildProcess, fork } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import fc from "fast-check";
import { BIG_INPUTS } from "./big.js";
import { cliFixture } from "./cli.js";
import { bounds } from "./properties.js";
import { type CliWorld, TARGETS, type Target, tryInput } from "./targets.js";

/** Inputs per job: a worker reports after each, which is also its sign of life. */
const CHUNK = 200;
/** A worker silent this long is taken for hung (a job is CHUNK inputs of milliseconds each). */
const HANG_MS = 180_000;
/** The enormous inputs may take seconds each; a generated one over bounds.ms (2 s) fails. */
const BIG_MS = 30_000;
const BIG_HANG_MS = 900_000;

interface Job {
  readonly id: number;
  readonly target: string;
  readonly runs: number;
  readonly seed: number;
}

interface Failure {
  readonly target: string;
  readonly kind: "property" | "hang" | "crash";
  readonly message: string;
  readonly input: string;
  readonly seed?: number;
}

interface JobResult {
  readonly job: number;
  readonly target: string;
  readonly tried: number;
  readonly accepted: number;
  readonly known: Record<string, number>;
  readonly ms: number;
  readonly failure?: Failure;
}

const BIG = "big";

// ---- worker: runs the jobs it is sent, writing each input to `current` before trying it ----

async function worker(current: string): Promise<void> {
  let world: (CliWorld & { remove(): void }) | undefined;
  process.on("exit", () => world?.remove());
  process.on("message", async (job: Job | "exit") => {
    if (job === "exit") process.exit(0);
    const start = performance.now();
    const known: Record<string, number> = {};
    let tried = 0;
    let accepted = 0;
    const attempt = async (target: Target, input: string) => {
      writeFileSync(current, JSON.stringify({ target: target.name, input }));
      tried++;
      if (target.entry === "cli") world ??= cliFixture();
      const outcome = await tryInput(target, input, world);
      if (outcome === "accepted") accepted++;
      else if (typeof outcome === "object") known[outcome.known] = (known[outcome.known] ?? 0) + 1;
    };
    let failure: Failure | undefined;
    if (job.target === BIG) {
      bounds.ms = BIG_MS;
      for (const [what, entry, make] of BIG_INPUTS) {
        const target: Target = { name: `big: ${what}`, entry, weight: 0, arbitrary: fc.constant("") };
        const input = make();
        try {
          await attempt(target, input);
        } catch (e) {
          failure ??= { target: target.name, kind: "property", message: (e as Error).message, input };
        }
      }
    } else {
      const target = TARGETS.find((t) => t.name === job.target)!;
      const run = await fc.check(
        fc.asyncProperty(target.arbitrary, (input) => attempt(target, input)),
        { numRuns: job.runs, seed: job.seed, endOnFailure: false },
      );
      if (run.failed) {
        const message = (run.errorInstance as Error)?.message ?? String(run.errorInstance);
        failure = { target: target.name, kind: "property", message, input: run.counterexample![0] as string, seed: job.seed };
      }
    }
    const result: JobResult = { job: job.id, target: job.target, tried, accepted, known, ms: performance.now() - start, failure };
    process.send!(result);
  });
  process.send!("ready");
}

// ---- main: splits the runs into jobs, keeps the workers busy, reports ----

interface Slot {
  child: ChildProcess;
  current: string;
  job?: Job;
  lastHeard: number;
}

function plan(total: number, seed: number, only: readonly string[] | undefined, big: boolean): Job[] {
  const targets = TARGETS.filter((t) => !only || only.includes(t.name));
  const weight = targets.reduce((a, t) => a + t.weight, 0);
  const jobs: Job[] = [];
  if (big && !only) jobs.push({ id: 0, target: BIG, runs: BIG_INPUTS.length, seed });
  for (const t of targets) {
    let left = Math.max(1, Math.round((total * t.weight) / weight));
    for (let k = 0; left > 0; k++) {
      const runs = Math.min(CHUNK, left);
      jobs.push({ id: jobs.length, target: t.name, runs, seed: seed * 1_000_003 + jobs.length });
      left -= runs;
    }
  }
  return jobs;
}

function shown(input: string): string {
  const text = JSON.stringify(input);
  return text.length > 1200 ? `${text.slice(0, 1200)}… (${input.length} characters in all)` : text;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string" },
      seed: { type: "string" },
      workers: { type: "string" },
      only: { type: "string" },
      "no-big": { type: "boolean" },
    },
  });
  const total = Number(values.runs ?? process.env["MCONV_FUZZ_RUNS"] ?? 100_000);
  const seed = Number(values.seed ?? process.env["MCONV_FUZZ_SEED"] ?? 1);
  const workers = Number(values.workers ?? process.env["MCONV_FUZZ_WORKERS"] ?? availableParallelism());
  const only = values.only?.split(",");
  const jobs = plan(total, seed, only, values["no-big"] !== true);
  const queue = [...jobs];
  const scratch = mkdtempSync(join(tmpdir(), "mconv-campaign-"));
  const stats = new Map<string, { tried: number; accepted: number; known: number; ms: number }>();
  const known = new Map<string, number>();
  const failures: Failure[] = [];
  const started = performance.now();
  let done = 0;
  console.log(`mconv fuzz campaign: ${total} inputs in ${jobs.length} jobs on ${workers} workers, seed ${seed}`);

  await new Promise<void>((resolve) => {
    const slots: Slot[] = [];
    const record = (r: JobResult) => {
      const s = stats.get(r.target) ?? { tried: 0, accepted: 0, known: 0, ms: 0 };
      const k = Object.values(r.known).reduce((a, b) => a + b, 0);
      stats.set(r.target, { tried: s.tried + r.tried, accepted: s.accepted + r.accepted, known: s.known + k, ms: s.ms + r.ms });
      for (const [id, n] of Object.entries(r.known)) known.set(id, (known.get(id) ?? 0) + n);
      if (r.failure) failures.push(r.failure);
      done++;
      if (done % Math.max(1, Math.round(jobs.length / 20)) === 0 || done === jobs.length) {
        const tried = [...stats.values()].reduce((a, s) => a + s.tried, 0);
        console.log(`  ${done}/${jobs.length} jobs, ${tried} inputs, ${failures.length} failures, ${((performance.now() - started) / 1000).toFixed(0)} s`);
      }
    };
    const feed = (slot: Slot) => {
      slot.job = queue.shift();
      slot.lastHeard = performance.now();
      if (slot.job) slot.child.send(slot.job);
      else {
        slot.child.send("exit");
        if (slots.every((s) => !s.job)) resolve();
      }
    };
    const spawn = (index: number) => {
      const current = join(scratch, `current-${index}-${Date.now()}.json`);
      const child = fork(fileURLToPath(import.meta.url), ["--worker", current], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
      const slot: Slot = { child, current, lastHeard: performance.now() };
      slots[index] = slot;
      child.on("message", (m: JobResult | "ready") => {
        slot.lastHeard = performance.now();
        if (m !== "ready") record(m);
        feed(slot);
      });
      child.on("exit", (code, signal) => {
        if (!slot.job || slots[index] !== slot) return;
        // Died on a job: out of memory, or killed as hung by the watchdog below.
        const hung = signal === "SIGKILL" && slot.lastHeard < 0;
        let last: { target: string; input: string } = { target: slot.job.target, input: "" };
        try {
          last = JSON.parse(readFileSync(current, "utf8")) as typeof last;
        } catch {
          // The worker died before its first input.
        }
        const message = hung ? "no answer from the worker: the input below hangs" : `the worker died (exit ${code}, signal ${signal}) on the input below`;
        failures.push({ target: last.target, kind: hung ? "hang" : "crash", message, input: last.input, seed: slot.job.seed });
        record({ job: slot.job.id, target: slot.job.target, tried: 0, accepted: 0, known: {}, ms: 0 });
        slot.job = undefined;
        spawn(index);
      });
    };
    for (let i = 0; i < workers; i++) spawn(i);
    const watchdog = setInterval(() => {
      for (const slot of slots) {
        const patience = slot.job?.target === BIG ? BIG_HANG_MS : HANG_MS;
        if (slot.job && slot.lastHeard >= 0 && performance.now() - slot.lastHeard > patience) {
          slot.lastHeard = -1;
          slot.child.kill("SIGKILL");
        }
      }
      if (slots.every((s) => !s.job) && queue.length === 0) clearInterval(watchdog);
    }, 1000);
    watchdog.unref();
  });

  const seconds = (performance.now() - started) / 1000;
  const rows = [...stats].sort(([a], [b]) => a.localeCompare(b));
  const sum = rows.reduce((a, [, s]) => ({ tried: a.tried + s.tried, accepted: a.accepted + s.accepted, known: a.known + s.known }), { tried: 0, accepted: 0, known: 0 });
  const fails = (name: string) => failures.filter((f) => f.target === name || (name === BIG && f.target.startsWith("big:"))).length;
  console.log(`\n${"target".padEnd(20)} ${"inputs".padStart(8)} ${"accepted".padStart(9)} ${"known".padStart(6)} ${"failed".padStart(7)} ${"cpu s".padStart(7)}`);
  for (const [name, s] of rows) {
    console.log(`${name.padEnd(20)} ${String(s.tried).padStart(8)} ${String(s.accepted).padStart(9)} ${String(s.known).padStart(6)} ${String(fails(name)).padStart(7)} ${(s.ms / 1000).toFixed(1).padStart(7)}`);
  }
  console.log(`${"total".padEnd(20)} ${String(sum.tried).padStart(8)} ${String(sum.accepted).padStart(9)} ${String(sum.known).padStart(6)} ${String(failures.length).padStart(7)}`);
  console.log(`\nwall time ${seconds.toFixed(1)} s`);
  if (known.size > 0) console.log(`known bugs met (test/fuzz/known.ts): ${[...known].map(([id, n]) => `${id} ×${n}`).join(", ")}`);
  rmSync(scratch, { recursive: true, force: true });
  if (failures.length === 0) {
    console.log("no failures");
    return 0;
  }
  const out = mkdtempSync(join(tmpdir(), "mconv-fuzz-failures-"));
  failures.forEach((f, i) => {
    const file = join(out, `${i + 1}-${f.target.replace(/[^\w.-]+/g, "_")}.txt`);
    mkdirSync(out, { recursive: true });
    writeFileSync(file, f.input);
    console.log(`\nFAILURE ${i + 1} (${f.kind}) in ${f.target}${f.seed !== undefined ? `, job seed ${f.seed}` : ""}:\n${f.message}\ninput (shrunk): ${shown(f.input)}\nwritten to ${file}`);
  });
  return 1;
}

if (process.argv[2] === "--worker") await worker(process.argv[3]!);
else process.exitCode = await main();
