/**
 * Inference for ops with sequence/optional values and for loops: the Sequence* family,
 * Optional*, Loop and Scan (loop-carried values keep their types; scan outputs gain a
 * leading iteration axis), SplitToSequence/ConcatFromSequence, DFT/STFT, and a few ops whose
 * result shape depends on data (ImageDecoder, StringSplit, TfIdfVectorizer).
 */

import { isAttributeRef } from "../../ir/attribute.js";
import { type DTypeName, dtypeFromOnnx } from "../../ir/dtype.js";
import type { Graph } from "../../ir/graph.js";
import type { Dim } from "../../ir/shape.js";
import type { ValueType } from "../../ir/types.js";
import { constInts, type InferContext, normalizeAxis, type OnnxOpDef, type OutputType } from "./op-def.js";

const seqOf = (elem: ValueType | undefined): OutputType => ({ type: { kind: "sequence", elem } });

function elemOf(t: ValueType | undefined): ValueType | undefined {
  return t?.kind === "sequence" || t?.kind === "optional" ? t.elem : undefined;
}

function tensorOf(dtype: DTypeName | undefined, shape?: readonly Dim[]): ValueType {
  return { kind: "tensor", dtype, shape };
}

function body(ctx: InferContext, name: string): Graph | undefined {
  const a = ctx.node.attributes.get(name);
  return a && !isAttributeRef(a) && a.type === "graph" ? a.value : undefined;
}

const asOutput = (t: ValueType | undefined): OutputType | undefined =>
  t === undefined ? undefined : t.kind === "tensor" ? { dtype: t.dtype, shape: t.shape } : { type: t };

export const CONTAINER_OPS: Record<string, OnnxOpDef> = {
  SequenceEmpty: { infer: (ctx) => [seqOf(tensorOf(dtypeFromOnnx(ctx.node.getInt("dtype", 1)) ?? "float32"))] },
  SequenceConstruct: { infer: (ctx) => [seqOf(tensorOf(ctx.inputs[0]?.dtype))] },
  SequenceInsert: { infer: (ctx) => [seqOf(elemOf(ctx.inputs[0]?.type) ?? tensorOf(ctx.inputs[1]?.dtype))] },
  SequenceErase: { infer: (ctx) => [{ type: ctx.inputs[0]?.type }] },
  SequenceAt: { infer: (ctx) => [asOutput(elemOf(ctx.inputs[0]?.type))] },
  SequenceLength: { infer: () => [{ dtype: "int64", shape: [] }] },
  SplitToSequence: { infer: (ctx) => [seqOf(tensorOf(ctx.inputs[0]?.dtype))] },
  ConcatFromSequence: {
    infer(ctx) {
      const e = elemOf(ctx.inputs[0]?.type);
      return [{ dtype: e?.kind === "tensor" ? e.dtype : undefined }];
    },
  },
  SequenceMap: { infer: (ctx) => (body(ctx, "body")?.outputs ?? []).map((o) => seqOf(o.type)) },
  Optional: { infer: (ctx) => [{ type: { kind: "optional", elem: ctx.inputs[0]?.type } }] },
  OptionalHasElement: { infer: () => [{ dtype: "bool", shape: [] }] },
  OptionalGetElement: { infer: (ctx) => [asOutput(elemOf(ctx.inputs[0]?.type) ?? ctx.inputs[0]?.type)] },
  Loop: {
    // Outputs: the final loop-carried values (typed like inputs 2…), then scan outputs
    // (the body's extra outputs, stacked along a new leading axis of unknown length).
    infer(ctx) {
      const b = body(ctx, "body");
      const carried = ctx.node.inputs.length - 2;
      return ctx.node.outputs.map((_, i) => {
        if (i < carried) return asOutput(ctx.inputs[i + 2]?.type);
        const t = b?.outputs[i + 1]?.type;
        return t?.kind === "tensor" ? { dtype: t.dtype, shape: t.shape ? [null, ...t.shape] : undefined } : undefined;
      });
    },
  },
  Scan: {
    infer(ctx) {
      const b = body(ctx, "body");
      const states = ctx.node.inputs.length - (ctx.node.getInt("num_scan_inputs") ?? 0) - (ctx.opset < 9 ? 1 : 0);
      return ctx.node.outputs.map((_, i) => {
        if (i < states) return asOutput(ctx.inputs[i + (ctx.opset < 9 ? 1 : 0)]?.type);
        const t = b?.outputs[i]?.type;
        return t?.kind === "tensor" ? { dtype: t.dtype, shape: t.shape ? [null, ...t.shape] : undefined } : undefined;
      });
    },
  },
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
  StringSplit: { infer: (ctx) => [{ dtype: "string" }, { dtype: "int64", shape: ctx.inputs[0]?.shape }] },
  TfIdfVectorizer: {
    infer: (ctx) => [{ dtype: "float32", shape: ctx.inputs[0]?.shape?.length === 2 ? [ctx.inputs[0]!.shape![0]!, null] : [null] }],
  },
  Col2Im: {
    infer(ctx) {
      const x = ctx.inputs[0]?.shape;
      const image = constInts(ctx.inputs[1]);
      const block = constInts(ctx.inputs[2]);
      if (!x || !image || !block) return [{ dtype: ctx.inputs[0]?.dtype }];
      const c = typeof x[1] === "number" ? x[1] / block.reduce((a, b) => a * b, 1) : null;
      return [{ dtype: ctx.inputs[0]?.dtype, shape: [x[0] ?? null, c, ...image] }];
    },
  },
};
