/**
 * The model flags' text as library options, read once for every place that takes them: the
 * CLI's convert, compile, lint, fix and report, and the browser page — so the same flags give
 * the same model and the same IR bytes everywhere. How the flags are spelt and described on
 * the command line is src/cli/options.ts; this is what their values mean. Node-free.
 */
import type { Tensor } from "../ir/tensor.js";
import type { CalibrationData } from "../lint/fp16-calibration.js";
import { splitNames } from "../passes/common/cut.js";
import { parseFreeze } from "../passes/onnx/freeze-inputs.js";
import { parseInputShape } from "../passes/onnx/input-shapes.js";
import type { ModelEdits } from "../passes/onnx/model-edits.js";
import { type InputPreprocessing, parseInputType, parseLayoutSpec, parseValuesSpec } from "../passes/onnx/preprocess.js";
import { MyriadcError } from "../util/errors.js";
import type { ConvertOptions } from "./convert.js";

/** --input-shape, --freeze, --inputs, --outputs (Model Optimizer's --input_shape, --freeze_placeholder_with_value, --input, --output). */
export interface ModelEditFlags {
  inputShape?: string[];
  freeze?: string[];
  inputs?: string;
  outputs?: string;
}

/** Model Optimizer's preprocessing flags. */
export interface PreprocessingFlags {
  meanValues?: string[];
  scaleValues?: string[];
  reverseInputChannels?: boolean;
  inputType?: string;
  layout?: string[];
}

/** --calibrate, --calibrate-range: FP16 check data (lint's range analysis; convert's and compile's FP16 check). */
export interface CalibrationFlags {
  /** name=file per input (read by the caller: files are not node-free)… */
  calibrate?: string[];
  /** …and a lo,hi range for float inputs without a file. */
  calibrateRange?: string;
}

/** Everything convert reads (compile and report read the same). */
export interface ConvertFlags extends ModelEditFlags, PreprocessingFlags, CalibrationFlags {
  dataType?: string;
  target?: string;
  /** Run a quantized model in float (activation quantize/dequantize pairs lose their rounding). */
  dequantize?: boolean;
}

/** `--calibrate-range lo,hi` as numbers, or a usage error. */
export function parseCalibrationRange(text: string): [number, number] {
  const m = /^\s*(-?[\d.eE+-]+)\s*,\s*(-?[\d.eE+-]+)\s*$/.exec(text);
  const lo = Number(m?.[1]);
  const hi = Number(m?.[2]);
  if (!m || !Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi)
    throw new MyriadcError("usage", `--calibrate-range ${JSON.stringify(text)}: expected lo,hi such as 0,255`);
  return [lo, hi];
}

/**
 * `--calibrate`/`--calibrate-range` as calibration data (empty when neither is given);
 * `readTensors` reads the name=file specs (the CLI's readNamedTensors).
 */
export function calibrationFromFlags(
  flags: CalibrationFlags,
  readTensors: (flag: string, specs: string[]) => ReadonlyMap<string, Tensor>,
): CalibrationData {
  return {
    ...(flags.calibrate?.length ? { calibration: readTensors("--calibrate", flags.calibrate) } : {}),
    ...(flags.calibrateRange !== undefined ? { calibrationRange: parseCalibrationRange(flags.calibrateRange) } : {}),
  };
}

export function modelEditsFromFlags(flags: ModelEditFlags): ModelEdits {
  return {
    ...(flags.inputShape?.length ? { inputShapes: new Map(flags.inputShape.map(parseInputShape)) } : {}),
    ...(flags.freeze?.length ? { freeze: new Map(flags.freeze.map(parseFreeze)) } : {}),
    ...(flags.inputs ? { inputs: splitNames(flags.inputs) } : {}),
    ...(flags.outputs ? { outputs: splitNames(flags.outputs) } : {}),
  };
}

/** The preprocessing per input ("" = every input). */
export function preprocessingFlags(flags: PreprocessingFlags): Map<string, InputPreprocessing> {
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

/** --data-type FP32|FP16. */
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

/** The conversion parameters an IR records in rt_info, named as Model Optimizer names them. */
function conversionParameters(inputModel: string, flags: ConvertFlags, target: string): Record<string, string> {
  const parameters: Record<string, string> = { input_model: inputModel };
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
  if (flags.dequantize) parameters.dequantize = "True";
  return parameters;
}

export type CheckedConvertOptions = ConvertOptions & { dataType: "FP32" | "FP16"; target: "myriad" | "none" };

/**
 * The flags checked and read; `inputModel` is recorded as rt_info's input_model (the path as
 * given). `defaults` are the command's (compile converts to FP16, convert to FP32).
 */
export function convertOptionsFromFlags(
  flags: ConvertFlags,
  inputModel: string,
  defaults: { dataType?: "FP32" | "FP16"; target?: "myriad" | "none" } = {},
): CheckedConvertOptions {
  const dataType = dataTypeFrom(flags.dataType, defaults.dataType ?? "FP32");
  const target = targetFrom(flags.target, defaults.target ?? "myriad");
  return {
    ...modelEditsFromFlags(flags),
    dataType,
    target,
    preprocessing: preprocessingFlags(flags),
    parameters: conversionParameters(inputModel, flags, target),
    dequantize: flags.dequantize === true,
  };
}
