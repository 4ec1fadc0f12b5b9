/**
 * Reductions and what reduces along an axis: Reduce*, ArgMax/ArgMin, TopK, Softmax/
 * LogSoftmax/Hardmax, CumSum/CumProd. The Reduce* ops also fold (shape subgraphs use
 * ReduceProd/ReduceSum on small int64 tensors).
 */
import type { Node } from "../../ir/node.js";
import { type Shape, shapeSize } from "../../ir/shape.js";
import { type NdArray, ndAlloc } from "../ndarray.js";
import { constInts, foldedInts, normalizeAxis, type OnnxOpDef, sameAsInputOp } from "./op-def.js";

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

/**
 * TopK along `axis`: the k largest (or smallest) values, sorted, with their indices; equal
 * values keep the lower index first, as ONNX requires. Values are compared in their own
 * storage class, so 64-bit integers stay exact. (sorted=0 leaves the order open; sorted it is.)
 */
function topK(x: NdArray, k: number, node: Node): NdArray[] {
  const dims = x.dims;
  const axis = normalizeAxis(node.getInt("axis", -1), dims.length);
  const largest = node.getInt("largest", 1) === 1;
  const outer = shapeSize(dims.slice(0, axis));
  const len = dims[axis]!;
  const inner = shapeSize(dims.slice(axis + 1));
  const outDims = dims.map((d, i) => (i === axis ? k : d));
  const values = ndAlloc(x.dtype, shapeSize(outDims));
  const indices = new BigInt64Array(values.length);
  const src = x.data;
  const order = Array.from({ length: len }, (_, i) => i);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      const at = (j: number) => src[base + j * inner]!;
      order.sort((a, b) => {
        const va = at(a);
        const vb = at(b);
        const before = largest ? va > vb : va < vb;
        return before ? -1 : va === vb ? a - b : 1;
      });
      for (let r = 0; r < k; r++) {
        const out = (o * k + r) * inner + i;
        (values as Float64Array)[out] = at(order[r]!) as number;
        indices[out] = BigInt(order[r]!);
      }
      for (let j = 0; j < len; j++) order[j] = j;
    }
  }
  return [
    { dtype: x.dtype, dims: outDims, data: values },
    { dtype: "int64", dims: outDims, data: indices },
  ];
}

export const REDUCTION_OPS: Record<string, OnnxOpDef> = {
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
  TopK: {
    infer(ctx) {
      const s = ctx.inputs[0]?.shape;
      const k = ctx.opset < 10 ? ctx.node.getInt("k") : constInts(ctx.inputs[1])?.[0];
      if (!s) return [{ dtype: ctx.inputs[0]?.dtype }, { dtype: "int64" }];
      const axis = normalizeAxis(ctx.node.getInt("axis", -1), s.length);
      const shape = s.map((d, i) => (i === axis ? (k ?? null) : d));
      return [
        { dtype: ctx.inputs[0]?.dtype, shape },
        { dtype: "int64", shape },
      ];
    },
    fold: ([x, kIn], { node, opset }) => topK(x!, opset < 10 ? node.getInt("k", 1) : foldedInts(kIn)[0]!, node),
  },
  Softmax: sameAsInputOp,
  LogSoftmax: sameAsInputOp,
  Hardmax: sameAsInputOp,
  CumSum: sameAsInputOp,
  CumProd: sameAsInputOp,
};
