/** Linear algebra beyond MatMul (Det), for shape and type inference. Inference only. */
import type { OnnxOpDef } from "./op-def.js";

export const LINALG_OPS: Record<string, OnnxOpDef> = {
  Det: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: ctx.inputs[0]?.shape?.slice(0, -2) }] },
};
