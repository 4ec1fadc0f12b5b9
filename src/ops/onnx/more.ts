/**
 * Shape/type inference for the less common ops of the corpus: losses, recurrent layers
 * (RNN/GRU/LSTM), GridSample, Einsum, If, GatherND, integer and quantised Conv/MatMul,
 * window functions, string ops, Det, DeformConv, CenterCropPad. Inference only.
 */

import { isAttributeRef } from "../../ir/attribute.js";
import { dtypeFromOnnx, dtypeInfo } from "../../ir/dtype.js";
import type { Dim, Shape } from "../../ir/shape.js";
import type { TensorType } from "../../ir/types.js";
import { broadcastShapes } from "./elementwise.js";
import { NN_OPS } from "./nn.js";
import { constInts, type InferContext, normalizeAxis, type OnnxOpDef, type OutputType } from "./op-def.js";

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

/** RNN, GRU, LSTM: Y [seq, dirs, batch, hidden] and Y_h (and LSTM's Y_c) [dirs, batch, hidden]; layout=1 puts batch first. */
const recurrent: OnnxOpDef = {
  infer(ctx) {
    const x = ctx.inputs[0]?.shape;
    const hidden = ctx.node.getInt("hidden_size") ?? null;
    const dirs = ctx.node.getString("direction", "forward") === "bidirectional" ? 2 : 1;
    const dtype = ctx.inputs[0]?.dtype;
    const n = ctx.node.outputs.length;
    if (!x || x.length !== 3) return Array.from({ length: n }, () => ({ dtype }));
    const batchFirst = ctx.node.getInt("layout", 0) === 1;
    const seq = batchFirst ? x[1]! : x[0]!;
    const batch = batchFirst ? x[0]! : x[1]!;
    const y: Shape = batchFirst ? [batch, seq, dirs, hidden] : [seq, dirs, batch, hidden];
    const state: Shape = batchFirst ? [batch, dirs, hidden] : [dirs, batch, hidden];
    return [
      { dtype, shape: y },
      { dtype, shape: state },
      { dtype, shape: state },
    ].slice(0, n);
  },
};

/** Einsum with explicit or implicit output; equations with "..." are left unknown. */
const einsum: OnnxOpDef = {
  infer(ctx) {
    const eq = ctx.node.getString("equation", "").replace(/\s/g, "");
    const dtype = ctx.inputs[0]?.dtype;
    if (eq.includes(".")) return [{ dtype }];
    const [lhs, rhs] = eq.split("->") as [string, string | undefined];
    const terms = lhs.split(",");
    const sizes = new Map<string, Dim>();
    const counts = new Map<string, number>();
    terms.forEach((t, i) => {
      const s = ctx.inputs[i]?.shape;
      [...t].forEach((c, k) => {
        counts.set(c, (counts.get(c) ?? 0) + 1);
        const d = s?.[k] ?? null;
        if (typeof d === "number" && d !== 1) sizes.set(c, d);
        else if (!sizes.has(c) || sizes.get(c) === 1) sizes.set(c, d);
      });
    });
    const out =
      rhs ??
      [...counts]
        .filter(([, n]) => n === 1)
        .map(([c]) => c)
        .sort()
        .join("");
    return [{ dtype, shape: [...out].map((c) => sizes.get(c) ?? null) }];
  },
};

/** If: each output has the branches' type when both agree (shapes merged dim by dim). */
const ifOp: OnnxOpDef = {
  infer(ctx) {
    const branch = (name: string) => {
      const a = ctx.node.attributes.get(name);
      return a && !isAttributeRef(a) && a.type === "graph" ? a.value : undefined;
    };
    const then = branch("then_branch");
    const other = branch("else_branch");
    return ctx.node.outputs.map((_, i) => {
      const a = then?.outputs[i]?.type as TensorType | undefined;
      const b = other?.outputs[i]?.type as TensorType | undefined;
      if (a?.kind !== "tensor" || b?.kind !== "tensor") return undefined;
      const dtype = a.dtype === b.dtype ? a.dtype : undefined;
      const shape =
        a.shape && b.shape && a.shape.length === b.shape.length ? a.shape.map((d, k) => (d === b.shape![k] ? d : null)) : undefined;
      return { dtype, shape };
    });
  },
};

