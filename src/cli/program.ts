/**
 * The `myriadc` command line. `runCli` never calls process.exit: it returns the exit code,
 * so it can be tested in-process. Exit codes: 0 success, 1 findings at error level (lint),
 * 2 usage or input error, 70 internal error (a bug: please report it).
 */
import { Command, CommanderError, Option } from "commander";
import { isMyriadcError } from "../util/errors.js";
import { VERSION } from "../version.js";
import { fixCommand } from "./commands/fix.js";
import { inspectCommand } from "./commands/inspect.js";
import type { CliIO } from "./io.js";

export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 70;

function buildProgram(io: CliIO, setCode: (code: number) => void): Command {
  const program = new Command("myriadc")
    .description("Compile ONNX models for the Intel MyriadX VPU (OAK cameras, NCS2)")
    .version(VERSION, "-V, --version")
    .addOption(new Option("--verbose", "print stack traces and tool output on errors"))
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  program
    .command("inspect")
    .description("show what is in a model: opsets, inputs/outputs, op histogram, parameters, problems")
    .argument("<model>", "ONNX model (.onnx) or OpenVINO IR (.xml with its .bin)")
    .option("--json", "print one JSON object instead of text")
    .action((model: string, opts: { json?: boolean }) => {
      setCode(inspectCommand(model, opts, io));
    });

  program
    .command("fix")
    .description("clean up an ONNX model: infer shapes, fold constants, remove pass-through and dead nodes")
    .argument("<model>", "ONNX model file (.onnx)")
    .requiredOption("-o, --output <file>", "where to write the fixed ONNX model")
    .option("--input-shape <name=[dims]>", "make a dynamic input static, e.g. input=[1,3,224,224] (repeatable)", collect, [])
    .option("--freeze <name=value>", "turn an input into a constant, e.g. sr=16000 or scale=[1,2] (repeatable)", collect, [])
    .option("--inputs <names>", "cut the graph: these values (comma-separated) become its inputs")
    .option("--outputs <names>", "cut the graph: these values (comma-separated) become its outputs")
    .option("--opset <version>", "convert the default-domain op set to this version (e.g. 13 or 11)")
    .option("--fold-limit <bytes>", "largest ConstantOfShape/Expand/Tile/Range result to fold (default 1MiB)")
    .option("--json", "print the summary as JSON")
    .action((model: string, opts: { output: string; inputShape: string[]; freeze: string[]; inputs?: string; outputs?: string; opset?: string; foldLimit?: string; json?: boolean }) => {
      setCode(fixCommand(model, opts, io));
    });

  return program;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram(io, (c) => {
    code = c;
  });
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
      io.stderr(`myriadc: error: ${e.oneLine()}\n`);
      if (verbose && e.stack) io.stderr(`${e.stack}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    io.stderr(`myriadc: internal error: ${err?.message ?? String(e)}${verbose ? "" : " (run with --verbose for details)"}\n`);
    if (verbose && err?.stack) io.stderr(`${err.stack}\n`);
    return EXIT_INTERNAL;
  }
}
