/**
 * `lint` on a file. An OpenVINO IR is checked as it is. An ONNX model is checked as
 * `convert --target none` would lower it *without* `fix` (shape inference only), so problems
 * that `fix` removes (run-time shape arithmetic, integer math on float-only layers) are seen
 * and marked fixable; the model is also fixed and lowered in memory to tell which ones go
 * away, and to lint what cannot be lowered as given.
 */

import { convertToIr } from "../convert.js";
import { loadModel } from "../frontends/load-model.js";
import type { Model } from "../ir/model.js";
import { isStaticShape, shapeSize } from "../ir/shape.js";
import { Tensor } from "../ir/tensor.js";
import { lowerToOpenvino } from "../lower/lower.js";
import { eliminateDeadCode } from "../passes/common/dead-code.js";
import { runPipeline } from "../passes/manager.js";
import { type InputShapes, setInputShapes } from "../passes/onnx/input-shapes.js";
import { dequantizePass } from "../passes/onnx/quantization/dequantize.js";
import { shapeInferencePass } from "../passes/onnx/shape-inference.js";
import { myriadFixPipeline } from "../targets/myriad/onnx-fixes.js";
import { isMyriadcError, MyriadcError } from "../util/errors.js";
import type { Finding } from "./finding.js";
import { fp16Calibration, syntheticValues } from "./fp16-calibration.js";
import { lintOpenvino, valueTypes } from "./lint.js";
import { at } from "./rule.js";

export interface LintFileOptions {
  inputShapes?: InputShapes;
  /**
   * Run the FP16 range analysis with these input values (by input name); float inputs not
   * given are filled uniformly from `calibrationRange` (default [-1, 1]).
   */
  calibration?: ReadonlyMap<string, Tensor>;
  calibrationRange?: readonly [number, number];
  /** Lint a quantized model as `convert --dequantize` makes it (activation quantize/dequantize pairs removed). */
  dequantize?: boolean;
}

export interface LintFileReport {
  file: string;
  format: "onnx" | "openvino";
  findings: Finding[];
}

/** An ONNX node's name for an OpenVINO node made from it ("Resize_230/Interpolate" → "Resize_230"). */
function sourceName(name: string, onnxNames: ReadonlySet<string>): string {
  let n = name;
  while (!onnxNames.has(n) && n.includes("/")) n = n.slice(0, n.lastIndexOf("/"));
  return onnxNames.has(n) ? n : name;
}

interface Lowered {
  findings: Finding[];
  /** True when every node lowered (the findings are the lint of the whole graph). */
  complete: boolean;
}

function lintOnnx(model: Model, file: string): Lowered {
  const onnxNames = new Set(model.graph.nodes.map((n) => n.name).filter(Boolean));
  const dynamic = model.graph.inputs.filter((v) => !v.isInitializer && !isStaticShape(v.shape));
  if (dynamic.length) {
    return {
      complete: false,
      findings: dynamic.map((v) =>
        at(
          { name: v.name, opType: "Parameter" },
          "myriad/dynamic-shape",
          "error",
          `input ${JSON.stringify(v.name)} has no static shape [${(v.shape ?? []).map((d) => d ?? "?").join(",")}]`,
          `give it with --input-shape ${v.name}=[…]`,
          false,
        ),
      ),
    };
  }
  const lowered = lowerToOpenvino(model);
  if (lowered.failures.length) {
    return {
      complete: false,
      findings: lowered.failures.map((f) =>
        at(
          { name: f.node, opType: f.op },
          "myriad/not-lowered",
          "error",
          `${f.op} cannot be converted to OpenVINO opset1–opset10: ${f.reason}`,
          undefined,
          false,
        ),
      ),
    };
  }
  const ov = lowered.model;
  eliminateDeadCode(ov.graph);
  let findings: Finding[];
  try {
    findings = lintOpenvino(ov, valueTypes(ov, file));
  } catch (e) {
    if (!isMyriadcError(e)) throw e;
    findings = [
      at({ name: "", opType: "" }, "myriad/dynamic-shape", "error", e.message, "give static input shapes with --input-shape", false),
    ];
  }
  return {
    complete: true,
    findings: findings.map((f) => {
      const node = sourceName(f.node, onnxNames);
      return { ...f, node, message: f.node ? f.message.split(f.node).join(node) : f.message };
    }),
  };
}

