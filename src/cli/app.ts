// The mconv command line: dispatches to a command, prints help, and turns every failure into an exit code —
// 0 ok, 1 user error, 2 usage error, 70 internal error. User errors never show a stack trace.

import { InternalError } from "../diagnostics.js";
import { closest } from "../parser/spelling.js";
import { checkCommand } from "./check.js";
import { type CliIO, type Command, EXIT, UsageError, helpText, parseCommandArgs } from "./command.js";
import { compileCommand } from "./compile.js";
import { fmtCommand } from "./fmt.js";
import { graphCommand } from "./graph.js";
import { irCommand } from "./ir.js";
import { masksCommand } from "./masks.js";
import { runCommand } from "./run.js";
import { weightsCommand } from "./weights.js";

export const commands: readonly Command[] = [runCommand, compileCommand, irCommand, checkCommand, weightsCommand, fmtCommand, graphCommand, masksCommand];

export const VERSION = "0.1.0";

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "Usage: mconv COMMAND [options]",
    "",
    "mconv compiles masked convolutional networks (.mconv files) to tfjs graphs and plain JavaScript loops.",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Options:",
    "  -h, --help     show this help (mconv COMMAND --help for a command's options)",
    "  -V, --version  print the version",
    "",
    "Exit codes: 0 ok, 1 error in a model, weights or inputs file, 2 usage error, 70 internal error.",
    "",
  ].join("\n");
}

/** Runs the CLI on `argv` (without the node and script paths) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(mainHelp());
    return EXIT.usage;
  }
  if (name === "-h" || name === "--help" || name === "help") {
    io.stdout(mainHelp());
    return EXIT.ok;
  }
  if (name === "-V" || name === "--version") {
    io.stdout(`mconv ${VERSION}\n`);
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const typo = closest(name, commands.map((c) => c.name));
    const hint = typo ? `did you mean '${typo}'?` : `the commands are ${commands.map((c) => c.name).join(", ")}`;
    io.stderr(`mconv: unknown command '${name}'; ${hint} (see mconv --help)\n`);
    return EXIT.usage;
  }
  try {
    const args = parseCommandArgs(command, rest);
    if (args.values["help"] === true) {
      io.stdout(helpText(command));
      return EXIT.ok;
    }
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`mconv ${command.name}: ${e.message} (see mconv ${command.name} --help)\n`);
      return EXIT.usage;
    }
    const message = e instanceof InternalError ? e.message : `internal error (this is a bug in mconv): ${(e as Error)?.message ?? String(e)}`;
    io.stderr(`mconv ${command.name}: ${message}\n`);
    if (process.env["MCONV_DEBUG"]) io.stderr(`${(e as Error)?.stack ?? ""}\n`);
    else io.stderr("set MCONV_DEBUG=1 to see where it happened, and please report it\n");
    return EXIT.internal;
  }
}
