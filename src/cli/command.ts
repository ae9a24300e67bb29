// What every CLI command shares: its declared options (for parsing and for --help), the I/O it may touch (so tests
// run commands in-process), the exit codes, and the error that means "usage mistake".

import { parseArgs } from "node:util";

/** Exit codes: 0 ok, 1 a user error in a model, weights or inputs, 2 a usage error, 70 a bug in mconv. */
export const EXIT = { ok: 0, userError: 1, usage: 2, internal: 70 } as const;

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The working folder that relative paths start from. */
  readonly cwd: string;
  /** Colour diagnostics on stderr (a terminal, unless NO_COLOR; see color.ts). */
  readonly color?: boolean;
}

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly value?: string;
  readonly description: string;
  readonly choices?: readonly string[];
  readonly multiple?: boolean;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** The synopsis after `mconv NAME`. */
  readonly usage: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Longer text after the options in --help: examples, notes. */
  readonly details?: string;
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

/** A mistake in how a command was called: reported with a pointer to --help, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function parseCommandArgs(command: Command, argv: readonly string[]): ParsedArgs {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const [name, spec] of Object.entries(command.options)) {
    options[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    const message = (e as Error).message.replace(/\. To specify a positional argument.*$/s, "").replace(/^Unknown option/, "unknown option");
    throw new UsageError(message);
  }
  for (const [name, spec] of Object.entries(command.options)) {
    const v = parsed.values[name];
    if (spec.choices && typeof v === "string" && !spec.choices.includes(v)) {
      throw new UsageError(`--${name} must be one of ${spec.choices.join(", ")}; got '${v}'`);
    }
  }
  return { values: parsed.values as ParsedArgs["values"], positionals: parsed.positionals };
}

export function helpText(command: Command): string {
  const lines = [`Usage: mconv ${command.name} ${command.usage}`, "", command.summary, "", "Options:"];
  const rows: [string, string][] = Object.entries(command.options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : "    "}--${name}${spec.type === "string" ? ` ${spec.value ?? "VALUE"}` : ""}`;
    const choices = spec.choices ? ` (${spec.choices.join(" | ")})` : "";
    return [flag, spec.description + choices];
  });
  rows.push(["-h, --help", "show this help"]);
  const width = Math.max(...rows.map(([f]) => f.length));
  for (const [flag, text] of rows) lines.push(`  ${flag.padEnd(width)}  ${text}`);
  if (command.details) lines.push("", command.details.trimEnd());
  return lines.join("\n") + "\n";
}

/** The one positional FILE most commands take. */
export function singleFile(args: ParsedArgs, command: Command): string {
  if (args.positionals.length === 0) throw new UsageError(`missing FILE; usage: mconv ${command.name} ${command.usage}`);
  if (args.positionals.length > 1) throw new UsageError(`expected one FILE, got ${args.positionals.length}: ${args.positionals.join(" ")}`);
  return args.positionals[0]!;
}
