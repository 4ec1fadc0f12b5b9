/**
 * Neural-network ONNX ops, for shape and type inference: convolutions, pooling, Gemm/MatMul,
 * normalisations, Softmax, Resize/Upsample, reductions, ArgMax/ArgMin. Reductions also fold
 * (shape subgraphs use ReduceProd/ReduceSum on small int64 tensors).
 */
import type { Node } from "../../ir/node.js";
import { type Dim, type Shape, shapeSize } from "../../ir/shape.js";
import { ndAlloc } from "../ndarray.js";
import { constInts, type InferContext, normalizeAxis, type OnnxOpDef, type OutputType } from "./op-def.js";

const sameAsInput0 = (ctx: InferContext): OutputType[] => [{ dtype: ctx.inputs[0]?.dtype, shape: ctx.inputs[0]?.shape }];

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

const gemm: OnnxOpDef = {
  infer(ctx) {
    const a = ctx.inputs[0]?.shape;
    const b = ctx.inputs[1]?.shape;
    if (!a || !b) return [{ dtype: ctx.inputs[0]?.dtype }];
    const m = ctx.node.getInt("transA", 0) ? a[1] : a[0];
    const n = ctx.node.getInt("transB", 0) ? b[0] : b[1];
    return [{ dtype: ctx.inputs[0]?.dtype, shape: [m ?? null, n ?? null] }];
  },
};

const matmul: OnnxOpDef = {
  infer(ctx) {
    const a = ctx.inputs[0]?.shape;
    const b = ctx.inputs[1]?.shape;
    if (!a || !b) return [{ dtype: ctx.inputs[0]?.dtype }];
    const a2 = a.length === 1 ? [1, a[0]!] : a;
    const b2 = b.length === 1 ? [b[0]!, 1] : b;
    const batchA = a2.slice(0, -2);
    const batchB = b2.slice(0, -2);
    const rank = Math.max(batchA.length, batchB.length);
    const batch: Dim[] = [];
    for (let i = 0; i < rank; i++) {
      const ka = batchA.length - rank + i;
      const kb = batchB.length - rank + i;
      const x: Dim = ka < 0 ? 1 : batchA[ka]!;
      const y: Dim = kb < 0 ? 1 : batchB[kb]!;
      batch.push(x === 1 ? y : y === 1 ? x : x === y ? x : typeof x === "number" ? x : null);
    }
    const out: Dim[] = [...batch];
    if (a.length > 1) out.push(a2[a2.length - 2] ?? null);
    if (b.length > 1) out.push(b2[b2.length - 1] ?? null);
    return [{ dtype: ctx.inputs[0]?.dtype, shape: out }];
  },
};

/** Resize/Upsample: from `sizes`, or `scales` times the input shape. */
const resize: OnnxOpDef = {
  infer(ctx) {
    const x = ctx.inputs[0]?.shape;
    if (!x) return [{ dtype: ctx.inputs[0]?.dtype }];
    const isUpsample = ctx.node.opType === "Upsample";
    const scalesIdx = isUpsample ? 1 : ctx.opset < 11 ? 1 : 2;
    const sizes = !isUpsample && ctx.opset >= 11 ? constInts(ctx.inputs[3]) : undefined;
    const axes = ctx.opset >= 18 ? ctx.node.getInts("axes")?.map((a) => normalizeAxis(a, x.length)) : undefined;
    const all = axes ?? x.map((_, i) => i);
    if (sizes && sizes.length > 0) {
      const out: Dim[] = [...x];
      // Resize-18 keep_aspect_ratio_policy: one common scale, the largest that fits
      // ("not_larger") or the smallest that covers ("not_smaller"), rounded per axis.
      const policy = ctx.opset >= 18 ? ctx.node.getString("keep_aspect_ratio_policy", "stretch") : "stretch";
      if (policy !== "stretch") {
        const ins = all.map((a) => x[a]);
        if (ins.some((d) => typeof d !== "number")) return [{ dtype: ctx.inputs[0]?.dtype, shape: x.map(() => null) }];
        const ratios = all.map((_, i) => sizes[i]! / (ins[i] as number));
        const scale = policy === "not_larger" ? Math.min(...ratios) : Math.max(...ratios);
        for (const [i, axis] of all.entries()) out[axis] = Math.round(scale * (ins[i] as number));
      } else for (const [i, axis] of all.entries()) out[axis] = sizes[i]!;
      return [{ dtype: ctx.inputs[0]?.dtype, shape: out }];
    }
    const scalesT = isUpsample && ctx.opset < 9 ? ctx.node.getFloats("scales") : ctx.inputs[scalesIdx]?.value?.toFloat32();
    if (!scalesT || scalesT.length === 0) return [{ dtype: ctx.inputs[0]?.dtype, shape: x.map(() => null) }];
    const out: Dim[] = [...x];
    all.forEach((axis, i) => {
      const d = x[axis];
      out[axis] = typeof d === "number" ? Math.floor(d * scalesT[i]!) : null;
    });
    return [{ dtype: ctx.inputs[0]?.dtype, shape: out }];
  },
};

/** Axes of a reduction: attribute before the op's "axes as input" version, input after. */
function reduceAxes(
  node: Node,
  opset: number,
  axesInput: readonly number[] | undefined,
  hasAxesInput: boolean,
): { axes: readonly number[] | undefined; known: boolean } {
  const inputSince = node.opType === "ReduceSum" ? 13 : 18;
  if (opset < inputSince) return { axes: node.getInts("axes"), known: true };
  if (!hasAxesInput) return { axes: undefined, known: true };
  return { axes: axesInput, known: axesInput !== undefined };
}

