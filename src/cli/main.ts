#!/usr/bin/env node
// The `mconv` executable: runs the CLI against the real process and sets the exit code.

import { runCli } from "./app.js";

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});
process.exitCode = code;
