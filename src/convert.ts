/**
 * The `convert` pipeline as a library call: ONNX model → fix (shapes, folding,
 * simplification) → lowering to OpenVINO ops → IR document and weights. Value shapes for
 * the IR ports come from OpenVINO shape inference (no activation is computed), which needs
 * every input shape to be static (set them with inputShapes).
 */

import { type EmittedIr, emitOpenvinoIr } from "./emit/openvino-emitter.js";
import type { Model } from "./ir/model.js";
import { lowerOrThrow } from "./lower/lower.js";
import { eliminateDeadCode } from "./passes/common/dead-code.js";
import { runPipeline } from "./passes/manager.js";
import { type InputShapes, setInputShapes } from "./passes/onnx/input-shapes.js";
import { addPreprocessing, type InputPreprocessing } from "./passes/onnx/preprocess.js";
import { shapeInferencePass } from "./passes/onnx/shape-inference.js";
import { fixPipeline } from "./passes/pipelines.js";
import { observeTypes } from "./runtime/observe-types.js";
import { type LegalizeReport, legalizeForMyriad } from "./targets/myriad/legalize.js";

export interface ConvertOptions {
  dataType?: "FP32" | "FP16";
  inputShapes?: InputShapes;
  /** Let inputShapes change an input's rank (Model Optimizer's behaviour); refused otherwise. */
  allowRankChange?: boolean;
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

export function convertToIr(model: Model, file: string, options: ConvertOptions = {}): Converted {
  // Initializers that IR < 4 models also list as inputs are constants here, as in Model
  // Optimizer (a compiled blob has no way to override them).
  for (const v of [...model.graph.inputs]) if (v.isInitializer) model.graph.removeInput(v);
  if (options.inputShapes?.size) setInputShapes(model, options.inputShapes, { allowRankChange: options.allowRankChange ?? false });
  if (options.preprocessing?.size) {
    runPipeline(model, [shapeInferencePass]);
    const names = model.graph.inputs.filter((v) => !v.isInitializer).map((v) => v.name);
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
  // Not a spread: that would read `weights`, which builds the whole .bin in memory.
  return Object.assign(emitted, { openvino: ov, legalization });
}

export { observeTypes };
