/**
 * The `myriadc` command line. `runCli` never calls process.exit: it returns the exit code,
 * so it can be tested in-process. Exit codes: 0 success, 1 findings at error level (lint),
 * 2 usage or input error, 70 internal error (a bug: please report it).
 */
import { Command, CommanderError, Option } from "commander";
import { isMyriadcError } from "../util/errors.js";
import { DEFAULT_MAX_TENSOR_BYTES, MAX_TENSOR_BYTES_FLAG, parseByteSize, setMaxTensorBytes } from "../util/limits.js";
import { VERSION } from "../version.js";
import { compileCommand } from "./commands/compile.js";
import { convertCommand } from "./commands/convert.js";
import { fixCommand } from "./commands/fix.js";
import { inspectCommand } from "./commands/inspect.js";
import { lintCommand } from "./commands/lint.js";
import { type ReportCommandOptions, reportCommand } from "./commands/report.js";
import { runCommand } from "./commands/run.js";
import type { CliIO } from "./io.js";

export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 70;

/** --dequantize (convert, compile, fix, lint, report): what it means is convert.ts's quantize(). */
const DEQUANTIZE_HELP =
  "run a quantized model in float: drop activation quantize/dequantize pairs, quantized operators on dequantized weights (faster, outputs differ slightly)";

