/**
 * `convert` as a library call: a model → fix (shapes, folding, simplification) → lowering
 * to OpenVINO ops → MYRIAD legalization → IR v11 document and weights. Value shapes for the
 * IR ports come from OpenVINO shape inference (no activation is computed), which needs every
 * input shape to be static (set them with inputShapes).
 */

import type { IrWeights } from "../emit/ir-weights.js";
import { encodeIrXml, nonXmlStringsOfNet } from "../emit/ir-xml.js";
import { type EmittedIr, emitOpenvinoIr } from "../emit/openvino-emitter.js";
import type { IrNet } from "../frontends/openvino/ir-document.js";
import { irToModel } from "../frontends/openvino/to-graph.js";
import type { DTypeName } from "../ir/dtype.js";
import type { Model } from "../ir/model.js";
import type { Value } from "../ir/value.js";
import type { Finding } from "../lint/finding.js";
import { type CalibrationData, checkFp16, describeFp16Check, type Fp16Check } from "../lint/fp16-calibration.js";
import { lintOpenvino } from "../lint/lint.js";
import { quantizedOps } from "../lint/rules/quantized.js";
import { type LoweringNote, lowerOrThrow } from "../lower/lower.js";
import { eliminateDeadCode } from "../passes/common/dead-code.js";
import { runPipeline } from "../passes/manager.js";
import { dataInputs } from "../passes/onnx/graph-inputs.js";
import { applyModelEdits, constantizeInitializerInputs, type ModelEdits } from "../passes/onnx/model-edits.js";
import { addPreprocessing, type InputPreprocessing } from "../passes/onnx/preprocess.js";
import { dequantizeGraph } from "../passes/onnx/quantization/dequantize.js";
import { qdqToArithmetic } from "../passes/onnx/quantization/qdq-arithmetic.js";
import { shapeInferencePass } from "../passes/onnx/shape-inference.js";
import { fixPipeline } from "../passes/pipelines.js";
import { observeTypes, requireStaticInputs } from "../runtime/observe-types.js";
import { type LegalizeReport, legalizeForMyriad } from "../targets/myriad/legalize.js";
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
  /** Every value's element type and dims in the lowered graph (OpenVINO shape inference, what the IR's ports say). */
  types: ReadonlyMap<Value, { dtype: DTypeName; dims: readonly number[] }>;
  /** Present when the model had quantize/dequantize pairs or quantized weights. */
  quantization?: QuantizationReport;
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
  const quantization = quantize(model, options);
  runPipeline(model, fixPipeline());
  // Said here, naming the input, rather than by the first layer deep inside that needs a size.
  requireStaticInputs(model, file);
  const { model: ov, notes } = lowerOrThrow(model, file, { dequantize: options.dequantize ?? false, trace: options.loweringTrace });
  eliminateDeadCode(ov.graph);
  const legalization = (options.target ?? "myriad") === "myriad" ? legalizeForMyriad(ov, file) : { applied: [], notes: [] };
  const types = observeTypes(ov, file);
  const emitted = emitOpenvinoIr(ov, { dataType: options.dataType ?? "FP32", parameters: options.parameters ?? {}, types });
  const fp16 = checkFp16(ov, options.fp16Check ?? {});
  // Not a spread: that would read `weights`, which builds the whole .bin in memory.
  return Object.assign(emitted, { openvino: ov, legalization, notes, fp16, types, ...(quantization ? { quantization } : {}) });
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
  let qdq = 0;
  for (const [op, n] of quantizedOps(model.graph))
    if (/(^|::)(Quantize|Dequantize)Linear$/.test(op)) qdq += n;
    else ops += n;
  let pairs = 0;
  let weights = 0;
  // Pairs and quantized weights are QuantizeLinear/DequantizeLinear nodes: without one there is
  // nothing to rewrite, and no reason to infer the model's shapes once more.
  if (qdq > 0 && (options.dequantize || myriad)) {
    runPipeline(model, [shapeInferencePass]);
    ({ pairs, weights } = options.dequantize
      ? dequantizeGraph(model.graph)
      : qdqToArithmetic(model.graph, { fp16: options.dataType === "FP16" }));
  }
  return pairs + weights + ops > 0 ? { mode, pairs, weights, ops } : undefined;
}

