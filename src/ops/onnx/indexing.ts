/**
 * Indexing ONNX ops: Gather (which folds: shape chains gather single dims), GatherElements,
 * GatherND, the Scatter family, OneHot, NonZero, Compress, Unique, Trilu, ReverseSequence,
 * EyeLike.
 */
import type { Dim } from "../../ir/shape.js";
import { shapeSize } from "../../ir/shape.js";
import { ndTake } from "../ndarray.js";
import { constInts, dtypeAttr, foldedInts, normalizeAxis, type OnnxOpDef, sameAsInputOp } from "./op-def.js";

const gatherND: OnnxOpDef = {
  infer(ctx) {
    const data = ctx.inputs[0]?.shape;
    const idx = ctx.inputs[1]?.shape;
    const batch = ctx.node.getInt("batch_dims", 0);
    const last = idx?.[idx.length - 1];
    if (!data || !idx || typeof last !== "number") return [{ dtype: ctx.inputs[0]?.dtype }];
    return [{ dtype: ctx.inputs[0]?.dtype, shape: [...idx.slice(0, -1), ...data.slice(batch + last)] }];
  },
};

export const INDEXING_OPS: Record<string, OnnxOpDef> = {
  Gather: {
    infer(ctx) {
      const data = ctx.inputs[0]?.shape;
      const idx = ctx.inputs[1]?.shape;
      if (!data || !idx) return [{ dtype: ctx.inputs[0]?.dtype }];
      const axis = normalizeAxis(ctx.node.getInt("axis", 0), data.length);
      return [{ dtype: ctx.inputs[0]?.dtype, shape: [...data.slice(0, axis), ...idx, ...data.slice(axis + 1)] }];
    },
    fold([x, ind], { node }) {
      const axis = normalizeAxis(node.getInt("axis", 0), x!.dims.length);
      const indices = foldedInts(ind).map((i) => (i < 0 ? i + x!.dims[axis]! : i));
      const outer = shapeSize(x!.dims.slice(0, axis));
      const inner = shapeSize(x!.dims.slice(axis + 1));
      const dims = [...x!.dims.slice(0, axis), ...ind!.dims, ...x!.dims.slice(axis + 1)];
      const index = new Int32Array(shapeSize(dims));
      let o = 0;
      for (let a = 0; a < outer; a++)
        for (const i of indices) for (let k = 0; k < inner; k++) index[o++] = (a * x!.dims[axis]! + i) * inner + k;
      return [ndTake(x!, dims, index)];
    },
  },
  GatherElements: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: ctx.inputs[1]?.shape }] },
  ScatterElements: sameAsInputOp,
  ScatterND: sameAsInputOp,
  Scatter: sameAsInputOp,
  GatherND: gatherND,
  TensorScatter: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: ctx.inputs[0]?.shape }] },
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
  Compress: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype }] },
  Unique: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype }, { dtype: "int64" }, { dtype: "int64" }, { dtype: "int64" }] },
  Trilu: sameAsInputOp,
  ReverseSequence: sameAsInputOp,
  EyeLike: { infer: (ctx) => [{ dtype: dtypeAttr(ctx.node, "dtype", ctx.inputs[0]?.dtype), shape: ctx.inputs[0]?.shape }] },
};
