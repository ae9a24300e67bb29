// The CLI fuzzer's world: a scratch folder of model, IR, weights and inputs files (good, broken, empty, oddly
// named, a folder named like a model), argv drawn from every command's flags and values, and the property that
// runCli, in-process, exits 0, 1 or 2 (70 is a bug) and writes nothing to stdout unless it exits 0.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { runCli } from "../../src/cli/app.js";
import { repoRoot } from "./corpus.js";
import { FuzzFailure } from "./properties.js";

const example = (f: string) => readFileSync(join(repoRoot, "examples", f), "utf8");

/** Every file of the scratch folder, rewritten before each run (a run may write over one with -o). */
const FILES: Readonly<Record<string, string>> = {
  "seed.mconv": example("seed.mconv"),
  "seed.weights.json": example("seed.weights.json"),
  "seed.inputs.json": example("seed.inputs.json"),
  "static.mconv": example("seed_static.mconv"),
  "static.inputs.json": example("seed_static.inputs.json"),
  "load.mconv": 'model L {\n  input x: f32[1, 4, 4, 1]\n  mask m = load("masks/m.json")\n  y = conv2d(x, filters=1, kernel=3, mask=m)\n  output y\n}\n',
  "masks/m.json": "[[1, 1, 1], [1, 0, 0], [0, 0, 0]]",
  "bad.mconv": "model Bad {\n  input x: f32[1, 4]\n  y = relu(x\n  output y\n}\n",
  "type.mconv": "model T {\n  input x: f32[1, 4, 4, 3]\n  y = conv2d(x, filters=2, kernel=9)\n  output y\n}\n",
  "ctrl.mconv": "model C\u001b[2J {\n  input x\u0007: f32[1, 4]\u2028\u202e\n  output x\n}\n",
  "model.ir": "graph G {\n  %x = input : f32[1,2]\n  %y = relu(%x) : f32[1,2]\n  output y = %y\n}\n",
  "bad.ir": "graph G {\n  %y = relu(%x) : f32[1,2]\n}\n",
  "bad.json": '{"x": {"shape": [1, 4, 4, 3], "data": [1, 2',
  "nan.json": '{"x": {"shape": [1], "data": [1e999]}}',
  "empty.mconv": "",
  "sp ace.mconv": example("seed_static.mconv"),
  "ünï €.mconv": example("seed_static.mconv"),
  "-dash.mconv": example("seed_static.mconv"),
  "q'\"uote\n.mconv": example("seed_static.mconv"),
};

/** A fresh scratch folder (its parent also the fuzzer's, so `..` stays inside); remove() deletes both. */
export function cliFixture(): { cwd: string; reset(): void; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), "mconv-fuzz-"));
  const cwd = join(root, "cwd");
  const reset = () => {
    mkdirSync(join(cwd, "masks"), { recursive: true });
    mkdirSync(join(cwd, "dir.mconv"), { recursive: true });
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(cwd, name), text);
  };
  reset();
  return { cwd, reset, remove: () => rmSync(root, { recursive: true, force: true }) };
}

const COMMANDS = ["run", "compile", "ir", "check", "weights", "help", "--help", "-h", "-V", "--version", "nope", "", "RUN", "-O1"];
const FLAGS = [
  "--inputs", "--weights", "--init", "--seed", "-O", "-O0", "-O1", "-O2", "-Ox", "--optimize", "--optimize=0", "--verify",
  "--verify=true", "--backend", "--backend=js", "--backend=reference", "--backend=tfjs-cpu", "--out", "--target",
  "--target=js", "--target=tfjs", "-o", "--output", "--print-ir-after", "--print-ir-after=all",
  "--print-ir-after=dce,nope", "--full", "-h", "--help", "--foo", "-x", "-", "--", "=", "--=", "-Vh", "-oO",
];
const VALUES = [
  ...Object.keys(FILES), "dir.mconv", "masks", "nope.mconv", "nope.ir", "/dev/null", "/dev/zero", "/proc/self/status", ".",
  "..", "", " ", "a\u0000b", "out", "out/o.json", "out/sub/", "seed.mconv/x", "random", "zeros", "ones", "0", "1", "-1",
  "4294967296", "1e3", "NaN", "js", "tfjs", "tfjs-cpu", "tfjs-wasm", "tfjs-node", "reference", "all", "dce",
  "fold-static-masks", "bind-weights", "\u001b[31m", "x=1",
];

