/**
 * `myriadc convert <model.onnx> -o <out.xml> [--data-type FP32|FP16] [--input-shape …]`:
 * ONNX → OpenVINO IR v11 (.xml + .bin, written together atomically), with a summary.
 */
import { resolve } from "node:path";
import { convertToIr } from "../../convert.js";
import { writeIr } from "../../emit/openvino-ir.js";
import { loadModel } from "../../frontends/load-model.js";
import { binPathFor } from "../../frontends/openvino/read-ir.js";
import { formatStylish } from "../../lint/format/stylish.js";
import { lintOpenvino, valueTypes } from "../../lint/lint.js";
import { parseInputShape } from "../../passes/onnx/input-shapes.js";
import { type InputPreprocessing, parseInputType, parseLayoutSpec, parseValuesSpec } from "../../passes/onnx/preprocess.js";
import { MyriadcError } from "../../util/errors.js";
import type { CliIO } from "../io.js";

export interface ConvertOptions {
  output: string;
  dataType?: string;
  inputShape?: string[];
  meanValues?: string[];
  scaleValues?: string[];
  reverseInputChannels?: boolean;
  inputType?: string;
  layout?: string[];
  target?: string;
  json?: boolean;
}

/** Collects the preprocessing flags per input ("" = every input). */
export function preprocessingFlags(o: ConvertOptions): Map<string, InputPreprocessing> {
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

export function convertCommand(file: string, options: ConvertOptions, io: CliIO): number {
  const dataType = (options.dataType ?? "FP32").toUpperCase();
  if (dataType !== "FP32" && dataType !== "FP16")
    throw new MyriadcError("usage", `--data-type ${JSON.stringify(options.dataType)}: expected FP32 or FP16`);
  if (!options.output.toLowerCase().endsWith(".xml"))
    throw new MyriadcError("usage", `-o ${JSON.stringify(options.output)}: the IR file name must end in .xml (the .bin goes beside it)`);
  if (resolve(file) === resolve(options.output)) throw new MyriadcError("usage", "the output would overwrite the input");
  const started = performance.now();
  const { model } = loadModel(file);
  const inputShapes = new Map((options.inputShape ?? []).map(parseInputShape));
  const parameters: Record<string, string> = {
    input_model: file,
    ...(options.inputShape?.length ? { input_shape: options.inputShape.join(" ") } : {}),
  };
  const pre = preprocessingFlags(options);
  for (const [k, v] of [
    ["mean_values", options.meanValues?.join(" ")],
    ["scale_values", options.scaleValues?.join(" ")],
    ["layout", options.layout?.join(" ")],
    ["input_type", options.inputType],
    ["reverse_input_channels", options.reverseInputChannels ? "True" : undefined],
  ] as const) {
    if (v) parameters[k] = v;
  }
  const target = (options.target ?? "myriad").toLowerCase();
  if (target !== "myriad" && target !== "none")
    throw new MyriadcError("usage", `--target ${JSON.stringify(options.target)}: expected myriad or none`);
  parameters.target = target;
  const ir = convertToIr(model, file, { dataType, inputShapes, parameters, preprocessing: pre, target });
  // What MYRIAD would still refuse in the written IR (nothing to report for target none).
  const remaining = target === "myriad" ? lintOpenvino(ir.openvino, valueTypes(ir.openvino, file)) : [];
  const bin = binPathFor(options.output);
  writeIr(options.output, bin, ir.net, ir.bin);
  const ms = performance.now() - started;
  const byType = new Map<string, number>();
  for (const l of ir.net.layers)
    byType.set(`${l.type}-${l.version.replace("opset", "")}`, (byType.get(`${l.type}-${l.version.replace("opset", "")}`) ?? 0) + 1);
  const summary = {
    input: file,
    xml: options.output,
    bin,
    dataType,
    layers: ir.net.layers.length,
    layersByType: Object.fromEntries([...byType].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
    weightsBytes: ir.bin.byteLength,
    ms: Math.round(ms),
    target,
    myriadFixes: ir.legalization.applied,
    remaining,
  };
  if (options.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    const lines = [
      `${options.output} (+ ${bin}): ${summary.layers} layers, ${summary.weightsBytes.toLocaleString("en-US")} bytes of ${dataType} weights, ${summary.ms} ms`,
    ];
    for (const [t, n] of Object.entries(summary.layersByType)) lines.push(`  ${String(n).padStart(5)}  ${t}`);
    if (target === "myriad") lines.push(`MYRIAD fixes applied: ${summary.myriadFixes.join(", ") || "none needed"}`);
    io.stdout(`${lines.join("\n")}\n`);
    if (target === "myriad")
      io.stdout(
        remaining.length
          ? `MYRIAD lint of the result:\n${formatStylish(options.output, remaining, io.isTTY)}`
          : "no problems left for MYRIAD\n",
      );
  }
  return 0;
}
