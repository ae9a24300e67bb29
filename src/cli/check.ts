// `mconv check FILE…`: parses and type-checks models without compiling them; prints a one-line summary per file.

import { inputsOf, paramsOf } from "../ir/node.js";
import { type Command, EXIT, UsageError } from "./command.js";
import { loadModel } from "./frontend.js";
import { report } from "./report.js";

export const checkCommand: Command = {
  name: "check",
  summary: "Check models for errors (syntax, names, shapes, masks) without compiling them.",
  usage: "FILE...",
  options: {},
  details: "Exit code 0 when every file is valid (a summary line each on stdout), 1 when any has an error (stderr).",
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError("missing FILE; usage: mconv check FILE...");
    let code: number = EXIT.ok;
    const summaries: string[] = [];
    for (const file of args.positionals) {
      const model = loadModel(file, io.cwd);
      if (report(model, io) !== EXIT.ok || !model.ok) {
        code = EXIT.userError;
        continue;
      }
      const g = model.value;
      summaries.push(`${file}: model ${g.name} is valid (${inputsOf(g).length} inputs, ${paramsOf(g).length} weights, ${g.outputs.length} outputs)\n`);
    }
    // As every command: stdout carries results only when the command succeeds; errors go to stderr.
    if (code === EXIT.ok) for (const line of summaries) io.stdout(line);
    return code;
  },
};
