/**
 * ONNX → OpenVINO lowering, one rule per ONNX op: which OpenVINO ops (opset1–opset10, the
 * versions the MYRIAD plugin of 2022.3 accepts where there is a choice) compute it. A rule
 * returns the OpenVINO values for the node's outputs, or fails with the reason. The rules
 * live in the family files of src/lower/onnx/, named like the op tables in src/ops/onnx/.
 */
import { CONTROL_FLOW_LOWERING } from "./onnx/control-flow.js";
import { CONV_POOL_LOWERING } from "./onnx/conv-pool.js";
import { DETECTION_LOWERING } from "./onnx/detection.js";
import { ELEMENTWISE_LOWERING } from "./onnx/elementwise.js";
import { INDEXING_LOWERING } from "./onnx/indexing.js";
import { MATMUL_LOWERING } from "./onnx/matmul.js";
import { NORMALIZATION_LOWERING } from "./onnx/normalization.js";
import { QUANTIZATION_LOWERING } from "./onnx/quantization.js";
import { RECURRENT_LOWERING } from "./onnx/recurrent.js";
import { REDUCTION_LOWERING } from "./onnx/reduction.js";
import { RESIZE_LOWERING } from "./onnx/resize.js";
import { SHAPE_LOWERING } from "./onnx/shape.js";
import type { LoweringRule } from "./rule-helpers.js";

export type { LoweringRule };

/** The families, by file name. */
export const ONNX_LOWERING_FAMILIES: Readonly<Record<string, Readonly<Record<string, LoweringRule>>>> = {
  elementwise: ELEMENTWISE_LOWERING,
  "conv-pool": CONV_POOL_LOWERING,
  matmul: MATMUL_LOWERING,
  normalization: NORMALIZATION_LOWERING,
  reduction: REDUCTION_LOWERING,
  shape: SHAPE_LOWERING,
  indexing: INDEXING_LOWERING,
  resize: RESIZE_LOWERING,
  recurrent: RECURRENT_LOWERING,
  quantization: QUANTIZATION_LOWERING,
  detection: DETECTION_LOWERING,
  "control-flow": CONTROL_FLOW_LOWERING,
};

function assemble(): Readonly<Record<string, LoweringRule>> {
  const table: Record<string, LoweringRule> = {};
  for (const [family, rules] of Object.entries(ONNX_LOWERING_FAMILIES)) {
    for (const [op, rule] of Object.entries(rules)) {
      // Two rules for one op would silently shadow each other: a programming error, caught at load.
      if (table[op]) throw new Error(`ONNX op ${op} has two lowering rules (again in onnx/${family}.ts)`);
      table[op] = rule;
    }
  }
  return table;
}

/** Every ONNX op with a lowering rule, by type. */
export const ONNX_LOWERING: Readonly<Record<string, LoweringRule>> = assemble();
