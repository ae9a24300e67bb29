// One compile-time measurement, in a process of its own so that its memory figures are its own:
// `node --import tsx bench/compile-child.ts LAYERS DIR` prints one JSON line. A small model compiles first (warm-up);
// the stage times are the median of five compiles (three from 10,000 layers), heap growth that of the first.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../src/cli/app.js";
import { emitModule } from "../src/codegen/index.js";
import { parseModel } from "../src/parser/parse.js";
import { optimize } from "../src/passes/pipeline.js";
import { chainModel } from "./workloads.js";

const layers = Number(process.argv[2]);
const dir = process.argv[3]!;
const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** Parse, passes and emit of the text, timed apart. */
function frontToBack(text: string) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const parsed = parseModel({ name: "chain.mconv", text });
  if (!parsed.ok) throw new Error("the generated model does not parse");
  const t1 = performance.now();
  const graph = optimize(parsed.value, { target: "js" });
  const t2 = performance.now();
  const emitted = emitModule(graph, "js");
  if (!emitted.ok) throw new Error("the generated model does not compile");
  const t3 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  return { parseMs: t1 - t0, passesMs: t2 - t1, emitMs: t3 - t2, cpuMs: (cpu.user + cpu.system) / 1000, moduleBytes: emitted.value.length };
}

frontToBack(chainModel(50));
const text = chainModel(layers);
const heapBefore = process.memoryUsage().heapUsed;
const first = frontToBack(text);
const heapAfter = process.memoryUsage().heapUsed;
// One run is noise-prone (tens of milliseconds for small models; a collection or two more for big ones): a median.
const runs = [first, ...Array.from({ length: layers <= 1000 ? 4 : 2 }, () => frontToBack(text))];
const stages = runs.sort((a, b) => a.parseMs + a.passesMs + a.emitMs - (b.parseMs + b.passesMs + b.emitMs))[runs.length >> 1]!;
const file = join(dir, `chain${layers}.mconv`);
writeFileSync(file, text);
const io = { stdout: () => {}, stderr: (t: string) => void (t.startsWith("mconv: wrote") || process.stderr.write(t)), cwd: dir };
const cliCpu0 = process.cpuUsage();
const start = performance.now();
const code = await runCli(["compile", file, "--target", "js", "-o", join(dir, `out${layers}`)], io);
const cliMs = performance.now() - start;
const cliCpu = process.cpuUsage(cliCpu0);
if (code !== 0) throw new Error(`mconv compile exited with ${code}`);
console.log(
  JSON.stringify({
    layers,
    ...stages,
    totalMs: stages.parseMs + stages.passesMs + stages.emitMs,
    cliMs,
    cliCpuMs: (cliCpu.user + cliCpu.system) / 1000,
    heapGrowthMB: mb(heapAfter - heapBefore),
    heapUsedMB: mb(process.memoryUsage().heapUsed),
    maxRssMB: mb(process.resourceUsage().maxRSS * 1024),
  }),
);
