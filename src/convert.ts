/**
 * The `convert` pipeline as a library call: ONNX model → fix (shapes, folding,
 * simplification) → lowering to OpenVINO ops → IR document and weights. Value shapes for
 * the IR ports are observed by one run of the interpreter on zero inputs, which needs every
 * input shape to be static (set them with inputShapes).
 */
import type { DTypeName } from "./ir/dtype.js";
import type { Model } from "./ir/model.js";
import { isStaticShape, shapeSize } from "./ir/shape.js";
import { Tensor } from "./ir/tensor.js";
import type { Value } from "./ir/value.js";
import { lowerOrThrow } from "./lower/lower.js";
import { emitOpenvinoIr, type EmittedIr } from "./emit/openvino-emitter.js";
import { runPipeline } from "./passes/manager.js";
import { setInputShapes, type InputShapes } from "./passes/onnx/input-shapes.js";
import { fixPipeline } from "./passes/pipelines.js";
import { addPreprocessing, type InputPreprocessing } from "./passes/onnx/preprocess.js";
import { shapeInferencePass } from "./passes/onnx/shape-inference.js";
import { eliminateDeadCode } from "./passes/common/dead-code.js";
import { runOpenvinoModel } from "./runtime/interpreter.js";
import { withDynamicDims } from "./ops/openvino/value-dependent-dims.js";
import { byteLengthOf } from "./ir/dtype.js";
import { MyriadcError } from "./util/errors.js";

export interface ConvertOptions {
  dataType?: "FP32" | "FP16";
  inputShapes?: InputShapes;
  /** Model Optimizer-style preprocessing per input name; "" applies to every input. */
  preprocessing?: ReadonlyMap<string, InputPreprocessing>;
  /** Written into the IR's rt_info. */
  parameters?: Record<string, string>;
}

export interface Converted extends EmittedIr {
  /** The lowered graph (OpenVINO dialect). */
  openvino: Model;
}

/** dtype and dims of every value of an OpenVINO-dialect model, observed on zero inputs. */
export function observeTypes(model: Model, file: string): Map<Value, { dtype: DTypeName; dims: readonly number[] }> {
  const feeds = new Map<string, Tensor>();
  for (const v of model.graph.inputs) {
    if (v.isInitializer) continue;
    const s = v.shape;
    const dtype = v.dtype;
    if (!isStaticShape(s) || !dtype) {
      throw new MyriadcError("usage", `input ${JSON.stringify(v.name)} has no static shape; give it with --input-shape ${v.name}=[…]`, { file });
    }
    feeds.set(v.name, Tensor.fromBytes(dtype, s, new Uint8Array(byteLengthOf(dtype, shapeSize(s)))));
  }
  const types = new Map<Value, { dtype: DTypeName; dims: readonly number[] }>();
  runOpenvinoModel(model, feeds, {
    observe: (v, a) => types.set(v, { dtype: a.dtype, dims: v.producer ? withDynamicDims(v.producer.opType, v.producer.outputs.indexOf(v), a.dims) : a.dims }),
  });
  return types;
}

export function convertToIr(model: Model, file: string, options: ConvertOptions = {}): Converted {
  // Initializers that IR < 4 models also list as inputs are constants here, as in Model
  // Optimizer (a compiled blob has no way to override them).
  for (const v of [...model.graph.inputs]) if (v.isInitializer) model.graph.removeInput(v);
  if (options.inputShapes?.size) setInputShapes(model, options.inputShapes);
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
  const ov = lowerOrThrow(model, file);
  eliminateDeadCode(ov.graph);
  const types = observeTypes(ov, file);
  const emitted = emitOpenvinoIr(ov, { dataType: options.dataType ?? "FP32", parameters: options.parameters ?? {}, types });
  return { ...emitted, openvino: ov };
}
