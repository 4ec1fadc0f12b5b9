/**
 * Quantization ONNX ops: Quantize/DequantizeLinear and DynamicQuantizeLinear (which fold,
 * computing in float32 the way onnxruntime does), the integer and quantized forms of Conv
 * and MatMul (whose shapes are Conv's and MatMul's), and the quantized operators of
 * onnxruntime's com.microsoft domain that its quantizer writes in QOperator format
 * (QLinearAdd, QLinearMul, QLinearGlobalAveragePool, QLinearAveragePool, QLinearConcat,
 * QLinearSigmoid, QLinearLeakyRelu).
 */
import { type DTypeName, dtypeInfo } from "../../ir/dtype.js";
import { shapeSize } from "../../ir/shape.js";
import type { NdArray } from "../ndarray.js";
import { CONV_POOL_OPS } from "./conv-pool.js";
import { roundHalfEven } from "./elementwise.js";
import { MATMUL_OPS } from "./matmul.js";
import { broadcastShapes, dtypeAttr, type InferContext, normalizeAxis, type OnnxOpDef, type OutputType, sameAsInput0 } from "./op-def.js";
import { SHAPE_OPS } from "./shape.js";

/** The values each quantized type holds (saturation bounds; the float types' largest finite values). */
export const QUANTIZED_RANGE: Partial<Record<DTypeName, readonly [number, number]>> = {
  uint2: [0, 3],
  int2: [-2, 1],
  uint4: [0, 15],
  int4: [-8, 7],
  float4e2m1: [-6, 6],
  float8e4m3fn: [-448, 448],
  float8e4m3fnuz: [-240, 240],
  float8e5m2: [-57344, 57344],
  float8e5m2fnuz: [-57344, 57344],
  uint8: [0, 255],
  int8: [-128, 127],
  uint16: [0, 65535],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};

/** The dtype QuantizeLinear produces: its output_dtype attribute, else the zero point's, else uint8. */
export function quantizedType(declared: DTypeName | undefined, zeroPoint: DTypeName | undefined): DTypeName {
  return declared ?? zeroPoint ?? "uint8";
}

/** A view of the op's context with the inputs at `indices`, for reusing a float op's inference. */
function viewOf(ctx: InferContext, indices: readonly number[]): InferContext {
  return { node: ctx.node, opset: ctx.opset, inputs: indices.map((i) => ctx.inputs[i]) };
}

/** A float op's inference, run on some of the inputs, with another output type. */
function like(base: OnnxOpDef, inputs: readonly number[], dtype: (ctx: InferContext) => OutputType["dtype"]): OnnxOpDef {
  return { infer: (ctx) => [{ dtype: dtype(ctx), shape: base.infer!(viewOf(ctx, inputs))[0]?.shape }] };
}

/**
 * For each element of `x`, the index of its scale/zero point: per tensor (0), along `axis`
 * (per channel, 1-D parameters), or per block of `blockSize` elements along `axis` (blocked
 * quantization: parameters of x's rank, `axis` divided into blocks).
 */
function paramIndex(x: NdArray, param: NdArray | undefined, axis: number, blockSize: number): (i: number) => number {
  if (!param || shapeSize(param.dims) <= 1) return () => 0;
  const a = normalizeAxis(axis, x.dims.length);
  const inner = shapeSize(x.dims.slice(a + 1));
  const len = x.dims[a]!;
  if (param.dims.length <= 1) return (i) => Math.floor(i / inner) % len;
  const pInner = shapeSize(param.dims.slice(a + 1));
  return (i) => {
    const o = Math.floor(i / (len * inner));
    const k = Math.floor(i / inner) % len;
    return (o * param.dims[a]! + Math.floor(k / blockSize)) * pInner + (i % inner);
  };
}

const num = (a: NdArray | undefined, i: number): number => (a ? Number(a.data[i]) : 0);

/** y = (x − zero_point)·scale: the integer difference is exact, the product one float32 rounding. */
function dequantizeLinear([x, scale, zp]: readonly (NdArray | undefined)[], axis: number, blockSize: number): NdArray {
  const at = paramIndex(x!, scale, axis, blockSize);
  const out = new Float64Array(x!.data.length);
  for (let i = 0; i < out.length; i++) out[i] = (num(x, i) - num(zp, at(i))) * num(scale, at(i));
  return { dtype: scale!.dtype, dims: x!.dims, data: out };
}

/**
 * q = saturate(round_half_even(fl32(x / scale)) + zero_point), as onnxruntime computes it.
 * Float targets are not rounded to integers: the value saturates (unless `saturate` is 0)
 * and storing it rounds it to the target's precision.
 */
function quantizeLinear(
  [x, scale, zp]: readonly (NdArray | undefined)[],
  axis: number,
  to: DTypeName,
  options: { saturate?: boolean; blockSize?: number } = {},
): NdArray {
  const saturate = options.saturate ?? true;
  const [lo, hi] = (saturate ? QUANTIZED_RANGE[to] : undefined) ?? [-Infinity, Infinity];
  const float = dtypeInfo(to).kind === "float";
  const at = paramIndex(x!, scale, axis, options.blockSize ?? 0);
  const out = new Float64Array(x!.data.length);
  for (let i = 0; i < out.length; i++) {
    const scaled = Math.fround(num(x, i) / num(scale, at(i)));
    const q = (float ? scaled : roundHalfEven(scaled)) + num(zp, at(i));
    out[i] = Number.isNaN(q) ? q : Math.min(hi, Math.max(lo, q));
  }
  return { dtype: to, dims: x!.dims, data: out };
}