const gatherND: OnnxOpDef = {
  infer(ctx) {
    const data = ctx.inputs[0]?.shape;
    const idx = ctx.inputs[1]?.shape;
    const batch = ctx.node.getInt("batch_dims", 0);
    const last = idx?.[idx.length - 1];
    if (!data || !idx || typeof last !== "number") return [{ dtype: ctx.inputs[0]?.dtype }];
    return [{ dtype: ctx.inputs[0]?.dtype, shape: [...idx.slice(0, -1), ...data.slice(batch + last)] }];
  },
};

/** Conv/MatMul shape with another output type (integer and quantised forms). */
function reshaped(base: OnnxOpDef, inputs: number[], dtype: (ctx: InferContext) => OutputType["dtype"]): OnnxOpDef {
  return {
    infer(ctx) {
      const view: InferContext = { node: ctx.node, opset: ctx.opset, inputs: inputs.map((i) => ctx.inputs[i]) };
      return [{ dtype: dtype(ctx), shape: base.infer!(view)[0]?.shape }];
    },
  };
}

const window: OnnxOpDef = {
  infer(ctx) {
    const size = constInts(ctx.inputs[0])?.[0];
    return [{ dtype: dtypeFromOnnx(ctx.node.getInt("output_datatype", 1)) ?? "float32", shape: [size ?? null] }];
  },
};

