/**
 * The `myriadc` program on the process streams, as a function: what the package's executable
 * (dist/myriadc.mjs, the launcher in scripts/cli-launcher.mjs) calls in the bundle, and what
 * main.ts runs from the tsc output.
 */
import { processIO } from "./io.js";
import { runCli } from "./program.js";

/** Runs one command line; resolves to the exit code. */
export function main(argv: readonly string[]): Promise<number> {
  // A reader that stops early (`myriadc inspect … | head -1`) closes the pipe: not an error of
  // ours, and no stack trace; what the command writes to files is atomic either way.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    process.exit(process.exitCode ?? 0);
  });
  return runCli(argv, processIO);
}
