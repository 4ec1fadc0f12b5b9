/**
 * The flags several commands share, each defined once: how it is spelt and described on the
 * command line. What their values mean (their reading into library options) is
 * src/api/convert-flags.ts, shared with the browser page. A command adds the groups it takes;
 * a new shared flag goes here. Global flags (--verbose, --max-tensor-bytes) are program.ts's.
 */
import type { Command } from "commander";
import { type CalibrationFlags, calibrationFromFlags } from "../api/convert-flags.js";
import { FRONTENDS } from "../frontends/registry.js";
import { readNamedTensors } from "../io/tensor-file.js";
import type { CalibrationData } from "../lint/fp16-calibration.js";
import { MyriadcError } from "../util/errors.js";

/**
 * The <model> argument every command takes: any format a frontend reads, listed from the
 * frontend registry (a new format shows up in every --help); `note` says what the command
 * does with some of them.
 */
export function addModelArgument(cmd: Command, note?: string): Command {
  const formats = FRONTENDS.map((f) => `${f.label} (${f.extensions.join("/")})`).join(", ");
  return cmd.argument("<model>", `the model: ${formats}${note ? `; ${note}` : ""}`);
}

/** For repeatable flags (absent, the flag is undefined: no "(default: [])" in --help). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** --input-shape, --freeze, --inputs, --outputs: the model's interface, as Model Optimizer's flags change it. */
export function addModelEditOptions(cmd: Command): Command {
  return cmd
    .option("--input-shape <name=[dims]>", "make a dynamic input static, e.g. input=[1,3,224,224] (repeatable)", collect)
    .option("--freeze <name=value>", "turn an input into a constant, e.g. sr=16000 or scale=[1,2] (repeatable)", collect)
    .option("--inputs <names>", "cut the graph: these values (comma-separated) become its inputs")
    .option("--outputs <names>", "cut the graph: these values (comma-separated) become its outputs");
}

/** Model Optimizer's preprocessing flags. */
export function addPreprocessingOptions(cmd: Command): Command {
  return cmd
    .option("--mean-values <name[v,...]>", "subtract per-channel means: input[123.675,116.28,103.53] (repeatable)", collect)
    .option("--scale-values <name[v,...]>", "divide by per-channel scales: input[58.395,57.12,57.375] (repeatable)", collect)
    .option("--reverse-input-channels", "swap the channel order (RGB <-> BGR) before mean/scale")
    .option("--input-type <type>", "the type the model is fed: U8, FP16 or FP32 (a Convert is added)")
    .option("--layout <name(from->to)>", "the layout the model is fed, e.g. input(nhwc->nchw) (repeatable)", collect);
}

/** --data-type FP32|FP16. */
export function addDataTypeOption(cmd: Command, fallback: "FP32" | "FP16", description: string): Command {
  return cmd.option("--data-type <type>", description, fallback);
}

/** --target for the commands that convert. */
export function addConvertTargetOption(cmd: Command): Command {
  return cmd.option("--target <target>", "myriad (default): apply the MYRIAD fixes; none: plain lowering", "myriad");
}

/**
 * --calibrate, --calibrate-range: FP16 check data — lint's and report's range analysis,
 * convert's and compile's check of FP16 against FP32 (nothing is computed without them).
 */
export function addCalibrationOptions(cmd: Command): Command {
  return cmd
    .option("--calibrate <name=file>", "check FP16 against FP32 on these input values (.npy or .pb; repeatable)", collect)
    .option("--calibrate-range <lo,hi>", "check FP16 with uniform values in [lo,hi] for inputs without a file, e.g. 0,255");
}

/** The calibration data from the flags; the files are read here. */
export function calibrationFrom(flags: CalibrationFlags): CalibrationData {
  return calibrationFromFlags(flags, readNamedTensors);
}

/** --dequantize (convert, compile, fix, lint, report): what it means is src/api/convert.ts's quantize(). */
export function addDequantizeOption(cmd: Command): Command {
  return cmd.option(
    "--dequantize",
    "run a quantized model in float: drop activation quantize/dequantize pairs, quantized operators on dequantized weights (faster, outputs differ slightly)",
  );
}

/** A flag's whole-number value, or undefined when it is absent. */
export function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new MyriadcError("usage", `${flag} ${JSON.stringify(value)}: expected a whole number`);
  return n;
}
