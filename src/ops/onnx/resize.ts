/** Resize/Upsample, GridSample and AffineGrid, for shape and type inference. Inference only. */
import type { Dim } from "../../ir/shape.js";
import { constInts, normalizeAxis, type OnnxOpDef } from "./op-def.js";

/** Resize/Upsample: from `sizes`, or `scales` times the input shape. */
const resize: OnnxOpDef = {
  infer(ctx) {
    const x = ctx.inputs[0]?.shape;
    if (!x) return [{ dtype: ctx.inputs[0]?.dtype }];
    const isUpsample = ctx.node.opType === "Upsample";
    const scalesIdx = isUpsample ? 1 : ctx.opset < 11 ? 1 : 2;
    const sizes = !isUpsample && ctx.opset >= 11 ? constInts(ctx.inputs[3]) : undefined;
    const axes = ctx.opset >= 18 ? ctx.node.getInts("axes")?.map((a) => normalizeAxis(a, x.length)) : undefined;
    const all = axes ?? x.map((_, i) => i);
    if (sizes && sizes.length > 0) {
      const out: Dim[] = [...x];
      // Resize-18 keep_aspect_ratio_policy: one common scale, the largest that fits
      // ("not_larger") or the smallest that covers ("not_smaller"), rounded per axis.
      const policy = ctx.opset >= 18 ? ctx.node.getString("keep_aspect_ratio_policy", "stretch") : "stretch";
      if (policy !== "stretch") {
        const ins = all.map((a) => x[a]);
        if (ins.some((d) => typeof d !== "number")) return [{ dtype: ctx.inputs[0]?.dtype, shape: x.map(() => null) }];
        const ratios = all.map((_, i) => sizes[i]! / (ins[i] as number));
        const scale = policy === "not_larger" ? Math.min(...ratios) : Math.max(...ratios);
        for (const [i, axis] of all.entries()) out[axis] = Math.round(scale * (ins[i] as number));
      } else for (const [i, axis] of all.entries()) out[axis] = sizes[i]!;
      return [{ dtype: ctx.inputs[0]?.dtype, shape: out }];
    }
    const scalesT = isUpsample && ctx.opset < 9 ? ctx.node.getFloats("scales") : ctx.inputs[scalesIdx]?.value?.toFloat32();
    if (!scalesT || scalesT.length === 0) return [{ dtype: ctx.inputs[0]?.dtype, shape: x.map(() => null) }];
    const out: Dim[] = [...x];
    all.forEach((axis, i) => {
      const d = x[axis];
      out[axis] = typeof d === "number" ? Math.floor(d * scalesT[i]!) : null;
    });
    return [{ dtype: ctx.inputs[0]?.dtype, shape: out }];
  },
};

export const RESIZE_OPS: Record<string, OnnxOpDef> = {
  Resize: resize,
  Upsample: resize,
  GridSample: {
    infer(ctx) {
      const x = ctx.inputs[0]?.shape;
      const grid = ctx.inputs[1]?.shape;
      if (!x || !grid) return [{ dtype: ctx.inputs[0]?.dtype }];
      return [{ dtype: ctx.inputs[0]?.dtype, shape: [x[0] ?? null, x[1] ?? null, ...grid.slice(1, -1)] }];
    },
  },
  AffineGrid: {
    infer(ctx) {
      const size = constInts(ctx.inputs[1]);
      if (!size) return [{ dtype: ctx.inputs[0]?.dtype }];
      // size = [N, C, H, W] (2-D) or [N, C, D, H, W] (3-D): grid [N, spatial…, rank of spatial].
      const spatial = size.slice(2);
      return [{ dtype: ctx.inputs[0]?.dtype, shape: [size[0]!, ...spatial, spatial.length] }];
    },
  },
};
