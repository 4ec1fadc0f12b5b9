/**
 * The `myriadc` command line. `runCli` never calls process.exit: it returns the exit code,
 * so it can be tested in-process. Exit codes: 0 success, 1 findings at error level (lint),
 * 2 usage or input error, 70 internal error (a bug: please report it). Every error, a usage
 * error included, is one `myriadc: error:` line.
 */
import { Command, CommanderError, Option } from "commander";
import { isMyriadcError } from "../util/errors.js";
import { DEFAULT_MAX_TENSOR_BYTES, MAX_TENSOR_BYTES_FLAG, parseByteSize, setMaxTensorBytes } from "../util/limits.js";
import { VERSION } from "../version.js";
import type { CliContext, DefineCommand } from "./command.js";
import { defineCompile } from "./commands/compile.js";
import { defineConvert } from "./commands/convert.js";
import { defineFix } from "./commands/fix.js";
import { defineInspect } from "./commands/inspect.js";
import { defineLint } from "./commands/lint.js";
import { defineReport } from "./commands/report.js";
import { defineRun } from "./commands/run.js";
import type { CliIO } from "./io.js";

export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 70;

/** The commands, in the order `--help` lists them; a new command is a file in commands/ and a line here. */
const COMMANDS: readonly DefineCommand[] = [defineInspect, defineLint, defineFix, defineConvert, defineReport, defineRun, defineCompile];

/**
 * Commander's "error: unknown option '-x'" (with its own newline, and sometimes a second
 * line such as "(Did you mean …?)") as our one line, with where to look.
 */
function usageLine(message: string, command: Command): string {
  const text = message
    .replace(/^error:\s*/, "")
    .replace(/\s*\n\s*/g, " ")
    .trim();
  const name = command.name() === "myriadc" ? "myriadc" : `myriadc ${command.name()}`;
  return `myriadc: error: ${text} (see ${name} --help)\n`;
}

function buildProgram(io: CliIO, setCode: (code: number) => void, setFile: (file: string | undefined) => void): Command {
  const program = new Command("myriadc")
    .description("Compile ONNX models for the Intel MyriadX VPU (OAK cameras, NCS2)")
    .version(VERSION, "-V, --version")
    .addOption(new Option("--verbose", "print stack traces and tool output on errors"))
    .addOption(new Option(`${MAX_TENSOR_BYTES_FLAG} <size>`, "largest tensor anything may allocate or read, e.g. 4GiB (default 2GiB)"))
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    // One limit for every command, set before it runs (and reset, for in-process callers).
    .hook("preAction", (_program, action) => {
      const size = program.opts().maxTensorBytes as string | undefined;
      setMaxTensorBytes(size === undefined ? DEFAULT_MAX_TENSOR_BYTES : parseByteSize(MAX_TENSOR_BYTES_FLAG, size));
      setFile(action.args[0]);
    });
  const ctx: CliContext = { io, setCode, verbose: () => program.opts().verbose === true };
  for (const define of COMMANDS) define(program, ctx);
  // Subcommands inherit neither the error format nor the exit override: give each its own.
  for (const cmd of [program, ...program.commands])
    cmd.exitOverride().configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (message) => io.stderr(usageLine(message, cmd)),
    });
  return program;
}

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  let code = EXIT_OK;
  let file: string | undefined;
  const program = buildProgram(
    io,
    (c) => {
      code = c;
    },
    (f) => {
      file = f;
    },
  );
  const verbose = argv.includes("--verbose");
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version end through here with exit code 0; real usage errors use 2.
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (isMyriadcError(e)) {
      // A problem found deep inside (a kernel, a getter) knows the node but not the file: name the model.
      const where = e.file === undefined && e.code !== "usage" && file !== undefined ? `${file}: ` : "";
      io.stderr(`myriadc: error: ${where}${e.oneLine()}\n`);
      if (verbose && e.details) io.stderr(`${e.details.trimEnd()}\n`);
      if (verbose && e.stack) io.stderr(`${e.stack}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    io.stderr(`myriadc: internal error: ${err?.message ?? String(e)}${verbose ? "" : " (run with --verbose for details)"}\n`);
    if (verbose && err?.stack) io.stderr(`${err.stack}\n`);
    return EXIT_INTERNAL;
  }
}
