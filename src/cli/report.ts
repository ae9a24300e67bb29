// Prints a stage's diagnostics to stderr, formatted with location, source line and caret, and picks the exit code.

import { type Diagnostic, type Result, formatDiagnosticStyled, hasErrors } from "../diagnostics.js";
import { type CliIO, EXIT } from "./command.js";

export function printDiagnostics(ds: readonly Diagnostic[], io: CliIO): void {
  for (const d of ds) io.stderr(formatDiagnosticStyled(d, { color: io.color === true }) + "\n");
  const errors = ds.filter((d) => d.severity === "error").length;
  if (errors > 1) io.stderr(`${errors} errors\n`);
}

/** Prints the diagnostics of a result; 1 if it failed, else 0. */
export function report(result: Result<unknown>, io: CliIO): number {
  printDiagnostics(result.diagnostics, io);
  return !result.ok || hasErrors(result.diagnostics) ? EXIT.userError : EXIT.ok;
}
