/** Detection ONNX ops (NonMaxSuppression, RoiAlign), for shape and type inference. Inference only. */
import type { OnnxOpDef } from "./op-def.js";

export const DETECTION_OPS: Record<string, OnnxOpDef> = {
  // The number of selected boxes depends on the data.
  NonMaxSuppression: { infer: () => [{ dtype: "int64", shape: [null, 3] }] },
  RoiAlign: {
    infer(ctx) {
      const x = ctx.inputs[0]?.shape;
      const rois = ctx.inputs[1]?.shape;
      const h = ctx.node.getInt("output_height", 1);
      const w = ctx.node.getInt("output_width", 1);
      return [{ dtype: ctx.inputs[0]?.dtype, shape: [rois?.[0] ?? null, x?.[1] ?? null, h, w] }];
    },
  },
};
