/**
 * The flags several commands share, each defined once: how it is spelt and described on the
 * command line. What their values mean (their reading into library options) is
 * src/api/convert-flags.ts, shared with the browser page. A command adds the groups it takes;
 * a new shared flag goes here. Global flags (--verbose, --max-tensor-bytes) are program.ts's.
 */
import type { Command } from "commander";
import { FRONTENDS } from "../frontends/registry.js";
import { readNamedTensors } from "../io/tensor-file.js";
import type { Tensor } from "../ir/tensor.js";
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

export interface CalibrationFlags {
  calibrate?: string[];
  calibrateRange?: string;
}

/** --calibrate, --calibrate-range: the FP16 range analysis (lint, report). */
export function addCalibrationOptions(cmd: Command): Command {
  return cmd
    .option("--calibrate <name=file>", "FP16 range analysis on these input values (.npy or .pb; repeatable)", collect)
    .option("--calibrate-range <lo,hi>", "FP16 range analysis with uniform values in [lo,hi] for inputs without a file, e.g. 0,255");
}

function parseCalibrateRange(spec: string): [number, number] {
  const m = /^\s*(-?[\d.eE+-]+)\s*,\s*(-?[\d.eE+-]+)\s*$/.exec(spec);
  const lo = Number(m?.[1]);
  const hi = Number(m?.[2]);
  if (!m || !Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi)
    throw new MyriadcError("usage", `--calibrate-range ${JSON.stringify(spec)}: expected lo,hi such as 0,255`);
  return [lo, hi];
}

/** The calibration options of lint (and report) from the flags; the files are read here. */
export function calibrationFrom(flags: CalibrationFlags): {
  calibration?: ReadonlyMap<string, Tensor>;
  calibrationRange?: readonly [number, number];
} {
  return {
    ...(flags.calibrate?.length ? { calibration: readNamedTensors("--calibrate", flags.calibrate) } : {}),
    ...(flags.calibrateRange !== undefined ? { calibrationRange: parseCalibrateRange(flags.calibrateRange) } : {}),
  };
}

/** A flag's whole-number value, or undefined when it is absent. */
export function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new MyriadcError("usage", `${flag} ${JSON.stringify(value)}: expected a whole number`);
  return n;
}
