/**
 * MYRIAD fixes made on the ONNX model (`fix --target myriad`), where rewriting before the
 * lowering is simpler: the ONNX ops that lower to layers computing in FP16 only, with the
 * OpenVINO op each becomes (its input types come from the capability table).
 */

import { qdqArithmeticPass } from "../../passes/onnx/quantization/qdq-arithmetic.js";
import type { Pass } from "../../passes/pass.js";
import { fixPipeline } from "../../passes/pipelines.js";
import { capabilityOf } from "./capabilities.js";
import { floatComputePass } from "./passes/float-compute.js";

/** ONNX elementwise ops that accept float inputs, and the OpenVINO layer each lowers to. */
const ONNX_TO_LAYER: Readonly<Record<string, string>> = {
  Sub: "Subtract",
  Pow: "Power",
  Greater: "Greater",
  Less: "Less",
  LessOrEqual: "LessEqual",
  Add: "Add",
  Mul: "Multiply",
  Div: "Divide",
  Max: "Maximum",
  Min: "Minimum",
  Equal: "Equal",
  GreaterOrEqual: "GreaterEqual",
};

/** ONNX ops whose MYRIAD layer refuses I32 input 0. */
export const FLOAT_ONLY_ONNX_OPS: ReadonlySet<string> = new Set(
  Object.entries(ONNX_TO_LAYER)
    .filter(([, layer]) => {
      const cap = capabilityOf(layer);
      return cap?.supported && cap.inputTypes?.[0] && !cap.inputTypes[0].includes("I32");
    })
    .map(([op]) => op),
);

/** `fix --target myriad`: the fix pipeline plus the MYRIAD ONNX fixes (QDQ pairs as float arithmetic: MYRIAD has no int8). */
export function myriadFixPipeline(): Pass[] {
  return [qdqArithmeticPass, ...fixPipeline(), floatComputePass(FLOAT_ONLY_ONNX_OPS)];
}
