#!/usr/bin/env node
/** The `myriadc` executable. */
import { processIO } from "./io.js";
import { runCli } from "./program.js";

// A reader that stops early (`myriadc inspect … | head -1`) closes the pipe: not an error of
// ours, and no stack trace; what the command writes to files is atomic either way.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code !== "EPIPE") throw e;
  process.exit(process.exitCode ?? 0);
});

const code = await runCli(process.argv.slice(2), processIO);
process.exitCode = code;
