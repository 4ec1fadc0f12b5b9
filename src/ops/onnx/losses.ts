/** The training losses, for shape and type inference. Inference only. */
import type { OnnxOpDef, OutputType } from "./op-def.js";

/** Loss ops: a scalar unless reduction="none", then the target's shape. */
function loss(targetIndex: number, extraLogProb: boolean): OnnxOpDef {
  return {
    infer(ctx) {
      const reduction = ctx.node.getString("reduction", "mean");
      const out: OutputType = { dtype: ctx.inputs[0]?.dtype, shape: reduction === "none" ? ctx.inputs[targetIndex]?.shape : [] };
      return extraLogProb ? [out, { dtype: ctx.inputs[0]?.dtype, shape: ctx.inputs[0]?.shape }] : [out];
    },
  };
}

export const LOSSES_OPS: Record<string, OnnxOpDef> = {
  NegativeLogLikelihoodLoss: loss(1, false),
  SoftmaxCrossEntropyLoss: loss(1, true),
};
