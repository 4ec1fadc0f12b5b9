/**
 * MYRIAD fixes made on the ONNX model (`fix --target myriad`), where rewriting before the
 * lowering is simpler: the ONNX ops that lower to layers computing in FP16 only (the layer
 * each becomes is the lowering's op-name map; its input types the capability table's).
 */

import { ONNX_TO_OPENVINO } from "../../lower/onnx/op-names.js";
import { qdqArithmeticPass } from "../../passes/onnx/quantization/qdq-arithmetic.js";
import type { Pass } from "../../passes/pass.js";
import { type FixPipelineOptions, fixPipeline } from "../../passes/pipelines.js";
import { capabilityOf } from "./capabilities.js";
import { floatComputePass } from "./passes/float-compute.js";

/** ONNX ops whose MYRIAD layer refuses I32 input 0. */
export const FLOAT_ONLY_ONNX_OPS: ReadonlySet<string> = new Set(
  Object.entries(ONNX_TO_OPENVINO)
    // Arithmetic and comparisons (two or more inputs), where integer shape math meets float-only layers.
    .filter(([, ov]) => {
      if (ov.inputs === "unary") return false;
      const cap = capabilityOf(ov.type);
      return cap?.supported && cap.inputTypes?.[0] && !cap.inputTypes[0].includes("I32");
    })
    .map(([op]) => op),
);

/**
 * `fix --target myriad`: the fix pipeline (with the same options) plus the MYRIAD ONNX fixes
 * (QDQ pairs as float arithmetic first: MYRIAD has no int8).
 */
export function myriadFixPipeline(options: FixPipelineOptions = {}): Pass[] {
  return [qdqArithmeticPass, ...fixPipeline(options), floatComputePass(FLOAT_ONLY_ONNX_OPS)];
}
