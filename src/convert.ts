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
import { dequantizeGraph } from "./passes/onnx/quantization/dequantize.js";
import { qdqToArithmetic } from "./passes/onnx/quantization/qdq-arithmetic.js";
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
  /**
   * A quantized (QDQ) model in float: activation quantize/dequantize pairs removed (faster,
   * outputs differ slightly). Without it, target "myriad" keeps them as exact float arithmetic.
   */
  dequantize?: boolean;
  /** Filled with the lowering trace: ONNX node name → the OpenVINO nodes it became (before legalization). */
  loweringTrace?: Map<string, string[]>;
}

/** What happened to the quantization of a QDQ model. */
export interface QuantizationReport {
  /** "exact": pairs as round/clamp arithmetic; "dequantized": pairs removed (--dequantize). */
  mode: "exact" | "dequantized";
  pairs: number;
  weights: number;
}

export interface Converted extends EmittedIr {
  /** The lowered graph (OpenVINO dialect). */
  openvino: Model;
  /** What MYRIAD legalization changed (empty for target "none"). */
  legalization: LegalizeReport;
  /** Present when the model had quantize/dequantize pairs or quantized weights. */
  quantization?: QuantizationReport;
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
  const quantization = quantize(model, options);
  runPipeline(model, fixPipeline());
  const ov = lowerOrThrow(model, file, { trace: options.loweringTrace });
  eliminateDeadCode(ov.graph);
  const legalization = (options.target ?? "myriad") === "myriad" ? legalizeForMyriad(ov, file) : { applied: [], notes: [] };
  const types = observeTypes(ov, file);
  const emitted = emitOpenvinoIr(ov, { dataType: options.dataType ?? "FP32", parameters: options.parameters ?? {}, types });
  return { ...emitted, openvino: ov, legalization, ...(quantization ? { quantization } : {}) };
}

/** MYRIAD has no integer tensors: QDQ pairs become exact float arithmetic, or go with --dequantize. */
function quantize(model: Model, options: ConvertOptions): QuantizationReport | undefined {
  const myriad = (options.target ?? "myriad") === "myriad";
  if (!options.dequantize && !myriad) return undefined;
  runPipeline(model, [shapeInferencePass]);
  const mode = options.dequantize ? "dequantized" : "exact";
  const { pairs, weights } = options.dequantize
    ? dequantizeGraph(model.graph)
    : qdqToArithmetic(model.graph, { fp16: options.dataType === "FP16" });
  return pairs + weights > 0 ? { mode, pairs, weights } : undefined;
}

export { observeTypes };