const key = (f: Finding) => `${f.rule}|${f.node}`;

/** The FP16 range analysis on the model MYRIAD would run. */
function calibrate(model: Model, options: LintFileOptions): Finding[] {
  if (!options.calibration && !options.calibrationRange) return [];
  const [lo, hi] = options.calibrationRange ?? [-1, 1];
  const feeds = new Map<string, Tensor>();
  for (const v of model.graph.inputs) {
    if (v.isInitializer) continue;
    const given = options.calibration?.get(v.name);
    if (given) feeds.set(v.name, given);
    else if (isStaticShape(v.shape) && (v.dtype === "float32" || v.dtype === "float16"))
      feeds.set(v.name, Tensor.fromArray("float32", v.shape, syntheticValues(shapeSize(v.shape), lo, hi)));
    else
      throw new MyriadcError(
        "usage",
        `--calibrate: no values for input ${JSON.stringify(v.name)} (${v.dtype ?? "?"}${v.shape ? `[${v.shape.join(",")}]` : ""}); give name=file.npy`,
      );
  }
  for (const name of options.calibration?.keys() ?? []) {
    if (!model.graph.inputs.some((v) => v.name === name))
      throw new MyriadcError(
        "usage",
        `--calibrate: the model has no input ${JSON.stringify(name)} (inputs: ${model.graph.inputs.map((v) => v.name).join(", ")})`,
      );
  }
  return fp16Calibration(model, feeds);
}

export function lintFile(file: string, options: LintFileOptions = {}): LintFileReport {
  const first = loadModel(file);
  if (first.dialect === "openvino") {
    const model = first.model;
    return { file, format: "openvino", findings: [...lintOpenvino(model, valueTypes(model, file)), ...calibrate(model, options)] };
  }
  let pending: Model | undefined = first.model;
  const load = () => {
    // Each use needs its own copy of the model: the first is the one already loaded.
    const model = pending ?? loadModel(file).model;
    pending = undefined;
    for (const v of [...model.graph.inputs]) if (v.isInitializer) model.graph.removeInput(v);
    if (options.inputShapes?.size) setInputShapes(model, options.inputShapes);
    if (options.dequantize) runPipeline(model, [shapeInferencePass, dequantizePass]);
    return model;
  };
  const asGiven = load();
  runPipeline(asGiven, [shapeInferencePass]);
  const given = lintOnnx(asGiven, file);
  const fixedModel = load();
  runPipeline(fixedModel, myriadFixPipeline());
  const fixed = lintOnnx(fixedModel, file);
  const afterFix = new Set(fixed.findings.map(key));
  // A problem of the model as given that is gone after fix is fixable.
  const mark = (f: Finding): Finding =>
    f.fixable || afterFix.has(key(f)) ? f : { ...f, fixable: true, suggestion: f.suggestion ?? "fix --target myriad resolves it" };
  // Calibration runs on what convert produces: the fixed, lowered and legalized model.
  const calibrated =
    options.calibration || options.calibrationRange
      ? calibrate(convertToIr(load(), file, { dequantize: options.dequantize === true }).openvino, options)
      : [];
  if (given.complete) return { file, format: "onnx", findings: [...given.findings.map(mark), ...calibrated] };
  const seen = new Set(given.findings.map(key));
  return {
    file,
    format: "onnx",
    findings: [...given.findings.map(mark), ...fixed.findings.filter((f) => !seen.has(key(f))), ...calibrated],
  };
}