function reduceShape(x: Shape, axes: readonly number[] | undefined, keep: boolean, noopEmpty: boolean): Shape {
  if (!axes || axes.length === 0) {
    if (noopEmpty) return x;
    return keep ? x.map(() => 1) : [];
  }
  const set = new Set(axes.map((a) => normalizeAxis(a, x.length)));
  return keep ? x.map((d, i) => (set.has(i) ? 1 : d)) : x.filter((_, i) => !set.has(i));
}

function reduce(init: number, step: (acc: number, v: number) => number, finish: (acc: number, n: number) => number = (a) => a): OnnxOpDef {
  return {
    infer(ctx) {
      const x = ctx.inputs[0]?.shape;
      const { axes, known } = reduceAxes(ctx.node, ctx.opset, constInts(ctx.inputs[1]), ctx.node.inputs[1] !== undefined);
      if (!x || !known) return [{ dtype: ctx.inputs[0]?.dtype }];
      return [
        {
          dtype: ctx.inputs[0]?.dtype,
          shape: reduceShape(x, axes, ctx.node.getInt("keepdims", 1) === 1, ctx.node.getInt("noop_with_empty_axes", 0) === 1),
        },
      ];
    },
    fold([x, axesIn], { node, opset }) {
      // The kernel's own argument says whether axes were given (callers may pass a bare node).
      const { axes } = reduceAxes(
        node,
        opset,
        axesIn ? Array.from(axesIn.data as ArrayLike<number | bigint>, Number) : undefined,
        axesIn !== undefined,
      );
      const keep = node.getInt("keepdims", 1) === 1;
      const noop = node.getInt("noop_with_empty_axes", 0) === 1;
      if ((!axes || axes.length === 0) && noop) return [x!];
      const rank = x!.dims.length;
      const set = new Set((axes && axes.length ? axes : x!.dims.map((_, i) => i)).map((a) => normalizeAxis(a, rank)));
      const outDims = x!.dims.map((d, i) => (set.has(i) ? 1 : d));
      const n = shapeSize(outDims);
      const acc = new Float64Array(n).fill(init);
      const count = shapeSize(x!.dims) / Math.max(n, 1);
      const counter = new Array<number>(rank).fill(0);
      const outStrides = outDims.map((_, i) => shapeSize(outDims.slice(i + 1)));
      for (let i = 0; i < x!.data.length; i++) {
        let o = 0;
        for (let d = 0; d < rank; d++) if (!set.has(d)) o += counter[d]! * outStrides[d]!;
        acc[o] = step(acc[o]!, Number(x!.data[i]));
        for (let d = rank - 1; d >= 0; d--) {
          if (++counter[d]! < x!.dims[d]!) break;
          counter[d] = 0;
        }
      }
      const out = ndAlloc(x!.dtype, n);
      for (let i = 0; i < n; i++) {
        const v = finish(acc[i]!, count);
        (out as Float64Array)[i] = (out instanceof BigInt64Array ? BigInt(Math.trunc(v)) : v) as number;
      }
      return [{ dtype: x!.dtype, dims: keep ? outDims : x!.dims.filter((_, i) => !set.has(i)), data: out }];
    },
  };
}

const argReduce: OnnxOpDef = {
  infer(ctx) {
    const x = ctx.inputs[0]?.shape;
    if (!x) return [{ dtype: "int64" }];
    const axis = normalizeAxis(ctx.node.getInt("axis", 0), x.length);
    const keep = ctx.node.getInt("keepdims", 1) === 1;
    return [{ dtype: "int64", shape: keep ? x.map((d, i) => (i === axis ? 1 : d)) : x.filter((_, i) => i !== axis) }];
  },
};

export const NN_OPS: Record<string, OnnxOpDef> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool,
  AveragePool: pool,
  LpPool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
  Gemm: gemm,
  MatMul: matmul,
  BatchNormalization: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: ctx.inputs[0]?.shape }] },
  InstanceNormalization: { infer: sameAsInput0 },
  LayerNormalization: { infer: sameAsInput0 },
  GroupNormalization: { infer: sameAsInput0 },
  LRN: { infer: sameAsInput0 },
  Softmax: { infer: sameAsInput0 },
  LogSoftmax: { infer: sameAsInput0 },
  Hardmax: { infer: sameAsInput0 },
  Gelu: { infer: sameAsInput0 },
  Mish: { infer: sameAsInput0 },
  Resize: resize,
  Upsample: resize,
  ReduceSum: reduce(0, (a, v) => a + v),
  ReduceMean: reduce(
    0,
    (a, v) => a + v,
    (a, n) => a / n,
  ),
  ReduceProd: reduce(1, (a, v) => a * v),
  ReduceMax: reduce(-Infinity, (a, v) => (v > a ? v : a)),
  ReduceMin: reduce(Infinity, (a, v) => (v < a ? v : a)),
  ReduceL1: reduce(0, (a, v) => a + Math.abs(v)),
  ReduceL2: reduce(
    0,
    (a, v) => a + v * v,
    (a) => Math.sqrt(a),
  ),
  ReduceSumSquare: reduce(0, (a, v) => a + v * v),
  ReduceLogSumExp: reduce(
    0,
    (a, v) => a + Math.exp(v),
    (a) => Math.log(a),
  ),
  ReduceLogSum: reduce(
    0,
    (a, v) => a + v,
    (a) => Math.log(a),
  ),
  ArgMax: argReduce,
  ArgMin: argReduce,
};
