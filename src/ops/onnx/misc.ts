/**
 * Shape/type inference for the remaining ONNX ops the corpus uses: same-shape math and
 * activations, bitwise ops, quantisation, indexing (GatherElements, ScatterElements/ND,
 * TopK, OneHot, NonZero, NonMaxSuppression), DepthToSpace/SpaceToDepth, CumSum/CumProd,
 * Trilu, EyeLike, random-like ops. Inference only; none of these fold.
 */
import { type DTypeName, dtypeFromOnnx } from "../../ir/dtype.js";
import type { Dim, Shape } from "../../ir/shape.js";
import { broadcastShapes } from "./elementwise.js";
import { constInts, type InferContext, normalizeAxis, type OnnxOpDef, type OutputType } from "./op-def.js";

const same = (ctx: InferContext): OutputType[] => [{ dtype: ctx.inputs[0]?.dtype, shape: ctx.inputs[0]?.shape }];
const sameShapeAs =
  (dtype: DTypeName) =>
  (ctx: InferContext): OutputType[] => [{ dtype, shape: ctx.inputs[0]?.shape }];
const sameOp: OnnxOpDef = { infer: same };
const broadcast: OnnxOpDef = { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: broadcastShapes(ctx.inputs.map((i) => i?.shape)) }] };

/** dtype named by an integer attribute (Cast-style `dtype`/`to`), with a fallback. */
function attrDtype(ctx: InferContext, name: string, fallback: DTypeName | undefined): DTypeName | undefined {
  const v = ctx.node.getInt(name);
  return v === undefined ? fallback : dtypeFromOnnx(v);
}

const spaceDepth = (toDepth: boolean): OnnxOpDef => ({
  infer(ctx) {
    const s = ctx.inputs[0]?.shape;
    const b = ctx.node.getInt("blocksize", 1);
    if (!s || s.length !== 4) return [{ dtype: ctx.inputs[0]?.dtype }];
    const [n, c, h, w] = s;
    const mul = (d: Dim | undefined, k: number): Dim => (typeof d === "number" ? d * k : null);
    const div = (d: Dim | undefined, k: number): Dim => (typeof d === "number" ? d / k : null);
    const shape: Shape = toDepth ? [n ?? null, mul(c, b * b), div(h, b), div(w, b)] : [n ?? null, div(c, b * b), mul(h, b), mul(w, b)];
    return [{ dtype: ctx.inputs[0]?.dtype, shape }];
  },
});

export const MISC_OPS: Record<string, OnnxOpDef> = {
  // Same shape and type as the input.
  Acos: sameOp,
  Acosh: sameOp,
  Asin: sameOp,
  Asinh: sameOp,
  Atan: sameOp,
  Atanh: sameOp,
  Tan: sameOp,
  Cosh: sameOp,
  Sinh: sameOp,
  Shrink: sameOp,
  ThresholdedRelu: sameOp,
  Celu: sameOp,
  Swish: sameOp,
  LpNormalization: sameOp,
  MeanVarianceNormalization: sameOp,
  CumSum: sameOp,
  CumProd: sameOp,
  BitwiseNot: sameOp,
  Trilu: sameOp,
  RMSNormalization: sameOp,
  ReverseSequence: sameOp,
  // Same shape, other type.
  IsInf: { infer: sameShapeAs("bool") },
  IsNaN: { infer: sameShapeAs("bool") },
  Bernoulli: { infer: (ctx) => [{ dtype: attrDtype(ctx, "dtype", ctx.inputs[0]?.dtype), shape: ctx.inputs[0]?.shape }] },
  RandomUniformLike: { infer: (ctx) => [{ dtype: attrDtype(ctx, "dtype", ctx.inputs[0]?.dtype), shape: ctx.inputs[0]?.shape }] },
  RandomNormalLike: { infer: (ctx) => [{ dtype: attrDtype(ctx, "dtype", ctx.inputs[0]?.dtype), shape: ctx.inputs[0]?.shape }] },
  EyeLike: { infer: (ctx) => [{ dtype: attrDtype(ctx, "dtype", ctx.inputs[0]?.dtype), shape: ctx.inputs[0]?.shape }] },
  QuantizeLinear: {
    infer: (ctx) => [{ dtype: ctx.inputs[2]?.dtype ?? attrDtype(ctx, "output_dtype", "uint8") ?? "uint8", shape: ctx.inputs[0]?.shape }],
  },
  DequantizeLinear: { infer: (ctx) => [{ dtype: ctx.inputs[1]?.dtype ?? "float32", shape: ctx.inputs[0]?.shape }] },
  DynamicQuantizeLinear: {
    infer: (ctx) => [
      { dtype: "uint8", shape: ctx.inputs[0]?.shape },
      { dtype: "float32", shape: [] },
      { dtype: "uint8", shape: [] },
    ],
  },
  // Broadcasting.
  BitwiseAnd: broadcast,
  BitwiseOr: broadcast,
  BitwiseXor: broadcast,
  BitShift: broadcast,
  Mean: broadcast,
  // Indexing.
  GatherElements: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: ctx.inputs[1]?.shape }] },
  ScatterElements: sameOp,
  ScatterND: sameOp,
  Scatter: sameOp,
  TopK: {
    infer(ctx) {
      const s = ctx.inputs[0]?.shape;
      const k = ctx.opset < 10 ? ctx.node.getInt("k") : constInts(ctx.inputs[1])?.[0];
      if (!s) return [{ dtype: ctx.inputs[0]?.dtype }, { dtype: "int64" }];
      const axis = normalizeAxis(ctx.node.getInt("axis", -1), s.length);
      const shape = s.map((d, i) => (i === axis ? (k ?? null) : d));
      return [
        { dtype: ctx.inputs[0]?.dtype, shape },
        { dtype: "int64", shape },
      ];
    },
  },
  OneHot: {
    infer(ctx) {
      const s = ctx.inputs[0]?.shape;
      const depth = constInts(ctx.inputs[1])?.[0];
      if (!s) return [{ dtype: ctx.inputs[2]?.dtype }];
      const rank = s.length + 1;
      const axis = normalizeAxis(ctx.node.getInt("axis", -1), rank);
      const shape: Dim[] = [...s];
      shape.splice(axis, 0, depth ?? null);
      return [{ dtype: ctx.inputs[2]?.dtype, shape }];
    },
  },
  NonZero: { infer: (ctx) => [{ dtype: "int64", shape: [ctx.inputs[0]?.shape?.length ?? null, null] }] },
  NonMaxSuppression: { infer: () => [{ dtype: "int64", shape: [null, 3] }] },
  Compress: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype }] },
  Unique: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype }, { dtype: "int64" }, { dtype: "int64" }, { dtype: "int64" }] },
  DepthToSpace: spaceDepth(false),
  SpaceToDepth: spaceDepth(true),
};
