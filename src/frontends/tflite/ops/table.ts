/**
 * The one table of TFLite op translators: builtin ops by name, custom ops by custom_code.
 * Each family file holds the translators of one op family (same names as src/ops/onnx).
 */
import type { OpTranslator } from "../context.js";
import { CONTROL_FLOW_OPS } from "./control-flow.js";
import { CONV_POOL_OPS } from "./conv-pool.js";
import { DETECTION_OPS } from "./detection.js";
import { ELEMENTWISE_OPS } from "./elementwise.js";
import { INDEXING_OPS } from "./indexing.js";
import { MATMUL_OPS } from "./matmul.js";
import { NORMALIZATION_OPS } from "./normalization.js";
import { QUANTIZATION_OPS } from "./quantization.js";
import { RECURRENT_OPS } from "./recurrent.js";
import { REDUCTION_OPS } from "./reduction.js";
import { RESIZE_OPS } from "./resize.js";
import { SHAPE_OPS } from "./shape.js";

export const TFLITE_OPS: Readonly<Record<string, OpTranslator>> = {
  ...ELEMENTWISE_OPS,
  ...CONV_POOL_OPS,
  ...MATMUL_OPS,
  ...NORMALIZATION_OPS,
  ...REDUCTION_OPS,
  ...SHAPE_OPS,
  ...INDEXING_OPS,
  ...DETECTION_OPS,
  ...RESIZE_OPS,
  ...QUANTIZATION_OPS,
  ...CONTROL_FLOW_OPS,
  ...RECURRENT_OPS,
};