/** One line on how a quantized model was converted (the --dequantize trade-off said plainly). */
export function quantizationNote(q: QuantizationReport): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const pairs = q.pairs + q.weights > 0 || q.ops === 0;
  const what = pairs
    ? `${plural(q.pairs, "activation quantize/dequantize pair")}, ${plural(q.weights, "quantized weight tensor")} (dequantized to float)`
    : "";
  const ops = (how: string) => (q.ops ? `${pairs ? "; " : ""}${plural(q.ops, "quantized operator")} ${how}` : "");
  return q.mode === "dequantized"
    ? `quantized model run in float (--dequantize): ${pairs ? `removed ${what}` : ""}${ops("as float ops on dequantized weights")}; ` +
        "outputs may differ slightly from the quantized model's"
    : `quantized model kept exact: ${what}${ops("as float/I32 layers")}; ` +
        (pairs
          ? "the pairs are float round/clamp arithmetic (--dequantize removes them: faster, outputs differ slightly)"
          : "--dequantize runs them on dequantized weights instead (faster, outputs differ slightly)");
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
  /** How particular nodes were lowered (an If as both branches and a Select, quantized ops in float). */
  notes: LoweringNote[];
  /** The FP16 check: `checked` only with `fp16Check` data; `summary` says what was (not) found. */
  fp16: { checked: boolean; first?: Fp16Check["first"]; summary: string };
  /** Present for a quantized model: what became of its quantization, and `note`, the one line saying so. */
  quantization?: QuantizationReport & { note: string };
}

export interface ConvertResult {
  /** The IR document (.xml text, without the pair record writeConverted adds), made on first read: writeConverted streams `net` instead. */
  readonly xml: string;
  /** The same document as a tree (what writeConverted writes). */
  net: IrNet;
  /** Its weights (.bin) in one buffer, made on first read; writeConverted streams `weights` instead. */
  readonly bin: Uint8Array;
  /** The .bin as a layout of the model's constants, converted to their stored types only while written. */
  weights: IrWeights;
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
  // The types the IR was emitted with: every value's, static (no second inference).
  const remaining = target === "myriad" ? lintOpenvino(ir.openvino, ir.types) : [];
  let readBack: Model | undefined;
  let xml: string | undefined;
  return {
    get xml() {
      xml ??= encodeIrXml(ir.net);
      return xml;
    },
    net: ir.net,
    get bin() {
      return ir.weights;
    },
    weights: ir.bin,
    report: {
      dataType,
      target,
      layers: ir.net.layers.length,
      layersByType: histogram(ir),
      weightsBytes: ir.bin.byteLength,
      myriadFixes: ir.legalization.applied,
      remaining,
      xmlReplaced: nonXmlStringsOfNet(ir.net),
      notes: ir.notes,
      fp16: { checked: ir.fp16.checked, ...(ir.fp16.first ? { first: ir.fp16.first } : {}), summary: describeFp16Check(ir.fp16) },
      ...(ir.quantization ? { quantization: { ...ir.quantization, note: quantizationNote(ir.quantization) } } : {}),
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
): Pick<ConvertResult, "xml" | "net" | "bin" | "weights"> {
  const file = options.file ?? "<model>";
  const types = observeTypes(model, file);
  const emitted = emitOpenvinoIr(model, {
    dataType: options.dataType ?? "FP32",
    parameters: options.parameters ?? { input_model: file },
    types,
  });
  let xml: string | undefined;
  return {
    get xml() {
      xml ??= encodeIrXml(emitted.net);
      return xml;
    },
    net: emitted.net,
    get bin() {
      return emitted.weights;
    },
    weights: emitted.bin,
  };
}
