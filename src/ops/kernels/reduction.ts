/**
 * Reductions over axes and the softmax family, shared by the op tables. Semantics are the
 * ONNX kernels': every reduction visits its elements in increasing flat index (so sums round
 * the same way whichever table calls them), in double; 64-bit integer results are truncated.
 */
import { shapeSize, stridesOf } from "../../ir/shape.js";
import { type NdArray, ndAlloc } from "../ndarray.js";

export type ReduceKind = "sum" | "mean" | "prod" | "max" | "min" | "l1" | "l2" | "sumSquare" | "logSumExp" | "logSum";

const INITIAL: Record<ReduceKind, number> = {
  sum: 0,
  mean: 0,
  prod: 1,
  max: -Infinity,
  min: Infinity,
  l1: 0,
  l2: 0,
  sumSquare: 0,
  logSumExp: 0,
  logSum: 0,
};

/** For each input element (flat order), the flat index of the output element it reduces into. */
function reductionTargets(dims: readonly number[], reduced: ReadonlySet<number>): Int32Array {
  const rank = dims.length;
  const outDims = dims.map((d, i) => (reduced.has(i) ? 1 : d));
  const outStrides = stridesOf(outDims).map((s, i) => (reduced.has(i) ? 0 : s));
  const n = shapeSize(dims);
  const target = new Int32Array(n);
  const counter = new Array<number>(rank).fill(0);
  let o = 0;
  for (let i = 0; i < n; i++) {
    target[i] = o;
    for (let d = rank - 1; d >= 0; d--) {
      o += outStrides[d]!;
      if (++counter[d]! < dims[d]!) break;
      o -= outStrides[d]! * counter[d]!;
      counter[d] = 0;
    }
  }
  return target;
}

/** Accumulates the input into `acc` with the reduction's step, element by element in flat order. */
function accumulate(kind: ReduceKind, x: NdArray, target: Int32Array, acc: Float64Array): void {
  const n = target.length;
  const d = x.data;
  if (!(d instanceof Float64Array)) {
    // 64-bit integers are reduced as numbers, like the other integer types.
    accumulate(kind, { ...x, data: Float64Array.from(d as BigInt64Array, Number) }, target, acc);
    return;
  }
  switch (kind) {
    case "sum":
    case "mean":
    case "logSum":
      for (let i = 0; i < n; i++) acc[target[i]!]! += d[i]!;
      return;
    case "prod":
      for (let i = 0; i < n; i++) acc[target[i]!]! *= d[i]!;
      return;
    case "max":
      for (let i = 0; i < n; i++) {
        const v = d[i]!;
        if (v > acc[target[i]!]!) acc[target[i]!] = v;
      }
      return;
    case "min":
      for (let i = 0; i < n; i++) {
        const v = d[i]!;
        if (v < acc[target[i]!]!) acc[target[i]!] = v;
      }
      return;
    case "l1":
      for (let i = 0; i < n; i++) acc[target[i]!]! += Math.abs(d[i]!);
      return;
    case "l2":
    case "sumSquare":
      for (let i = 0; i < n; i++) acc[target[i]!]! += d[i]! * d[i]!;
      return;
    case "logSumExp":
      for (let i = 0; i < n; i++) acc[target[i]!]! += Math.exp(d[i]!);
      return;
  }
}

function finish(kind: ReduceKind, acc: number, count: number): number {
  switch (kind) {
    case "mean":
      return acc / count;
    case "l2":
      return Math.sqrt(acc);
    case "logSumExp":
    case "logSum":
      return Math.log(acc);
    default:
      return acc;
  }
}

/** The output dims of a reduction over `axes` (all axes when empty). */
export function reducedDims(dims: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const set = new Set(axes.map((a) => (a < 0 ? a + dims.length : a)));
  const all = set.size === 0;
  return keepDims ? dims.map((d, i) => (all || set.has(i) ? 1 : d)) : dims.filter((_, i) => !(all || set.has(i)));
}

/**
 * Reduces x over `axes` (negative axes count from the end; none means all axes). The result
 * keeps the reduced axes as 1 with `keepDims`, else drops them.
 */
export function reduce(x: NdArray, axes: readonly number[], keepDims: boolean, kind: ReduceKind): NdArray {
  const rank = x.dims.length;
  const reduced = new Set((axes.length ? axes : x.dims.map((_, i) => i)).map((a) => (a < 0 ? a + rank : a)));
  const outDims = x.dims.map((d, i) => (reduced.has(i) ? 1 : d));
  const n = shapeSize(outDims);
  const acc = new Float64Array(n).fill(INITIAL[kind]);
  accumulate(kind, x, reductionTargets(x.dims, reduced), acc);
  const count = shapeSize(x.dims) / Math.max(n, 1);
  const out = ndAlloc(x.dtype, n);
  const big = out instanceof BigInt64Array || out instanceof BigUint64Array;
  for (let i = 0; i < n; i++) {
    const v = finish(kind, acc[i]!, count);
    (out as Float64Array)[i] = (big ? BigInt(Math.trunc(v)) : v) as number;
  }
  return { dtype: x.dtype, dims: keepDims ? outDims : x.dims.filter((_, i) => !reduced.has(i)), data: out };
}

/** The (outer, length, inner) split of dims around an axis: slice-wise loops walk these. */
export function aroundAxis(dims: readonly number[], axis: number): [number, number, number] {
  return [shapeSize(dims.slice(0, axis)), dims[axis]!, shapeSize(dims.slice(axis + 1))];
}

/** exp(x − max) / Σ exp(x − max) along one axis. */
export function softmax(x: NdArray, axis: number): NdArray {
  const [outer, len, inner] = aroundAxis(x.dims, axis < 0 ? axis + x.dims.length : axis);
  const out = new Float64Array(x.data.length);
  const d = x.data as Float64Array;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let max = -Infinity;
      for (let k = 0; k < len; k++) max = Math.max(max, d[base + k * inner]!);
      let sum = 0;
      for (let k = 0; k < len; k++) {
        const e = Math.exp(d[base + k * inner]! - max);
        out[base + k * inner] = e;
        sum += e;
      }
      for (let k = 0; k < len; k++) out[base + k * inner]! /= sum;
    }
  }
  return { dtype: x.dtype, dims: x.dims, data: out };
}

/** x − max − log Σ exp(x − max) along one axis. */
export function logSoftmax(x: NdArray, axis: number): NdArray {
  const [outer, len, inner] = aroundAxis(x.dims, axis < 0 ? axis + x.dims.length : axis);
  const out = new Float64Array(x.data.length);
  const d = x.data as Float64Array;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let max = -Infinity;
      for (let k = 0; k < len; k++) max = Math.max(max, d[base + k * inner]!);
      let sum = 0;
      for (let k = 0; k < len; k++) sum += Math.exp(d[base + k * inner]! - max);
      const logSum = Math.log(sum);
      for (let k = 0; k < len; k++) out[base + k * inner] = d[base + k * inner]! - max - logSum;
    }
  }
  return { dtype: x.dtype, dims: x.dims, data: out };
}
