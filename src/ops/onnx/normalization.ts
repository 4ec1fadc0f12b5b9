/**
 * Normalization ONNX ops: every one keeps its input's type and shape. LayerNormalization
 * also folds, with its Mean and InvStdDev outputs (reduced over the axes from `axis` on, in
 * the stash type).
 */
import { dtypeFromOnnx } from "../../ir/dtype.js";
import type { Node } from "../../ir/node.js";
import { shapeSize } from "../../ir/shape.js";
import type { NdArray } from "../ndarray.js";
import { broadcastIndex } from "../ndarray.js";
import { normalizeAxis, type OnnxOpDef, sameAsInputOp } from "./op-def.js";

const stashType = (node: Node) => dtypeFromOnnx(node.getInt("stash_type", 1)) ?? "float32";

const layerNormalization: OnnxOpDef = {
  infer(ctx) {
    const x = ctx.inputs[0]?.shape;
    const axis = x ? normalizeAxis(ctx.node.getInt("axis", -1), x.length) : 0;
    const reduced = x?.map((d, i) => (i < axis ? d : 1));
    const stats = { dtype: stashType(ctx.node), shape: reduced };
    return [{ dtype: ctx.inputs[0]?.dtype, shape: x }, stats, stats];
  },
  fold([x, scale, bias], { node }) {
    const dims = x!.dims;
    const axis = normalizeAxis(node.getInt("axis", -1), dims.length);
    const eps = node.getFloat("epsilon", 1e-5);
    const groups = shapeSize(dims.slice(0, axis));
    const size = shapeSize(dims.slice(axis));
    const norm = dims.slice(axis);
    const s = broadcastIndex(scale!.dims, norm);
    const b = bias ? broadcastIndex(bias.dims, norm) : undefined;
    const xs = x!.data as Float64Array;
    const y = new Float64Array(xs.length);
    const mean = new Float64Array(groups);
    const inv = new Float64Array(groups);
    for (let g = 0; g < groups; g++) {
      let m = 0;
      for (let k = 0; k < size; k++) m += xs[g * size + k]!;
      m /= size;
      let v = 0;
      for (let k = 0; k < size; k++) v += (xs[g * size + k]! - m) ** 2;
      const r = 1 / Math.sqrt(v / size + eps);
      mean[g] = m;
      inv[g] = r;
      for (let k = 0; k < size; k++) {
        const n = (xs[g * size + k]! - m) * r * Number(scale!.data[s[k]!]);
        y[g * size + k] = b ? n + Number(bias!.data[b[k]!]) : n;
      }
    }
    const reduced = dims.map((d, i) => (i < axis ? d : 1));
    const stat = (data: Float64Array): NdArray => ({ dtype: stashType(node), dims: reduced, data });
    return [{ dtype: x!.dtype, dims, data: y }, stat(mean), stat(inv)];
  },
};

export const NORMALIZATION_OPS: Record<string, OnnxOpDef> = {
  BatchNormalization: sameAsInputOp,
  InstanceNormalization: sameAsInputOp,
  LayerNormalization: layerNormalization,
  GroupNormalization: sameAsInputOp,
  RMSNormalization: sameAsInputOp,
  LRN: sameAsInputOp,
  MeanVarianceNormalization: sameAsInputOp,
  LpNormalization: sameAsInputOp,
};
