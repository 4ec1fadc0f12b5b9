/**
 * The flags several commands share, each defined once: how it is spelt and described, and
 * how its text becomes a library option. A command adds the groups it takes; a new shared
 * flag goes here.
 */
import type { Command } from "commander";
import type { ConvertOptions } from "../api/convert.js";
import { FRONTENDS } from "../frontends/registry.js";
import { splitNames } from "../passes/common/cut.js";
import { parseFreeze } from "../passes/onnx/freeze-inputs.js";
import { parseInputShape } from "../passes/onnx/input-shapes.js";
import type { ModelEdits } from "../passes/onnx/model-edits.js";
import { type InputPreprocessing, parseInputType, parseLayoutSpec, parseValuesSpec } from "../passes/onnx/preprocess.js";
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

export interface ModelEditFlags {
  inputShape?: string[];
  freeze?: string[];
  inputs?: string;
  outputs?: string;
}

/** --input-shape, --freeze, --inputs, --outputs: the model's interface, as Model Optimizer's flags change it. */
export function addModelEditOptions(cmd: Command): Command {
  return cmd
    .option("--input-shape <name=[dims]>", "make a dynamic input static, e.g. input=[1,3,224,224] (repeatable)", collect)
    .option("--freeze <name=value>", "turn an input into a constant, e.g. sr=16000 or scale=[1,2] (repeatable)", collect)
    .option("--inputs <names>", "cut the graph: these values (comma-separated) become its inputs")
    .option("--outputs <names>", "cut the graph: these values (comma-separated) become its outputs");
}

export function modelEditsFrom(flags: ModelEditFlags): ModelEdits {
  return {
    ...(flags.inputShape?.length ? { inputShapes: new Map(flags.inputShape.map(parseInputShape)) } : {}),
    ...(flags.freeze?.length ? { freeze: new Map(flags.freeze.map(parseFreeze)) } : {}),
    ...(flags.inputs ? { inputs: splitNames(flags.inputs) } : {}),
    ...(flags.outputs ? { outputs: splitNames(flags.outputs) } : {}),
  };
}

export interface PreprocessingFlags {
  meanValues?: string[];
  scaleValues?: string[];
  reverseInputChannels?: boolean;
  inputType?: string;
  layout?: string[];
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

/** The preprocessing per input ("" = every input). */
export function preprocessingFrom(flags: PreprocessingFlags): Map<string, InputPreprocessing> {
  const m = new Map<string, InputPreprocessing>();
  const entry = (name: string) => {
    const e = m.get(name) ?? {};
    m.set(name, e);
    return e;
  };
  for (const s of flags.meanValues ?? []) {
    const [name, values] = parseValuesSpec("--mean-values", s);
    entry(name).mean = values;
  }
  for (const s of flags.scaleValues ?? []) {
    const [name, values] = parseValuesSpec("--scale-values", s);
    entry(name).scale = values;
  }
  for (const s of flags.layout ?? []) {
    const [name, layout] = parseLayoutSpec(s);
    entry(name).layout = layout;
  }
  if (flags.reverseInputChannels) entry("").reverseChannels = true;
  if (flags.inputType) entry("").inputType = parseInputType(flags.inputType);
  return m;
}

/** The conversion parameters an IR records in rt_info, named as Model Optimizer names them. */
export function conversionParameters(file: string, flags: ModelEditFlags & PreprocessingFlags, target: string): Record<string, string> {
  const parameters: Record<string, string> = { input_model: file };
  for (const [k, v] of [
    ["input_shape", flags.inputShape?.join(" ")],
    ["freeze_placeholder_with_value", flags.freeze?.join(" ")],
    ["input", flags.inputs],
    ["output", flags.outputs],
    ["mean_values", flags.meanValues?.join(" ")],
    ["scale_values", flags.scaleValues?.join(" ")],
    ["layout", flags.layout?.join(" ")],
    ["input_type", flags.inputType],
    ["reverse_input_channels", flags.reverseInputChannels ? "True" : undefined],
  ] as const) {
    if (v) parameters[k] = v;
  }
  parameters.target = target;
  return parameters;
}

/** The library's convert options from a command's flags (convert and compile read the same ones). */
export function convertOptionsFrom(
  file: string,
  flags: ModelEditFlags & PreprocessingFlags,
  dataType: "FP32" | "FP16",
  target: "myriad" | "none",
): ConvertOptions & { file: string } {
  return {
    ...modelEditsFrom(flags),
    dataType,
    target,
    preprocessing: preprocessingFrom(flags),
    parameters: conversionParameters(file, flags, target),
    file,
  };
}

/** --data-type FP32|FP16. */
export function addDataTypeOption(cmd: Command, fallback: "FP32" | "FP16", description: string): Command {
  return cmd.option("--data-type <type>", description, fallback);
}

export function dataTypeFrom(value: string | undefined, fallback: "FP32" | "FP16"): "FP32" | "FP16" {
  const d = (value ?? fallback).toUpperCase();
  if (d !== "FP32" && d !== "FP16") throw new MyriadcError("usage", `--data-type ${JSON.stringify(value)}: expected FP32 or FP16`);
  return d;
}

/** --target: the device (myriad), or none. */
export function targetFrom(value: string | undefined, fallback: "myriad" | "none"): "myriad" | "none" {
  const t = (value ?? fallback).toLowerCase();
  if (t !== "myriad" && t !== "none") throw new MyriadcError("usage", `--target ${JSON.stringify(value)}: expected myriad or none`);
  return t;
}

/** A flag's whole-number value, or undefined when it is absent. */
export function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new MyriadcError("usage", `${flag} ${JSON.stringify(value)}: expected a whole number`);
  return n;
}
