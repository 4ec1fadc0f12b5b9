/** String ops, for shape and type inference. Inference only. */
import { broadcastShapes, type OnnxOpDef } from "./op-def.js";

export const STRINGS_OPS: Record<string, OnnxOpDef> = {
  StringNormalizer: {
    infer: (ctx) => [{ dtype: "string", shape: ctx.inputs[0]?.shape?.map((d, i, s) => (i === s.length - 1 ? null : d)) }],
  },
  StringConcat: { infer: (ctx) => [{ dtype: "string", shape: broadcastShapes([ctx.inputs[0]?.shape, ctx.inputs[1]?.shape]) }] },
  RegexFullMatch: { infer: (ctx) => [{ dtype: "bool", shape: ctx.inputs[0]?.shape }] },
  StringSplit: { infer: (ctx) => [{ dtype: "string" }, { dtype: "int64", shape: ctx.inputs[0]?.shape }] },
  TfIdfVectorizer: {
    infer: (ctx) => [{ dtype: "float32", shape: ctx.inputs[0]?.shape?.length === 2 ? [ctx.inputs[0]!.shape![0]!, null] : [null] }],
  },
};
