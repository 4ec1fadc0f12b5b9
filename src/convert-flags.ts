/**
 * The convert flags (`--data-type`, `--input-shape`, the preprocessing flags, `--target`,
 * `--dequantize`, `--calibrate`/`--calibrate-range`) as ConvertOptions, with the conversion
 * parameters recorded in the IR's rt_info. One reading for `myriadc convert`, `compile`,
 * `lint`, `report` and the browser page, so the same flags give the same IR bytes everywhere.
 */
import type { ConvertOptions } from "./convert.js";
import type { Tensor } from "./ir/tensor.js";
import type { CalibrationData } from "./lint/fp16-calibration.js";
import { parseInputShape } from "./passes/onnx/input-shapes.js";
import { type InputPreprocessing, parseInputType, parseLayoutSpec, parseValuesSpec } from "./passes/onnx/preprocess.js";
import { MyriadcError } from "./util/errors.js";

export interface ConvertFlags {
  dataType?: string;
  inputShape?: string[];
  meanValues?: string[];
  scaleValues?: string[];
  reverseInputChannels?: boolean;
  inputType?: string;
  layout?: string[];
  target?: string;
  /** Run a quantized model in float (activation quantize/dequantize pairs lose their rounding). */
  dequantize?: boolean;
  /** FP16 check data: name=file per input (read by the caller: files are not node-free)… */
  calibrate?: string[];
  /** …and a lo,hi range for float inputs without a file. */
  calibrateRange?: string;
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
  o: Pick<ConvertFlags, "calibrate" | "calibrateRange">,
  readTensors: (flag: string, specs: string[]) => ReadonlyMap<string, Tensor>,
): CalibrationData {
  return {
    ...(o.calibrate?.length ? { calibration: readTensors("--calibrate", o.calibrate) } : {}),
    ...(o.calibrateRange !== undefined ? { calibrationRange: parseCalibrationRange(o.calibrateRange) } : {}),
  };
}

/** Collects the preprocessing flags per input ("" = every input). */
export function preprocessingFlags<T extends ConvertFlags>(o: T): Map<string, InputPreprocessing> {
  const m = new Map<string, InputPreprocessing>();
  const entry = (name: string) => {
    const e = m.get(name) ?? {};
    m.set(name, e);
    return e;
  };
  for (const s of o.meanValues ?? []) {
    const [name, values] = parseValuesSpec("--mean-values", s);
    entry(name).mean = values;
  }
  for (const s of o.scaleValues ?? []) {
    const [name, values] = parseValuesSpec("--scale-values", s);
    entry(name).scale = values;
  }
  for (const s of o.layout ?? []) {
    const [name, layout] = parseLayoutSpec(s);
    entry(name).layout = layout;
  }
  if (o.reverseInputChannels) entry("").reverseChannels = true;
  if (o.inputType) entry("").inputType = parseInputType(o.inputType);
  return m;
}

export type CheckedConvertOptions = ConvertOptions & { dataType: "FP32" | "FP16"; target: "myriad" | "none" };

/** The flags checked and read; `inputModel` is recorded as rt_info's input_model (the path as given). */
export function convertOptionsFromFlags(o: ConvertFlags, inputModel: string): CheckedConvertOptions {
  const dataType = (o.dataType ?? "FP32").toUpperCase();
  if (dataType !== "FP32" && dataType !== "FP16")
    throw new MyriadcError("usage", `--data-type ${JSON.stringify(o.dataType)}: expected FP32 or FP16`);
  const inputShapes = new Map((o.inputShape ?? []).map(parseInputShape));
  const parameters: Record<string, string> = {
    input_model: inputModel,
    ...(o.inputShape?.length ? { input_shape: o.inputShape.join(" ") } : {}),
  };
  const preprocessing = preprocessingFlags(o);
  for (const [k, v] of [
    ["mean_values", o.meanValues?.join(" ")],
    ["scale_values", o.scaleValues?.join(" ")],
    ["layout", o.layout?.join(" ")],
    ["input_type", o.inputType],
    ["reverse_input_channels", o.reverseInputChannels ? "True" : undefined],
  ] as const) {
    if (v) parameters[k] = v;
  }
  const target = (o.target ?? "myriad").toLowerCase();
  if (target !== "myriad" && target !== "none")
    throw new MyriadcError("usage", `--target ${JSON.stringify(o.target)}: expected myriad or none`);
  parameters.target = target;
  if (o.dequantize) parameters.dequantize = "True";
  return { dataType, inputShapes, parameters, preprocessing, target, dequantize: o.dequantize === true };
}