export const MORE_OPS: Record<string, OnnxOpDef> = {
  NegativeLogLikelihoodLoss: loss(1, false),
  SoftmaxCrossEntropyLoss: loss(1, true),
  RNN: recurrent,
  GRU: recurrent,
  LSTM: recurrent,
  GridSample: {
    infer(ctx) {
      const x = ctx.inputs[0]?.shape;
      const grid = ctx.inputs[1]?.shape;
      if (!x || !grid) return [{ dtype: ctx.inputs[0]?.dtype }];
      return [{ dtype: ctx.inputs[0]?.dtype, shape: [x[0] ?? null, x[1] ?? null, ...grid.slice(1, -1)] }];
    },
  },
  Einsum: einsum,
  If: ifOp,
  GatherND: gatherND,
  ConvInteger: reshaped(NN_OPS.Conv!, [0, 1], () => "int32"),
  QLinearConv: reshaped(NN_OPS.Conv!, [0, 3], (ctx) => ctx.inputs[7]?.dtype),
  MatMulInteger: reshaped(NN_OPS.MatMul!, [0, 1], () => "int32"),
  QLinearMatMul: reshaped(NN_OPS.MatMul!, [0, 3], (ctx) => ctx.inputs[7]?.dtype),
  DeformConv: {
    infer(ctx) {
      const x = ctx.inputs[0]?.shape;
      const w = ctx.inputs[1]?.shape;
      const off = ctx.inputs[2]?.shape;
      if (!x || !w || !off) return [{ dtype: ctx.inputs[0]?.dtype }];
      return [{ dtype: ctx.inputs[0]?.dtype, shape: [x[0] ?? null, w[0] ?? null, ...off.slice(2)] }];
    },
  },
  Det: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: ctx.inputs[0]?.shape?.slice(0, -2) }] },
  BlackmanWindow: window,
  HammingWindow: window,
  HannWindow: window,
  CenterCropPad: {
    infer(ctx) {
      const x = ctx.inputs[0]?.shape;
      const target = constInts(ctx.inputs[1]);
      if (!x || !target) return [{ dtype: ctx.inputs[0]?.dtype }];
      const axes = (ctx.node.getInts("axes") ?? x.map((_, i) => i)).map((a) => normalizeAxis(a, x.length));
      const out: Dim[] = [...x];
      for (const [i, a] of axes.entries()) out[a] = target[i]!;
      return [{ dtype: ctx.inputs[0]?.dtype, shape: out }];
    },
  },
  StringNormalizer: {
    infer: (ctx) => [{ dtype: "string", shape: ctx.inputs[0]?.shape?.map((d, i, s) => (i === s.length - 1 ? null : d)) }],
  },
  StringConcat: { infer: (ctx) => [{ dtype: "string", shape: broadcastShapes([ctx.inputs[0]?.shape, ctx.inputs[1]?.shape]) }] },
  RegexFullMatch: { infer: (ctx) => [{ dtype: "bool", shape: ctx.inputs[0]?.shape }] },
  MaxUnpool: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: constInts(ctx.inputs[2]) }] },
  // Op set 26 additions.
  BitCast: {
    // Same bytes, other type: equal widths keep the shape; a narrower type adds a last axis of the
    // width ratio, a wider one consumes it.
    infer(ctx) {
      const to = dtypeFromOnnx(ctx.node.getInt("to", 0));
      const from = ctx.inputs[0]?.dtype;
      const s = ctx.inputs[0]?.shape;
      if (!to || !from || !s) return [{ dtype: to }];
      const wi = dtypeInfo(from).bits;
      const wo = dtypeInfo(to).bits;
      return [{ dtype: to, shape: wi === wo ? s : wi > wo ? [...s, wi / wo] : s.slice(0, -1) }];
    },
  },
  CausalConvWithState: {
    // Y like X [B, C, T]; the new state keeps the last K−1 steps: [B, C, K−1].
    infer(ctx) {
      const x = ctx.inputs[0]?.shape;
      const k = ctx.inputs[1]?.shape?.[2];
      const dtype = ctx.inputs[0]?.dtype;
      return [
        { dtype, shape: x },
        { dtype, shape: x ? [x[0] ?? null, x[1] ?? null, typeof k === "number" ? k - 1 : null] : undefined },
      ];
    },
  },
  LinearAttention: {
    // Y like Q; the state is [B, kv_heads, d_k, d_v].
    infer(ctx) {
      const q = ctx.inputs[0]?.shape;
      const k = ctx.inputs[1]?.shape;
      const v = ctx.inputs[2]?.shape;
      const heads = ctx.node.getInt("kv_num_heads");
      const dtype = ctx.inputs[0]?.dtype;
      const per = (d: Dim | undefined) => (typeof d === "number" && heads ? d / heads : null);
      return [
        { dtype, shape: q },
        { dtype, shape: q && k && v && heads ? [q[0] ?? null, heads, per(k[2]), per(v[2])] : undefined },
      ];
    },
  },
  SwiGLU: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: broadcastShapes([ctx.inputs[0]?.shape, ctx.inputs[1]?.shape]) }] },
  TensorScatter: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: ctx.inputs[0]?.shape }] },
  MelWeightMatrix: {
    infer(ctx) {
      const bins = constInts(ctx.inputs[0])?.[0];
      const dft = constInts(ctx.inputs[1])?.[0];
      const dtype = dtypeFromOnnx(ctx.node.getInt("output_datatype", 1)) ?? "float32";
      return [{ dtype, shape: [dft === undefined ? null : Math.floor(dft / 2) + 1, bins ?? null] }];
    },
  },
  RotaryEmbedding: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: ctx.inputs[0]?.shape }] },
  RoiAlign: {
    infer(ctx) {
      const x = ctx.inputs[0]?.shape;
      const rois = ctx.inputs[1]?.shape;
      const h = ctx.node.getInt("output_height", 1);
      const w = ctx.node.getInt("output_width", 1);
      return [{ dtype: ctx.inputs[0]?.dtype, shape: [rois?.[0] ?? null, x?.[1] ?? null, h, w] }];
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
  Attention: {
    // Y only: 4-D Q [B, Hq, Sq, d] gives [B, Hq, Sq, dv]; 3-D Q [B, Sq, Hq·d] gives [B, Sq, Hq·dv].
    infer(ctx) {
      const q = ctx.inputs[0]?.shape;
      const v = ctx.inputs[2]?.shape;
      const dtype = ctx.inputs[0]?.dtype;
      const rest = ctx.node.outputs.slice(1).map(() => undefined);
      if (!q || !v) return [{ dtype }, ...rest];
      if (q.length === 4 && v.length === 4) return [{ dtype, shape: [q[0]!, q[1]!, q[2]!, v[3]!] }, ...rest];
      const qHeads = ctx.node.getInt("q_num_heads");
      const kvHeads = ctx.node.getInt("kv_num_heads");
      const vHidden = v[2];
      if (q.length === 3 && v.length === 3 && qHeads && kvHeads && typeof vHidden === "number") {
        return [{ dtype, shape: [q[0]!, q[1]!, qHeads * (vHidden / kvHeads)] }, ...rest];
      }
      return [{ dtype }, ...rest];
    },
  },
};