function buildProgram(io: CliIO, setCode: (code: number) => void, setFile: (file: string | undefined) => void): Command {
  const program = new Command("myriadc")
    .description("Compile ONNX models for the Intel MyriadX VPU (OAK cameras, NCS2)")
    .version(VERSION, "-V, --version")
    .addOption(new Option("--verbose", "print stack traces and tool output on errors"))
    .addOption(new Option(`${MAX_TENSOR_BYTES_FLAG} <size>`, "largest tensor anything may allocate or read, e.g. 4GiB (default 2GiB)"))
    .exitOverride()
    // Usage errors look like every other error: one `myriadc: error:` line.
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (str, write) =>
        write(
          `myriadc: error: ${str
            .replace(/^error:\s*/, "")
            .replace(/\s*\n\s*/g, " ")
            .trim()} (run with --help for usage)\n`,
        ),
    })
    // One limit for every command, set before it runs (and reset, for in-process callers).
    .hook("preAction", (_program, action) => {
      const size = program.opts().maxTensorBytes as string | undefined;
      setMaxTensorBytes(size === undefined ? DEFAULT_MAX_TENSOR_BYTES : parseByteSize(MAX_TENSOR_BYTES_FLAG, size));
      setFile(action.args[0]);
    });

  program
    .command("inspect")
    .description("show what is in a model: opsets, inputs/outputs, op histogram, parameters, problems")
    .argument("<model>", "ONNX model (.onnx) or OpenVINO IR (.xml with its .bin)")
    .option("--json", "print one JSON object instead of text")
    .option("--input-shape <name=[dims]>", "static input shapes for the MAC count and speed estimate (repeatable)", collect, [])
    .action((model: string, opts: { json?: boolean; inputShape: string[] }) => {
      setCode(inspectCommand(model, opts, io));
    });

  program
    .command("lint")
    .description("report what the MYRIAD plugin would refuse, at the node, with the fix (exit 1 on errors)")
    .argument("<model>", "ONNX model (.onnx) or OpenVINO IR (.xml with its .bin)")
    .option("--target <target>", "the device to check for (myriad)", "myriad")
    .option("--format <format>", "stylish (text), json or sarif (2.1.0)", "stylish")
    .option("--input-shape <name=[dims]>", "make a dynamic input static, e.g. input=[1,3,224,224] (repeatable)", collect, [])
    .option("--calibrate <name=file>", "FP16 range analysis on these input values (.npy or .pb; repeatable)", collect, [])
    .option("--calibrate-range <lo,hi>", "FP16 range analysis with uniform values in [lo,hi] for inputs without a file, e.g. 0,255")
    .option("--dequantize", DEQUANTIZE_HELP)
    .action(
      (
        model: string,
        opts: { target: string; format: string; inputShape: string[]; calibrate: string[]; calibrateRange?: string; dequantize?: boolean },
      ) => {
        setCode(lintCommand(model, opts, io));
      },
    );

  program
    .command("fix")
    .description("clean up an ONNX model: infer shapes, fold constants, remove pass-through and dead nodes")
    .argument("<model>", "ONNX model (.onnx), or OpenVINO IR (.xml) with --target myriad")
    .requiredOption("-o, --output <file>", "where to write the fixed model (same format as the input)")
    .option("--input-shape <name=[dims]>", "make a dynamic input static, e.g. input=[1,3,224,224] (repeatable)", collect, [])
    .option("--freeze <name=value>", "turn an input into a constant, e.g. sr=16000 or scale=[1,2] (repeatable)", collect, [])
    .option("--inputs <names>", "cut the graph: these values (comma-separated) become its inputs")
    .option("--outputs <names>", "cut the graph: these values (comma-separated) become its outputs")
    .option("--opset <version>", "convert the default-domain op set to this version (e.g. 13 or 11)")
    .option("--fold-limit <bytes>", "largest ConstantOfShape/Expand/Tile/Range result to fold (default 1MiB)")
    .option("--target <target>", "also apply the fixes for a device (myriad) and report what remains; required for an IR (.xml)")
    .option("--dequantize", DEQUANTIZE_HELP)
    .option("--json", "print the summary as JSON")
    .action(
      (
        model: string,
        opts: {
          output: string;
          inputShape: string[];
          freeze: string[];
          inputs?: string;
          outputs?: string;
          opset?: string;
          foldLimit?: string;
          target?: string;
          dequantize?: boolean;
          json?: boolean;
        },
      ) => {
        setCode(fixCommand(model, opts, io));
      },
    );

  program
    .command("convert")
    .description("convert an ONNX model to OpenVINO IR v11 (.xml + .bin) using only opset1–opset10 ops")
    .argument("<model>", "ONNX model file (.onnx)")
    .requiredOption("-o, --output <file.xml>", "where to write the IR (.bin goes beside it)")
    .option("--data-type <type>", "FP32 or FP16 weights and precisions", "FP32")
    .option("--input-shape <name=[dims]>", "make a dynamic input static (repeatable)", collect, [])
    .option("--mean-values <name[v,...]>", "subtract per-channel means: input[123.675,116.28,103.53] (repeatable)", collect, [])
    .option("--scale-values <name[v,...]>", "divide by per-channel scales: input[58.395,57.12,57.375] (repeatable)", collect, [])
    .option("--reverse-input-channels", "swap the channel order (RGB <-> BGR) before mean/scale")
    .option("--input-type <type>", "the type the model is fed: U8, FP16 or FP32 (a Convert is added)")
    .option("--layout <name(from->to)>", "the layout the model is fed, e.g. input(nhwc->nchw) (repeatable)", collect, [])
    .option("--target <target>", "myriad (default): apply the MYRIAD fixes; none: plain lowering", "myriad")
    .option("--dequantize", DEQUANTIZE_HELP)
    .option("--calibrate <name=file>", "check FP16 against FP32 on these input values (.npy or .pb; repeatable)", collect, [])
    .option("--calibrate-range <lo,hi>", "check FP16 with uniform values in [lo,hi] for inputs without a file, e.g. 0,255")
    .option("--json", "print the summary as JSON")
    .action(
      (
        model: string,
        opts: {
          output: string;
          dataType: string;
          target: string;
          inputShape: string[];
          meanValues: string[];
          scaleValues: string[];
          reverseInputChannels?: boolean;
          inputType?: string;
          layout: string[];
          dequantize?: boolean;
          json?: boolean;
          calibrate: string[];
          calibrateRange?: string;
        },
      ) => {
        setCode(convertCommand(model, opts, io));
      },
    );

  program
    .command("report")
    .description("write one self-contained HTML page: the graph and the emitted IR, findings at their nodes, statistics")
    .argument("<model>", "ONNX model (.onnx) or OpenVINO IR (.xml with its .bin)")
    .requiredOption("-o, --output <report.html>", "where to write the report")
    .option("--data-type <type>", "FP32 or FP16 weights and precisions of the IR", "FP32")
    .option("--input-shape <name=[dims]>", "make a dynamic input static (repeatable)", collect, [])
    .option("--mean-values <name[v,...]>", "subtract per-channel means (repeatable)", collect, [])
    .option("--scale-values <name[v,...]>", "divide by per-channel scales (repeatable)", collect, [])
    .option("--reverse-input-channels", "swap the channel order (RGB <-> BGR) before mean/scale")
    .option("--input-type <type>", "the type the model is fed: U8, FP16 or FP32")
    .option("--layout <name(from->to)>", "the layout the model is fed, e.g. input(nhwc->nchw) (repeatable)", collect, [])
    .option("--target <target>", "myriad (default): apply the MYRIAD fixes; none: plain lowering", "myriad")
    .option("--calibrate <name=file>", "FP16 range analysis on these input values (.npy or .pb; repeatable)", collect, [])
    .option("--calibrate-range <lo,hi>", "FP16 range analysis with uniform values in [lo,hi] for inputs without a file")
    .option("--dequantize", DEQUANTIZE_HELP)
    .action((model: string, opts: ReportCommandOptions) => {
      setCode(reportCommand(model, opts, io));
    });

  program
    .command("run")
    .description("run a model with the reference interpreter and write its outputs as .npy")
    .argument("<model>", "OpenVINO IR (.xml), or an ONNX or TFLite model (.onnx, .tflite: converted in memory)")
    .option("--input <name=file>", "an input value from a .npy or TensorProto .pb file (repeatable)", collect, [])
    .requiredOption("--output-dir <dir>", "folder for one .npy per output")
    .action((model: string, opts: { input: string[]; outputDir: string }) => {
      setCode(runCommand(model, opts, io));
    });

  program
    .command("compile")
    .description("compile a model to a MYRIAD .blob (ONNX is converted first, with every MYRIAD fix)")
    .argument("<model>", "ONNX model (.onnx) or OpenVINO IR (.xml with its .bin)")
    .requiredOption("-o, --output <file.blob>", "where to write the blob")
    .option("--data-type <type>", "FP16 (default) or FP32 weights when converting ONNX", "FP16")
    .option("--input-shape <name=[dims]>", "make a dynamic input static (repeatable)", collect, [])
    .option("--mean-values <name[v,...]>", "subtract per-channel means (repeatable)", collect, [])
    .option("--scale-values <name[v,...]>", "divide by per-channel scales (repeatable)", collect, [])
    .option("--reverse-input-channels", "swap the channel order (RGB <-> BGR) before mean/scale")
    .option("--input-type <type>", "the type the model is fed: U8, FP16 or FP32")
    .option("--layout <name(from->to)>", "the layout the model is fed, e.g. input(nhwc->nchw) (repeatable)", collect, [])
    .option("--dequantize", DEQUANTIZE_HELP)
    .option("--calibrate <name=file>", "check FP16 against FP32 on these input values (.npy or .pb; repeatable)", collect, [])
    .option("--calibrate-range <lo,hi>", "check FP16 with uniform values in [lo,hi] for inputs without a file, e.g. 0,255")
    .option("--shaves <n>", "SHAVE cores to compile for (1-16; with --cmx-slices)")
    .option("--cmx-slices <n>", "CMX slices (1-16, at least --shaves)")
    .option("--streams <n>", "throughput streams (1-3)")
    .option("--ip <precision>", "precision of every input, e.g. U8 or FP16")
    .option("--op <precision>", "precision of every output, e.g. FP16 or FP32")
    .option("--iop <name:precision,...>", "per-tensor precisions (compile_tool 2022.x has a bug here; prefer --ip/--op)")
    .option("--backend <backend>", "auto (local, then docker), local, docker or blobconverter (uploads the model)", "auto")
    .option("--compile-tool <path>", "the compile_tool executable (else MYRIADC_COMPILE_TOOL, $INTEL_OPENVINO_DIR, PATH)")
    .option("--docker-image <image>", "OpenVINO image with the MYRIAD plugin (2022.3.1 or later 2022.3.x)")
    .option("--blobconverter-url <url>", "blobconverter service (default https://blobconverter.luxonis.com)")
    .option("--blobconverter-version <version>", "OpenVINO version on the service (default 2022.1)")
    .option("--timeout <seconds>", "stop the compiler after this long (default 600)")
    .option("--no-cache", "do not use or fill the blobconverter cache")
    .option("--dry-run", "print the exact commands or request, run nothing")
    .action(async (model: string, opts: Record<string, unknown>) => {
      setCode(
        await compileCommand(
          model,
          {
            ...(opts as unknown as Parameters<typeof compileCommand>[1]),
            noCache: opts.cache === false,
            verbose: program.opts().verbose === true,
          },
          io,
        ),
      );
    });

  return program;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
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
