/**
 * The dtype and dims of every value of an OpenVINO-dialect model, observed by one run of the
 * interpreter on zero inputs (so every input needs a static shape). Dims that depend on the
 * data (NonMaxSuppression's selected boxes) are reported as -1.
 */
import { byteLengthOf, type DTypeName } from "../ir/dtype.js";
import type { Model } from "../ir/model.js";
import { isStaticShape, shapeSize } from "../ir/shape.js";
import { Tensor } from "../ir/tensor.js";
import type { Value } from "../ir/value.js";
import { withDynamicDims } from "../ops/openvino/value-dependent-dims.js";
import { MyriadcError } from "../util/errors.js";
import { checkTensorSize } from "../util/limits.js";
import { runOpenvinoModel } from "./interpreter.js";

/** dtype and dims of every value of an OpenVINO-dialect model, observed on zero inputs. */
export function observeTypes(model: Model, file: string): Map<Value, { dtype: DTypeName; dims: readonly number[] }> {
  const feeds = new Map<string, Tensor>();
  for (const v of model.graph.inputs) {
    if (v.isInitializer) continue;
    const s = v.shape;
    const dtype = v.dtype;
    if (!isStaticShape(s) || !dtype) {
      throw new MyriadcError("usage", `input ${JSON.stringify(v.name)} has no static shape; give it with --input-shape ${v.name}=[…]`, {
        file,
      });
    }
    // The zero input is allocated: refuse one above the tensor limit instead of running out of memory.
    checkTensorSize({ what: `input ${JSON.stringify(v.name)}`, dtype, dims: s, file });
    feeds.set(v.name, Tensor.fromBytes(dtype, s, new Uint8Array(byteLengthOf(dtype, shapeSize(s)))));
  }
  const types = new Map<Value, { dtype: DTypeName; dims: readonly number[] }>();
  runOpenvinoModel(model, feeds, {
    typesOnly: true,
    observe: (v, a) =>
      types.set(v, {
        dtype: a.dtype,
        dims: v.producer ? withDynamicDims(v.producer.opType, v.producer.outputs.indexOf(v), a.dims) : a.dims,
      }),
  });
  return types;
}
