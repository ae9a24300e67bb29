#!/usr/bin/env node
// The `mconv` executable: runs the CLI against the real process and sets the exit code.

import { runCli } from "./app.js";
import { colorWanted } from "./color.js";

// `mconv run … | head`: a reader that stops early is normal use, not an error to report.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  color: colorWanted(process.env, process.stderr.isTTY === true),
});
process.exitCode = code;
