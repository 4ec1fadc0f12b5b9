/** Sequence* and Optional* ops: their results are sequence and optional types. Inference only. */
import type { DTypeName } from "../../ir/dtype.js";
import type { Dim } from "../../ir/shape.js";
import type { ValueType } from "../../ir/types.js";
import { dtypeAttr, type OnnxOpDef, type OutputType, valueTypeAsOutput } from "./op-def.js";

const seqOf = (elem: ValueType | undefined): OutputType => ({ type: { kind: "sequence", elem } });

function elemOf(t: ValueType | undefined): ValueType | undefined {
  return t?.kind === "sequence" || t?.kind === "optional" ? t.elem : undefined;
}

function tensorOf(dtype: DTypeName | undefined, shape?: readonly Dim[]): ValueType {
  return { kind: "tensor", dtype, shape };
}

export const SEQUENCE_OPS: Record<string, OnnxOpDef> = {
  SequenceEmpty: { infer: (ctx) => [seqOf(tensorOf(dtypeAttr(ctx.node, "dtype", "float32") ?? "float32"))] },
  SequenceConstruct: { infer: (ctx) => [seqOf(tensorOf(ctx.inputs[0]?.dtype))] },
  SequenceInsert: { infer: (ctx) => [seqOf(elemOf(ctx.inputs[0]?.type) ?? tensorOf(ctx.inputs[1]?.dtype))] },
  SequenceErase: { infer: (ctx) => [{ type: ctx.inputs[0]?.type }] },
  SequenceAt: { infer: (ctx) => [valueTypeAsOutput(elemOf(ctx.inputs[0]?.type))] },
  SequenceLength: { infer: () => [{ dtype: "int64", shape: [] }] },
  SplitToSequence: { infer: (ctx) => [seqOf(tensorOf(ctx.inputs[0]?.dtype))] },
  ConcatFromSequence: {
    infer(ctx) {
      const e = elemOf(ctx.inputs[0]?.type);
      return [{ dtype: e?.kind === "tensor" ? e.dtype : undefined }];
    },
  },
  SequenceMap: { infer: (ctx) => (ctx.node.getGraph("body")?.outputs ?? []).map((o) => seqOf(o.type)) },
  Optional: { infer: (ctx) => [{ type: { kind: "optional", elem: ctx.inputs[0]?.type } }] },
  OptionalHasElement: { infer: () => [{ dtype: "bool", shape: [] }] },
  OptionalGetElement: { infer: (ctx) => [valueTypeAsOutput(elemOf(ctx.inputs[0]?.type) ?? ctx.inputs[0]?.type)] },
};
