// `mconv fmt FILE… [--write | --check]`: the formatter, with prettier's conventions — the formatted text on stdout
// by default, `--write` rewrites the files in place, `--check` names the files that would change (exit 1).

import { realpathSync, renameSync } from "node:fs";
import { resolve } from "node:path";
import { formatSource } from "../tools/format.js";
import { type Command, EXIT, UsageError } from "./command.js";
import { readSource, writeOutput } from "./frontend.js";
import { report } from "./report.js";

export const fmtCommand: Command = {
  name: "fmt",
  summary: "Format .mconv files: one layout, comments kept, mask literals aligned as grids.",
  usage: "FILE... [--write | --check]",
  options: {
    write: { type: "boolean", short: "w", description: "rewrite the files in place (only those that change)" },
    check: { type: "boolean", description: "change nothing; list the files that are not formatted and exit 1 if any" },
  },
  details: [
    "Without --write or --check the formatted files are printed on stdout, as prettier and gofmt do.",
    "A file with a syntax error is reported and left untouched (exit 1). Formatting only moves whitespace:",
    "the tokens and comments stay, in order, so the model means the same.",
    "Examples:",
    "  mconv fmt examples/seed.mconv",
    "  mconv fmt --check examples/*.mconv",
    "  mconv fmt --write model.mconv",
  ].join("\n"),
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError("missing FILE; usage: mconv fmt FILE... [--write | --check]");
    const write = args.values["write"] === true;
    const check = args.values["check"] === true;
    if (write && check) throw new UsageError("give --write or --check, not both");
    let code: number = EXIT.ok;
    const unformatted: string[] = [];
    for (const file of args.positionals) {
      const source = readSource(file, io.cwd, "model file");
      if (!source.ok) {
        code = report(source, io);
        continue;
      }
      const formatted = formatSource(source.value);
      if (!formatted.ok) {
        code = report(formatted, io);
        io.stderr(`mconv fmt: ${file} has syntax errors; it was not formatted\n`);
        continue;
      }
      const changed = formatted.value !== source.value.text;
      if (check) {
        if (changed) unformatted.push(file);
      } else if (write) {
        if (!changed) continue;
        // Written beside the file and renamed over it, so an interrupted write never leaves half a model; through a
        // symbolic link, the file it points to is the one replaced.
        const target = realpathSync(resolve(io.cwd, file));
        const temporary = `${target}.mconv-fmt-${process.pid}.tmp`;
        const written = writeOutput(temporary, io.cwd, formatted.value);
        if (!written.ok) {
          code = report(written, io);
          continue;
        }
        renameSync(written.value, target);
      } else {
        io.stdout(formatted.value);
      }
    }
    if (unformatted.length > 0) {
      for (const file of unformatted) io.stdout(`${file}\n`);
      const n = unformatted.length;
      io.stderr(`mconv fmt: ${n} file${n === 1 ? " is" : "s are"} not formatted; run mconv fmt --write to format ${n === 1 ? "it" : "them"}\n`);
      code = EXIT.userError;
    }
    return code;
  },
};