/**
 * DynamicQuantizeLinear: the uint8 scale and zero point of the range of x widened to include
 * 0, then x quantized with them. Every step is a float32 operation, as in onnxruntime.
 */
export function dynamicQuantizeLinear(x: NdArray): NdArray[] {
  let min = 0;
  let max = 0;
  for (const v of x.data as Float64Array) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale = Math.fround(Math.fround(max - min) / 255);
  const zp = scale === 0 ? 0 : Math.min(255, Math.max(0, roundHalfEven(Math.fround(-Math.fround(min / scale)))));
  const y = scale === 0 ? new Float64Array(x.data.length) : quantizeLinear([x, scalar(scale), scalar(zp)], 0, "uint8").data;
  return [
    { dtype: "uint8", dims: x.dims, data: y },
    { dtype: "float32", dims: [], data: Float64Array.of(scale) },
    { dtype: "uint8", dims: [], data: Float64Array.of(zp) },
  ];
}

const scalar = (v: number): NdArray => ({ dtype: "float32", dims: [], data: Float64Array.of(v) });

export const QUANTIZATION_OPS: Record<string, OnnxOpDef> = {
  QuantizeLinear: {
    infer: (ctx) => [{ dtype: quantizedType(dtypeAttr(ctx.node, "output_dtype"), ctx.inputs[2]?.dtype), shape: ctx.inputs[0]?.shape }],
    fold: (inputs, { node }) => [
      quantizeLinear(inputs, node.getInt("axis", 1), quantizedType(dtypeAttr(node, "output_dtype"), inputs[2]?.dtype), {
        saturate: node.getInt("saturate", 1) === 1,
        blockSize: node.getInt("block_size", 0),
      }),
    ],
  },
  DequantizeLinear: {
    infer: (ctx) => [{ dtype: ctx.inputs[1]?.dtype ?? "float32", shape: ctx.inputs[0]?.shape }],
    fold: (inputs, { node }) => [dequantizeLinear(inputs, node.getInt("axis", 1), node.getInt("block_size", 0))],
  },
  DynamicQuantizeLinear: {
    infer: (ctx) => [
      { dtype: "uint8", shape: ctx.inputs[0]?.shape },
      { dtype: "float32", shape: [] },
      { dtype: "uint8", shape: [] },
    ],
    fold: ([x]) => dynamicQuantizeLinear(x!),
  },
  ConvInteger: like(CONV_POOL_OPS.Conv!, [0, 1], () => "int32"),
  QLinearConv: like(CONV_POOL_OPS.Conv!, [0, 3], (ctx) => ctx.inputs[7]?.dtype),
  MatMulInteger: like(MATMUL_OPS.MatMul!, [0, 1], () => "int32"),
  QLinearMatMul: like(MATMUL_OPS.MatMul!, [0, 3], (ctx) => ctx.inputs[7]?.dtype),
};

/** The output dtype of a com.microsoft QLinear op: its output zero point's (uint8 when omitted). */
const outputZeroPoint =
  (i: number) =>
  (ctx: InferContext): DTypeName =>
    ctx.inputs[i]?.dtype ?? ctx.inputs[0]?.dtype ?? "uint8";

/** QLinearGlobalAveragePool: [N, C, 1…] (channels_last: [N, 1…, C]). */
const qlinearGlobalAveragePool: OnnxOpDef = {
  infer(ctx) {
    const x = ctx.inputs[0]?.shape;
    const dtype = outputZeroPoint(4)(ctx);
    if (!x) return [{ dtype }];
    const last = ctx.node.getInt("channels_last", 0) === 1;
    return [{ dtype, shape: x.map((d, i) => (i === 0 || (last ? i === x.length - 1 : i === 1) ? d : 1)) }];
  },
};

/** com.microsoft ops onnxruntime's quantizer writes (contrib op schemas, version 1). */
export const MICROSOFT_QUANTIZATION_OPS: Record<string, OnnxOpDef> = {
  QLinearAdd: {
    infer: (ctx) => [{ dtype: outputZeroPoint(7)(ctx), shape: broadcastShapes([ctx.inputs[0]?.shape, ctx.inputs[3]?.shape]) }],
  },
  QLinearMul: {
    infer: (ctx) => [{ dtype: outputZeroPoint(7)(ctx), shape: broadcastShapes([ctx.inputs[0]?.shape, ctx.inputs[3]?.shape]) }],
  },
  QLinearGlobalAveragePool: qlinearGlobalAveragePool,
  QLinearAveragePool: like(CONV_POOL_OPS.AveragePool!, [0], outputZeroPoint(4)),
  QLinearSigmoid: { infer: (ctx) => [{ dtype: outputZeroPoint(4)(ctx), shape: sameAsInput0(ctx)[0]?.shape }] },
  QLinearLeakyRelu: { infer: (ctx) => [{ dtype: outputZeroPoint(4)(ctx), shape: sameAsInput0(ctx)[0]?.shape }] },
  // Inputs: Y_scale, Y_zero_point, then (X, X_scale, X_zero_point) per concatenated tensor.
  QLinearConcat: {
    infer(ctx) {
      const xs = Array.from({ length: Math.floor((ctx.inputs.length - 2) / 3) }, (_, k) => 2 + 3 * k);
      return [{ dtype: ctx.inputs[1]?.dtype ?? "uint8", shape: SHAPE_OPS.Concat!.infer!(viewOf(ctx, xs))[0]?.shape }];
    },
  },
};
