/**
 * Normalization ONNX ops: every one keeps its input's type and shape (LayerNormalization's
 * optional Mean/InvStdDev outputs are left unknown). Inference only.
 */
import { type OnnxOpDef, sameAsInputOp } from "./op-def.js";

export const NORMALIZATION_OPS: Record<string, OnnxOpDef> = {
  BatchNormalization: sameAsInputOp,
  InstanceNormalization: sameAsInputOp,
  LayerNormalization: sameAsInputOp,
  GroupNormalization: sameAsInputOp,
  RMSNormalization: sameAsInputOp,
  LRN: sameAsInputOp,
  MeanVarianceNormalization: sameAsInputOp,
  LpNormalization: sameAsInputOp,
};
