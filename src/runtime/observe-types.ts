/**
 * The dtype and dims of every value of an OpenVINO-dialect model, for emitting and
 * legalizing it: shape inference (shape-inference.ts) with every input shape static, as
 * MYRIAD needs. Dims that depend on the data (NonMaxSuppression's selected boxes) are -1.
 */
import type { DTypeName } from "../ir/dtype.js";
import type { Model } from "../ir/model.js";
import { isStaticShape } from "../ir/shape.js";
import type { Value } from "../ir/value.js";
import { inputShapeTemplate } from "../passes/onnx/input-shapes.js";
import { MyriadcError } from "../util/errors.js";
import { inferOpenvinoTypes } from "./shape-inference.js";

/** MYRIAD runs static shapes only: a usage error naming the first input without one, and how to give it. */
export function requireStaticInputs(model: Model, file: string): void {
  for (const v of model.graph.inputs) {
    if (v.isInitializer) continue;
    if (!isStaticShape(v.shape) || !v.dtype)
      throw new MyriadcError(
        "usage",
        `input ${JSON.stringify(v.name)} has no static shape; give it with --input-shape ${inputShapeTemplate(v)}`,
        {
          file,
        },
      );
  }
}

/** dtype and dims of every value; every input needs a static shape. */
export function observeTypes(model: Model, file: string): Map<Value, { dtype: DTypeName; dims: readonly number[] }> {
  requireStaticInputs(model, file);
  return inferOpenvinoTypes(model, { file });
}
