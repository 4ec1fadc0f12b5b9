/**
 * The `convert` pipeline as a library call: ONNX model → fix (shapes, folding,
 * simplification) → lowering to OpenVINO ops → IR document and weights. Value shapes for
 * the IR ports come from OpenVINO shape inference (no activation is computed), which needs
 * every input shape to be static (set them with inputShapes).
 */

import { type EmittedIr, emitOpenvinoIr } from "./emit/openvino-emitter.js";
import type { Model } from "./ir/model.js";
import { type CalibrationData, checkFp16, type Fp16Check } from "./lint/fp16-calibration.js";
import { quantizedOps } from "./lint/rules/quantized.js";
import { type LoweringNote, lowerOrThrow } from "./lower/lower.js";
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
   * Run a quantized model in float (`--dequantize`): activation quantize/dequantize pairs
   * removed, quantized operators as float ops on dequantized weights (faster, outputs differ
   * slightly). Without it, target "myriad" keeps QDQ pairs as exact float arithmetic and every
   * quantized operator is computed exactly with float/I32 layers. See `quantize` below.
   */
  dequantize?: boolean;
  /**
   * Check FP16 precision on this data: the converted model runs in float32 and in FP16 and the
   * first node losing more than 1% is reported. Without it nothing is computed.
   */
  fp16Check?: CalibrationData;
  /** Filled with the lowering trace: ONNX node name → the OpenVINO nodes it became (before legalization). */
  loweringTrace?: Map<string, string[]>;
}

/** What happened to the quantization of a quantized model (QDQ pairs, quantized weights, quantized operators). */
export interface QuantizationReport {
  /** "exact": pairs as round/clamp arithmetic; "dequantized": pairs removed (--dequantize). */
  mode: "exact" | "dequantized";
  /** Activation quantize/dequantize pairs rewritten (exact) or removed (dequantized). */
  pairs: number;
  /** Quantized constant weights dequantized into float constants. */
  weights: number;
  /** Quantized operators (QLinear*, ConvInteger, MatMulInteger, DynamicQuantizeLinear) lowered to float/I32 layers. */
  ops: number;
}

export interface Converted extends EmittedIr {
  /** The lowered graph (OpenVINO dialect). */
  openvino: Model;
  /** What MYRIAD legalization changed (empty for target "none"). */
  legalization: LegalizeReport;
  /** How particular nodes were lowered (an If as both branches and a Select, quantized ops in float). */
  notes: LoweringNote[];
  /** The FP16 check (checked: false unless fp16Check data was given). */
  fp16: Fp16Check;
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
  const { model: ov, notes } = lowerOrThrow(model, file, { dequantize: options.dequantize ?? false, trace: options.loweringTrace });
  eliminateDeadCode(ov.graph);
  const legalization = (options.target ?? "myriad") === "myriad" ? legalizeForMyriad(ov, file) : { applied: [], notes: [] };
  const types = observeTypes(ov, file);
  const emitted = emitOpenvinoIr(ov, { dataType: options.dataType ?? "FP32", parameters: options.parameters ?? {}, types });
  const fp16 = checkFp16(ov, options.fp16Check ?? {});
  // Not a spread: that would read `weights`, which builds the whole .bin in memory.
  return Object.assign(emitted, { openvino: ov, legalization, notes, fp16, ...(quantization ? { quantization } : {}) });
}

/**
 * The one place that decides what a quantized model becomes (MYRIAD has no integer tensors).
 * QDQ pairs (ONNX QDQ models, quantized TFLite models): exact float round/clamp arithmetic for
 * target "myriad", removed with --dequantize (passes/onnx/quantization). Quantized operators
 * (QLinearConv …, ConvInteger/MatMulInteger of quantize_dynamic): the lowering computes them
 * exactly with float/I32 layers, or with --dequantize as float ops on dequantized weights
 * (LowerOptions.dequantize, passed on by convertToIr).
 */
function quantize(model: Model, options: ConvertOptions): QuantizationReport | undefined {
  const myriad = (options.target ?? "myriad") === "myriad";
  const mode = options.dequantize ? "dequantized" : "exact";
  // The operators the lowering computes; QuantizeLinear/DequantizeLinear are the pairs and the model's boundaries.
  let ops = 0;
  for (const [op, n] of quantizedOps(model.graph)) if (!/(^|::)(Quantize|Dequantize)Linear$/.test(op)) ops += n;
  let pairs = 0;
  let weights = 0;
  if (options.dequantize || myriad) {
    runPipeline(model, [shapeInferencePass]);
    ({ pairs, weights } = options.dequantize
      ? dequantizeGraph(model.graph)
      : qdqToArithmetic(model.graph, { fp16: options.dataType === "FP16" }));
  }
  return pairs + weights + ops > 0 ? { mode, pairs, weights, ops } : undefined;
}

export { observeTypes };
