// `mconv ir FILE [-O0|-O1] [--print-ir-after=PASS|all]`: prints the model's IR after the pass pipeline, and
// between passes on request, as LLVM's -print-after does. Reads .mconv files and .ir text.

import { printGraph } from "../ir/text/print.js";
import { passes } from "../passes/pipeline.js";
import { type Command, EXIT, singleFile } from "./command.js";
import { optLevel, prepare, printAfterSet, sharedOptions } from "./frontend.js";
import { report } from "./report.js";
import { PassReport, statsOptions } from "./stats.js";

export const irCommand: Command = {
  name: "ir",
  summary: "Print a model's IR after the pass pipeline (and after chosen passes).",
  usage: "FILE [-O0|-O1] [--target tfjs|js] [--print-ir-after=PASS|all] [--weights W.json] [--full]",
  options: {
    ...sharedOptions,
    "print-ir-after": { type: "string", value: "PASS", multiple: true, description: "also print the IR after this pass (a name, a comma list, or all)" },
    full: { type: "boolean", description: "print every value of large constants instead of <N values, Z zero>" },
    ...statsOptions,
    target: { type: "string", value: "T", description: "optimize for this target (runs its target-only passes)", choices: ["tfjs", "js"] },
  },
  details: [
    "Passes, in -O1 order (a pass marked [tfjs] runs only with --target tfjs, as compile --target tfjs does):",
    ...passes.map((p) => `  ${p.name.padEnd(22)} ${p.targets ? `[${p.targets.join(", ")}] ` : ""}${p.summary}`),
  ].join("\n"),
  async run(args, io) {
    const file = singleFile(args, this);
    const wanted = printAfterSet(args);
    const print = { elideAbove: args.values["full"] === true ? Infinity : 16 };
    const ran = new Set<string>();
    const passReport = new PassReport(args, io);
    const prepared = passReport.timed("read and parse, passes", () =>
      prepare(
        file,
        args,
        io.cwd,
        (pass, graph) => {
          ran.add(pass.name);
          if (wanted?.(pass)) io.stdout(`# IR after ${pass.name}\n${printGraph(graph, print)}\n`);
        },
        passReport.timing,
      ),
    );
    if (!prepared.ok) return report(prepared, io);
    passReport.print(prepared.value.source, prepared.value.graph);
    report(prepared, io);
    const level = `-O${optLevel(args)}`;
    for (const p of passes) {
      if (wanted?.(p) && !ran.has(p.name) && args.values["print-ir-after"]?.toString() !== "all") {
        const why = p.targets && optLevel(args) > 0 ? `without --target ${p.targets.join(" or ")}` : `at ${level}`;
        io.stderr(`mconv ir: note: ${p.name} does not run ${why}, so there is no IR after it to print\n`);
      }
    }
    io.stdout(`${wanted ? "# final IR\n" : ""}${printGraph(prepared.value.graph, print)}`);
    return EXIT.ok;
  },
};
