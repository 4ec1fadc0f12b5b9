/**
 * How the interpreter stores op results: every float32 result is rounded to float32 once,
 * as a float32 kernel stores it (the kernels compute in double, and chained ops such as
 * Divide then Round in quantization would otherwise see more precision than OpenVINO's); an
 * FP16 run rounds every floating-point result to float16 instead, as MYRIAD computes.
 */

import { isFloatDType } from "../ir/dtype.js";
import type { Tensor } from "../ir/tensor.js";
import { fp16Constant } from "../ops/kernels/fp16-constant.js";
import { roundToFloat16, roundToFloat32 } from "../ops/kernels/rounding.js";
import { type NdArray, ndFromTensor } from "../ops/ndarray.js";

/** Rounds a freshly computed result in place (its data must not be shared with other values). */
export function roundResult(a: NdArray, fp16: boolean): void {
  if (!(a.data instanceof Float64Array)) return;
  if (fp16) {
    if (isFloatDType(a.dtype)) roundToFloat16(a.data);
  } else if (a.dtype === "float32") roundToFloat32(a.data);
}

/**
 * A constant or input tensor as the kernels read it. An FP16 run rounds float data to
 * float16 (float16 data already is); float16 data keeps its bits until a kernel reads it as
 * doubles (fp16-constant.ts).
 */
export function runValueOf(t: Tensor, fp16: boolean): NdArray {
  if (t.dtype === "float16") return fp16Constant(t.dims, t.data() as Uint16Array);
  const a = ndFromTensor(t);
  if (fp16 && a.dtype !== "float16" && isFloatDType(a.dtype)) roundToFloat16(a.data as Float64Array);
  return a;
}
