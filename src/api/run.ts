/**
 * `run` as a library call: a model's outputs from our reference interpreter of the OpenVINO
 * ops. An IR runs as it is (an FP16 IR computes in float16, as MYRIAD does); an ONNX model is
 * fixed and lowered in memory first, in place.
 */
import type { Model } from "../ir/model.js";
import type { Tensor } from "../ir/tensor.js";
import { lowerOrThrow } from "../lower/lower.js";
import { eliminateDeadCode } from "../passes/common/dead-code.js";
import { runPipeline } from "../passes/manager.js";
import { findDataInput } from "../passes/onnx/graph-inputs.js";
import { fixPipeline } from "../passes/pipelines.js";
import { runOpenvinoModel } from "../runtime/interpreter.js";
import { type ModelInput, modelOf } from "./model-input.js";

export interface RunOptions {
  /** Round every float result to float16; by default, exactly when the IR has FP16 inputs or weights. */
  fp16?: boolean;
  /** Names the model in messages. */
  file?: string;
}

/** An IR with float16 weights or inputs computes in float16 (as MYRIAD does). */
export function isFp16Ir(model: Model): boolean {
  const g = model.graph;
  return g.inputs.some((v) => v.dtype === "float16") || [...g.initializers.values()].some((v) => v.dtype === "float16");
}

/** The outputs by name, for inputs by name (every input the model has must be given). */
export function run(
  input: ModelInput,
  inputs: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>,
  options: RunOptions = {},
): Map<string, Tensor> {
  const file = options.file ?? "<model>";
  let { model, dialect } = modelOf(input);
  if (dialect !== "openvino") {
    runPipeline(model, fixPipeline());
    model = lowerOrThrow(model, file).model;
    eliminateDeadCode(model.graph);
  }
  const feeds = inputs instanceof Map ? inputs : new Map(Object.entries(inputs));
  for (const name of feeds.keys()) findDataInput(model.graph, name, "--input", file);
  return runOpenvinoModel(model, feeds, { fp16: options.fp16 ?? (dialect === "openvino" && isFp16Ir(model)), file });
}
