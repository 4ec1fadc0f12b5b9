/**
 * `convert` as a library call: a model → fix (shapes, folding, simplification) → lowering
 * to OpenVINO ops → MYRIAD legalization → IR v11 document and weights. Value shapes for the
 * IR ports come from OpenVINO shape inference (no activation is computed), which needs every
 * input shape to be static (set them with inputShapes).
 */

import { encodeIrXml } from "../emit/ir-xml.js";
import { type EmittedIr, emitOpenvinoIr } from "../emit/openvino-emitter.js";
import { netXml } from "../frontends/openvino/ir-document.js";
import { irToModel } from "../frontends/openvino/to-graph.js";
import type { Model } from "../ir/model.js";
import type { Finding } from "../lint/finding.js";
import { lintOpenvino, valueTypes } from "../lint/lint.js";
import { lowerOrThrow } from "../lower/lower.js";
import { eliminateDeadCode } from "../passes/common/dead-code.js";
import { runPipeline } from "../passes/manager.js";
import { dataInputs } from "../passes/onnx/graph-inputs.js";
import { applyModelEdits, constantizeInitializerInputs, type ModelEdits } from "../passes/onnx/model-edits.js";
import { addPreprocessing, type InputPreprocessing } from "../passes/onnx/preprocess.js";
import { shapeInferencePass } from "../passes/onnx/shape-inference.js";
import { fixPipeline } from "../passes/pipelines.js";
import { observeTypes } from "../runtime/observe-types.js";
import { type LegalizeReport, legalizeForMyriad } from "../targets/myriad/legalize.js";
import { nonXmlStrings } from "../util/xml.js";
import { type ModelInput, modelOf } from "./model-input.js";

export interface ConvertOptions extends ModelEdits {
  dataType?: "FP32" | "FP16";
  /** Model Optimizer-style preprocessing per input name; "" applies to every input. */
  preprocessing?: ReadonlyMap<string, InputPreprocessing>;
  /** Written into the IR's rt_info. */
  parameters?: Record<string, string>;
  /**
   * "myriad" (the default) applies every safe MYRIAD legalization (rewrites, I64→I32,
   * Convert insertion); "none" keeps the plain lowering.
   */
  target?: "myriad" | "none";
  /** Filled with the lowering trace: ONNX node name → the OpenVINO nodes it became (before legalization). */
  loweringTrace?: Map<string, string[]>;
}

export interface Converted extends EmittedIr {
  /** The lowered graph (OpenVINO dialect). */
  openvino: Model;
  /** What MYRIAD legalization changed (empty for target "none"). */
  legalization: LegalizeReport;
}

/**
 * The pipeline on a model, which it changes in place; `file` names the model in messages.
 * Returns the IR document (not yet serialised) and the lowered graph.
 */
export function convertToIr(model: Model, file: string, options: ConvertOptions = {}): Converted {
  constantizeInitializerInputs(model);
  applyModelEdits(model, options);
  if (options.preprocessing?.size) {
    runPipeline(model, [shapeInferencePass]);
    const names = dataInputs(model.graph).map((v) => v.name);
    const perInput = new Map<string, InputPreprocessing>();
    for (const [name, p] of options.preprocessing) {
      for (const n of name === "" ? names : [name]) perInput.set(n, { ...perInput.get(n), ...p });
    }
    addPreprocessing(model, perInput);
  }
  runPipeline(model, fixPipeline());
  const ov = lowerOrThrow(model, file, { trace: options.loweringTrace });
  eliminateDeadCode(ov.graph);
  const legalization = (options.target ?? "myriad") === "myriad" ? legalizeForMyriad(ov, file) : { applied: [], notes: [] };
  const types = observeTypes(ov, file);
  const emitted = emitOpenvinoIr(ov, { dataType: options.dataType ?? "FP32", parameters: options.parameters ?? {}, types });
  return { ...emitted, openvino: ov, legalization };
}

export interface ConvertReport {
  dataType: "FP32" | "FP16";
  target: "myriad" | "none";
  layers: number;
  /** "Type-version" → count, most frequent first. */
  layersByType: Record<string, number>;
  weightsBytes: number;
  /** The MYRIAD legalization passes that changed something. */
  myriadFixes: string[];
  /** What MYRIAD would still refuse in the IR (always empty for target "none"). */
  remaining: Finding[];
  /** Names holding characters XML 1.0 cannot hold, written with U+FFFD instead. */
  xmlReplaced: string[];
}

export interface ConvertResult {
  /** The IR document (.xml text). */
  xml: string;
  /** Its weights (.bin). */
  bin: Uint8Array;
  report: ConvertReport;
  /** The IR as a model, exactly as the files hold it (what `run` and `compile` take). */
  readonly ir: Model;
}

function histogram(ir: EmittedIr): Record<string, number> {
  const byType = new Map<string, number>();
  for (const l of ir.net.layers) {
    const key = `${l.type}-${l.version.replace("opset", "")}`;
    byType.set(key, (byType.get(key) ?? 0) + 1);
  }
  return Object.fromEntries([...byType].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

/**
 * Converts a model (ONNX, or any dialect a frontend produced) to OpenVINO IR v11 with only
 * opset1–opset10 layers. The model is changed in place (fix runs on it): load it again to
 * keep the original. `file` names the model in messages and in the IR's rt_info default.
 */
export function convert(input: ModelInput, options: ConvertOptions & { file?: string } = {}): ConvertResult {
  const { model } = modelOf(input);
  const file = options.file ?? "<model>";
  const target = options.target ?? "myriad";
  const dataType = options.dataType ?? "FP32";
  const ir = convertToIr(model, file, { ...options, parameters: options.parameters ?? { input_model: file } });
  const remaining = target === "myriad" ? lintOpenvino(ir.openvino, valueTypes(ir.openvino, file)) : [];
  let readBack: Model | undefined;
  return {
    xml: encodeIrXml(ir.net),
    bin: ir.weights,
    report: {
      dataType,
      target,
      layers: ir.net.layers.length,
      layersByType: histogram(ir),
      weightsBytes: ir.weights.length,
      myriadFixes: ir.legalization.applied,
      remaining,
      xmlReplaced: nonXmlStrings(netXml(ir.net)),
    },
    get ir() {
      readBack ??= irToModel(ir.net, ir.weights, file);
      return readBack;
    },
  };
}

/**
 * An OpenVINO-dialect model (an IR read and legalized, say) as IR files' content, its port
 * shapes observed by the interpreter.
 */
export function emitIr(
  model: Model,
  options: { dataType?: "FP32" | "FP16"; parameters?: Record<string, string>; file?: string } = {},
): Pick<ConvertResult, "xml" | "bin"> {
  const file = options.file ?? "<model>";
  const types = observeTypes(model, file);
  const emitted = emitOpenvinoIr(model, {
    dataType: options.dataType ?? "FP32",
    parameters: options.parameters ?? { input_model: file },
    types,
  });
  return { xml: encodeIrXml(emitted.net), bin: emitted.weights };
}