const MODELS = ["seed.mconv", "static.mconv", "load.mconv", "bad.mconv", "type.mconv", "ctrl.mconv", "model.ir", "bad.ir", "empty.mconv", "sp ace.mconv", "ünï €.mconv", "-dash.mconv", "dir.mconv", "nope.mconv"];
const TENSORS = ["seed.weights.json", "seed.inputs.json", "static.inputs.json", "bad.json", "nan.json", "masks/m.json", "nope.json", "seed.mconv"];
/** Flags with the values that suit them, most of the time. */
const PAIRS: readonly [string, readonly string[]][] = [
  ["--inputs", TENSORS], ["--weights", TENSORS], ["--init", ["random", "zeros", "ones"]], ["--seed", ["0", "7", "-1", "4294967296", "x"]],
  ["-O", ["0", "1", "2"]], ["--backend", ["js", "reference", "tfjs-cpu", "tfjs", "tfjs-node", "gpu"]], ["--out", ["out/o.json", "dir.mconv", "seed.mconv/x"]],
  ["--target", ["js", "tfjs", "c"]], ["-o", ["out", "out/w.json", "dir.mconv", "seed.mconv/x"]], ["--print-ir-after", ["all", "dce", "nope", "dce,all"]],
  ["--verify", []], ["--full", []],
];

/** What each command needs to get past its usage checks. */
const REQUIRED: Readonly<Record<string, readonly string[][]>> = {
  run: [["--inputs", "seed.inputs.json", "--init", "random"], ["--inputs", "static.inputs.json", "--weights", "seed.weights.json"], ["--inputs", "static.inputs.json", "--init", "zeros", "--backend", "reference"]],
  compile: [["--target", "js", "-o", "out"], ["--target", "tfjs", "-o", "out/t", "--init", "random"]],
  weights: [["--init", "random"], ["--init", "zeros", "-o", "out/w.json"]],
  ir: [[], ["-O0"], ["--print-ir-after", "all", "--full"]],
  check: [[]],
};

/** A command on a model with what it needs and more flags with fitting values, the way people mostly call it. */
const plausible: fc.Arbitrary<string[]> = fc
  .tuple(
    fc.constantFrom("run", "compile", "ir", "check", "weights"),
    fc.array(fc.constantFrom(...MODELS), { minLength: 1, maxLength: 2 }),
    fc.nat(),
    fc.array(fc.tuple(fc.constantFrom(...PAIRS), fc.nat()), { maxLength: 3 }),
  )
  .map(([command, files, which, pairs]) => {
    const needs = REQUIRED[command]!;
    const extra = pairs.flatMap(([[flag, values], i]) => (values.length > 0 ? [flag, values[i % values.length]!] : [flag]));
    return [command, ...files.slice(0, command === "check" ? 2 : 1), ...needs[which % needs.length]!, ...extra];
  });

/** Anything: a command, then flags and values in any order. */
const noise: fc.Arbitrary<string[]> = fc
  .tuple(
    fc.constantFrom(...COMMANDS),
    fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...FLAGS) }, { weight: 4, arbitrary: fc.constantFrom(...VALUES) }, { weight: 1, arbitrary: fc.string({ maxLength: 5 }) }), {
      maxLength: 8,
    }),
  )
  .map(([command, rest]) => (command === "" && rest.length === 0 ? [] : [command, ...rest]));

/** argv as a user might type it, or mistype it. */
export const argvArbitrary: fc.Arbitrary<string[]> = fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 2, arbitrary: noise });

/** Runs below this are taken for a hang; running a model on tfjs the first time loads its wasm. */
export const MAX_CLI_MS = Number(process.env["MCONV_FUZZ_MAX_CLI_MS"] ?? 15_000);

const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** runCli on argv in the fixture's folder: exit 0, 1 or 2, stdout empty unless 0, a reason on stderr unless 0. */
export async function checkCli(argv: readonly string[], fixture: { cwd: string; reset(): void }): Promise<number> {
  fixture.reset();
  let stdout = "";
  let stderr = "";
  const start = performance.now();
  let code: number;
  try {
    code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: fixture.cwd });
  } catch (e) {
    throw new FuzzFailure("returns without throwing", `runCli threw ${(e as Error)?.stack ?? String(e)}`);
  }
  const ms = performance.now() - start;
  const shown = `argv ${JSON.stringify(argv)} exited ${code}\nstderr: ${stderr.slice(0, 2000)}`;
  if (ms > MAX_CLI_MS) throw new FuzzFailure("bounded time", `${shown}\ntook ${ms.toFixed(0)} ms`);
  if (![0, 1, 2].includes(code)) throw new FuzzFailure("exit code 0, 1 or 2", shown);
  if (code !== 0 && stdout !== "") throw new FuzzFailure("stdout empty on failure", `${shown}\nstdout: ${stdout.slice(0, 500)}`);
  if (code !== 0 && stderr.trim() === "") throw new FuzzFailure("a reason on failure", shown);
  const unsafe = UNSAFE.exec(stderr);
  if (unsafe && !argv.some((a) => UNSAFE.test(a))) {
    throw new FuzzFailure("safe stderr", `${shown}\nprints U+${unsafe[0].codePointAt(0)!.toString(16).padStart(4, "0")} raw`);
  }
  return code;
}
