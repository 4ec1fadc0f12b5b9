/**
 * Ops that draw random values like their input (Bernoulli, RandomUniformLike,
 * RandomNormalLike): the input's shape, the type their `dtype` attribute names. Inference only.
 */
import { dtypeAttr, type InferContext, type OnnxOpDef, type OutputType } from "./op-def.js";

const likeInput = (ctx: InferContext): OutputType[] => [
  { dtype: dtypeAttr(ctx.node, "dtype", ctx.inputs[0]?.dtype), shape: ctx.inputs[0]?.shape },
];

export const RANDOM_OPS: Record<string, OnnxOpDef> = {
  Bernoulli: { infer: likeInput },
  RandomUniformLike: { infer: likeInput },
  RandomNormalLike: { infer: likeInput },
};
