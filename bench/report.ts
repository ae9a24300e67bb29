// The tables `npm run bench` prints: per workload and place, the median ms of each variant with its spread
// (interquartile range as ± % of the median) and the ratios the targets speak of (paired round by round, as the
// targets take them); then compile times; then targets.

import { pairedRatio } from "./measure.js";
import type { BenchResults, CaseResult } from "./run.js";

const VARIANTS = ["dense", "static", "dynamic", "baseline"] as const;

function cell(c: CaseResult | undefined): string {
  if (!c) return "—";
  const spread = c.medianMs > 0 ? Math.round(((c.p75Ms - c.p25Ms) / 2 / c.medianMs) * 100) : 0;
  return `${c.medianMs < 10 ? c.medianMs.toFixed(2) : c.medianMs.toFixed(1)} ±${spread}%${c.agrees ? "" : " WRONG"}`;
}

const fixed = (x: number | undefined, digits = 2) => (x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(digits));

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((v, i) => v.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

export function formatResults(r: BenchResults): string {
  const out: string[] = [
    `mconv bench — ${r.date}, Node ${r.node}, ${r.machine.cpus} cores (${r.machine.model})${r.quick ? ", QUICK (sizes reduced)" : ""}`,
    `median ms per call (± half the interquartile range), ${r.warmup} warm-up + ${r.rounds} rounds interleaved, ratios paired by round; dynamic masks ${r.within ? "with" : "without"} \`within\``,
    "",
  ];
  for (const w of r.workloads) {
    const mine = r.cases.filter((c) => c.workload === w.name);
    if (mine.length === 0) continue;
    const places = [...new Set(mine.map((c) => `${c.backend}@${c.threads}`))];
    const rows = places.map((p) => {
      const get = (v: string) => mine.find((c) => c.variant === v && `${c.backend}@${c.threads}` === p);
      const ratio = (a: string, b: string) => pairedRatio(get(a)?.samplesMs, get(b)?.samplesMs);
      return [p, ...VARIANTS.map((v) => cell(get(v))), fixed(ratio("dense", "static")), fixed(ratio("dynamic", "static")), fixed(ratio("dynamic", "baseline"))];
    });
    out.push(`${w.name}: ${w.title}`, table(["place", ...VARIANTS, "dense/static", "dynamic/static", "dynamic/baseline"], rows), "");
  }
  if (r.compile.length > 0) {
    out.push(
      "compile: a chain of masked 3×3 convs (parse + passes + emit in-process; `mconv compile` in-process incl. files)",
      table(
        ["layers", "parse ms", "passes ms", "emit ms", "total ms", "total cpu ms", "mconv compile ms", "heap growth MB", "max RSS MB"],
        r.compile.map((c) => [String(c.layers), fixed(c.parseMs, 0), fixed(c.passesMs, 0), fixed(c.emitMs, 0), fixed(c.totalMs, 0), fixed(c.cpuMs, 0), fixed(c.cliMs, 0), fixed(c.heapGrowthMB, 1), fixed(c.maxRssMB, 0)]),
      ),
      ...r.compileGrowth.map((g) => `  ${g.from} → ${g.to} layers: ×${g.ratio.toFixed(2)} time`),
      "",
    );
  }
  out.push(
    "targets",
    table(
      ["target", "measured", "needs", "result"],
      r.targets.map((t) => [t.name, fixed(t.measured ?? undefined), `${t.direction === "atLeast" ? "≥" : "≤"} ${t.threshold}`, t.pass === null ? "not measured" : t.pass ? "PASS" : "FAIL"]),
    ),
  );
  const wrong = r.cases.filter((c) => !c.agrees);
  if (wrong.length > 0) out.push("", `WRONG OUTPUTS: ${wrong.map((c) => `${c.id} (${c.maxRelError.toExponential(2)})`).join(", ")}`);
  return out.join("\n") + "\n";
}
