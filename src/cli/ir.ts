// `mconv ir FILE [-O0|-O1] [--print-ir-after=PASS|all]`: prints the model's IR after the pass pipeline, and
// between passes on request, as LLVM's -print-after does. Reads .mconv files and .ir text.

import { printGraph } from "../ir/text/print.js";
import { passes } from "../passes/pipeline.js";
import { type Command, EXIT, singleFile } from "./command.js";
import { prepare, printAfterSet, sharedOptions } from "./frontend.js";
import { report } from "./report.js";

export const irCommand: Command = {
  name: "ir",
  summary: "Print a model's IR after the pass pipeline (and after chosen passes).",
  usage: "FILE [-O0|-O1] [--print-ir-after=PASS|all] [--weights W.json] [--full]",
  options: {
    ...sharedOptions,
    "print-ir-after": { type: "string", value: "PASS", multiple: true, description: "also print the IR after this pass (a name, a comma list, or all)" },
    full: { type: "boolean", description: "print every value of large constants instead of <N values, Z zero>" },
  },
  details: ["Passes:", ...passes.map((p) => `  ${p.name.padEnd(20)} ${p.summary}`)].join("\n"),
  async run(args, io) {
    const file = singleFile(args, this);
    const wanted = printAfterSet(args);
    const print = { elideAbove: args.values["full"] === true ? Infinity : 16 };
    const prepared = prepare(file, args, io.cwd, (pass, graph) => {
      if (wanted?.(pass)) io.stdout(`# IR after ${pass.name}\n${printGraph(graph, print)}\n`);
    });
    if (!prepared.ok) return report(prepared, io);
    report(prepared, io);
    io.stdout(`${wanted ? "# final IR\n" : ""}${printGraph(prepared.value.graph, print)}`);
    return EXIT.ok;
  },
};
