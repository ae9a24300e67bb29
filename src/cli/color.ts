// When diagnostics are coloured: on a terminal only, never when NO_COLOR is set (no-color.org), and always when
// FORCE_COLOR asks for it (as Node, chalk and npm read it: set and not "0" or "false").

/** Whether output to a stream should carry ANSI colours. */
export function colorWanted(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  const force = env["FORCE_COLOR"];
  if (force !== undefined) return force !== "0" && force !== "false";
  return isTTY && env["TERM"] !== "dumb";
}
