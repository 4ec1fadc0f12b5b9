/**
 * Signal processing (DFT, STFT, the window functions, MelWeightMatrix) and ImageDecoder, for
 * shape and type inference. Inference only.
 */
import type { Dim } from "../../ir/shape.js";
import { constInts, dtypeAttr, normalizeAxis, type OnnxOpDef } from "./op-def.js";

const window: OnnxOpDef = {
  infer(ctx) {
    const size = constInts(ctx.inputs[0])?.[0];
    return [{ dtype: dtypeAttr(ctx.node, "output_datatype", "float32") ?? "float32", shape: [size ?? null] }];
  },
};

export const SIGNAL_OPS: Record<string, OnnxOpDef> = {
  DFT: {
    // The output is complex (a trailing axis of 2); with onesided only the first n/2+1 bins.
    infer(ctx) {
      const x = ctx.inputs[0]?.shape;
      if (!x) return [{ dtype: ctx.inputs[0]?.dtype }];
      const axis = normalizeAxis(ctx.opset >= 20 ? (constInts(ctx.inputs[2])?.[0] ?? -2) : ctx.node.getInt("axis", 1), x.length);
      const inverse = ctx.node.getInt("inverse", 0) === 1;
      const onesided = ctx.node.getInt("onesided", 0) === 1;
      const len = constInts(ctx.inputs[1])?.[0];
      const out: Dim[] = [...x];
      const bins = x[axis] ?? null;
      if (inverse && onesided) {
        // Inverse of a one-sided spectrum: real output of the full length.
        out[axis] = len ?? (typeof bins === "number" ? 2 * (bins - 1) : null);
        out[out.length - 1] = 1;
      } else {
        const n = len ?? bins;
        out[axis] = onesided && typeof n === "number" ? Math.floor(n / 2) + 1 : n;
        out[out.length - 1] = 2;
      }
      return [{ dtype: ctx.inputs[0]?.dtype, shape: out }];
    },
  },
  STFT: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype }] },
  ImageDecoder: { infer: () => [{ dtype: "uint8", shape: [null, null, null] }] },
  BlackmanWindow: window,
  HammingWindow: window,
  HannWindow: window,
  MelWeightMatrix: {
    infer(ctx) {
      const bins = constInts(ctx.inputs[0])?.[0];
      const dft = constInts(ctx.inputs[1])?.[0];
      const dtype = dtypeAttr(ctx.node, "output_datatype", "float32") ?? "float32";
      return [{ dtype, shape: [dft === undefined ? null : Math.floor(dft / 2) + 1, bins ?? null] }];
    },
  },
};
