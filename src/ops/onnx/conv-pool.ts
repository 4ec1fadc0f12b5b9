/**
 * Convolution and pooling ONNX ops, for shape and type inference: Conv, ConvTranspose,
 * DeformConv, the causal convolution of op set 26, MaxPool/AveragePool/LpPool and their
 * global forms, MaxUnpool, Col2Im. Inference only.
 */
import type { Node } from "../../ir/node.js";
import type { Dim, Shape } from "../../ir/shape.js";
import { constInts, type OnnxOpDef } from "./op-def.js";

/** Output size of one spatial axis of a convolution or pooling window. */
function windowOut(
  inSize: Dim,
  kernel: number,
  stride: number,
  dilation: number,
  padBegin: number,
  padEnd: number,
  autoPad: string,
  ceil: boolean,
): Dim {
  if (typeof inSize !== "number") return null;
  if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") return Math.ceil(inSize / stride);
  const effective = (kernel - 1) * dilation + 1;
  if (autoPad === "VALID") return Math.floor((inSize - effective) / stride) + 1;
  const span = inSize + padBegin + padEnd - effective;
  let out = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  // With ceil_mode, a window that would start entirely in the end padding is dropped.
  if (ceil && (out - 1) * stride >= inSize + padBegin) out--;
  return out;
}

function spatialOut(node: Node, x: Shape, kernel: readonly number[], ceil = false): Dim[] {
  const n = kernel.length;
  const strides = node.getInts("strides") ?? new Array<number>(n).fill(1);
  const dilations = node.getInts("dilations") ?? new Array<number>(n).fill(1);
  const pads = node.getInts("pads") ?? new Array<number>(2 * n).fill(0);
  const autoPad = node.getString("auto_pad", "NOTSET");
  return kernel.map((k, i) => windowOut(x[2 + i] ?? null, k, strides[i]!, dilations[i]!, pads[i]!, pads[i + n]!, autoPad, ceil));
}

const conv: OnnxOpDef = {
  infer(ctx) {
    const x = ctx.inputs[0]?.shape;
    const w = ctx.inputs[1]?.shape;
    if (!x || !w) return [{ dtype: ctx.inputs[0]?.dtype }];
    const kernel = ctx.node.getInts("kernel_shape") ?? w.slice(2).map((d) => (typeof d === "number" ? d : NaN));
    if (kernel.some(Number.isNaN)) return [{ dtype: ctx.inputs[0]?.dtype, shape: x.map(() => null) }];
    return [{ dtype: ctx.inputs[0]?.dtype, shape: [x[0] ?? null, w[0] ?? null, ...spatialOut(ctx.node, x, kernel)] }];
  },
};

const convTranspose: OnnxOpDef = {
  infer(ctx) {
    const x = ctx.inputs[0]?.shape;
    const w = ctx.inputs[1]?.shape;
    if (!x || !w) return [{ dtype: ctx.inputs[0]?.dtype }];
    const n = x.length - 2;
    const group = ctx.node.getInt("group", 1);
    const outC = typeof w[1] === "number" ? w[1] * group : null;
    const explicit = ctx.node.getInts("output_shape");
    if (explicit) return [{ dtype: ctx.inputs[0]?.dtype, shape: [x[0] ?? null, outC, ...explicit.slice(-n)] }];
    const kernel = ctx.node.getInts("kernel_shape") ?? w.slice(2).map((d) => (typeof d === "number" ? d : NaN));
    const strides = ctx.node.getInts("strides") ?? new Array<number>(n).fill(1);
    const dil = ctx.node.getInts("dilations") ?? new Array<number>(n).fill(1);
    const pads = ctx.node.getInts("pads") ?? new Array<number>(2 * n).fill(0);
    const outPad = ctx.node.getInts("output_padding") ?? new Array<number>(n).fill(0);
    const autoPad = ctx.node.getString("auto_pad", "NOTSET");
    const spatial = kernel.map((k, i) => {
      const d = x[2 + i];
      if (typeof d !== "number" || Number.isNaN(k)) return null;
      if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") return d * strides[i]!;
      return strides[i]! * (d - 1) + outPad[i]! + (k - 1) * dil[i]! + 1 - pads[i]! - pads[i + n]!;
    });
    return [{ dtype: ctx.inputs[0]?.dtype, shape: [x[0] ?? null, outC, ...spatial] }];
  },
};

const pool: OnnxOpDef = {
  infer(ctx) {
    const x = ctx.inputs[0]?.shape;
    const kernel = ctx.node.getInts("kernel_shape");
    if (!x || !kernel) return [{ dtype: ctx.inputs[0]?.dtype }, { dtype: "int64" }];
    const shape = [x[0] ?? null, x[1] ?? null, ...spatialOut(ctx.node, x, kernel, ctx.node.getInt("ceil_mode", 0) === 1)];
    return [
      { dtype: ctx.inputs[0]?.dtype, shape },
      { dtype: "int64", shape },
    ];
  },
};

const globalPool: OnnxOpDef = {
  infer(ctx) {
    const x = ctx.inputs[0]?.shape;
    return [{ dtype: ctx.inputs[0]?.dtype, shape: x ? [x[0] ?? null, x[1] ?? null, ...x.slice(2).map(() => 1)] : undefined }];
  },
};

export const CONV_POOL_OPS: Record<string, OnnxOpDef> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  DeformConv: {
    infer(ctx) {
      const x = ctx.inputs[0]?.shape;
      const w = ctx.inputs[1]?.shape;
      const off = ctx.inputs[2]?.shape;
      if (!x || !w || !off) return [{ dtype: ctx.inputs[0]?.dtype }];
      return [{ dtype: ctx.inputs[0]?.dtype, shape: [x[0] ?? null, w[0] ?? null, ...off.slice(2)] }];
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
  MaxPool: pool,
  AveragePool: pool,
  LpPool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
  MaxUnpool: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: constInts(ctx.inputs[2]) }] },
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
