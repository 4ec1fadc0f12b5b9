/**
 * Reductions and the softmax family against the element-by-element definitions: a reduction
 * visits its elements in increasing flat index, so sums must have the same bits as that loop.
 */
import { describe, expect, it } from "vitest";
import { shapeSize, stridesOf } from "../../../src/ir/shape.js";
import { logSoftmax, type ReduceKind, reduce, softmax } from "../../../src/ops/kernels/reduction.js";
import type { NdArray } from "../../../src/ops/ndarray.js";
import { lcg, randomArray, randomInt, sameBits } from "./random.js";

const STEP: Record<ReduceKind, [number, (acc: number, v: number) => number, (acc: number, n: number) => number]> = {
  sum: [0, (a, v) => a + v, (a) => a],
  mean: [0, (a, v) => a + v, (a, n) => a / n],
  prod: [1, (a, v) => a * v, (a) => a],
  max: [-Infinity, (a, v) => (v > a ? v : a), (a) => a],
  min: [Infinity, (a, v) => (v < a ? v : a), (a) => a],
  l1: [0, (a, v) => a + Math.abs(v), (a) => a],
  l2: [0, (a, v) => a + v * v, (a) => Math.sqrt(a)],
  sumSquare: [0, (a, v) => a + v * v, (a) => a],
  logSumExp: [0, (a, v) => a + Math.exp(v), (a) => Math.log(a)],
  logSum: [0, (a, v) => a + v, (a) => Math.log(a)],
};

function byDefinition(x: NdArray, axes: number[], keep: boolean, kind: ReduceKind): NdArray {
  const [init, step, finish] = STEP[kind];
  const rank = x.dims.length;
  const set = new Set((axes.length ? axes : x.dims.map((_, i) => i)).map((a) => (a < 0 ? a + rank : a)));
  const outDims = x.dims.map((d, i) => (set.has(i) ? 1 : d));
  const outStrides = stridesOf(outDims);
  const strides = stridesOf(x.dims);
  const acc = new Float64Array(shapeSize(outDims)).fill(init);
  for (let i = 0; i < x.data.length; i++) {
    let o = 0;
    for (let d = 0; d < rank; d++) if (!set.has(d)) o += (Math.floor(i / strides[d]!) % x.dims[d]!) * outStrides[d]!;
    acc[o] = step(acc[o]!, x.data[i] as number);
  }
  const count = shapeSize(x.dims) / Math.max(acc.length, 1);
  return { dtype: x.dtype, dims: keep ? outDims : x.dims.filter((_, i) => !set.has(i)), data: acc.map((v) => finish(v, count)) };
}

describe("reduce", () => {
  it("every kind equals the flat-order definition over random axes, with and without keepDims", () => {
    const rnd = lcg(7);
    for (const kind of Object.keys(STEP) as ReduceKind[]) {
      for (let i = 0; i < 25; i++) {
        const dims = Array.from({ length: randomInt(rnd, 1, 4) }, () => randomInt(rnd, 1, 5));
        const axes = dims.map((_, a) => a).filter(() => rnd() < 0.5);
        const x = randomArray(dims, rnd);
        const keep = rnd() < 0.5;
        expect(sameBits(reduce(x, axes, keep, kind), byDefinition(x, axes, keep, kind)), `${kind} [${dims}] axes [${axes}]`).toBe(true);
      }
    }
  });

  it("no axes reduces them all; negative axes count from the end; int64 results are truncated", () => {
    const x: NdArray = { dtype: "int64", dims: [2, 3], data: BigInt64Array.of(1n, 2n, 3n, 4n, 5n, 6n) };
    expect(reduce(x, [], false, "sum")).toEqual({ dtype: "int64", dims: [], data: BigInt64Array.of(21n) });
    expect(reduce(x, [-1], true, "mean")).toEqual({ dtype: "int64", dims: [2, 1], data: BigInt64Array.of(2n, 5n) });
  });
});

describe("softmax family", () => {
  it("softmax and logSoftmax equal their definitions along any axis", () => {
    const rnd = lcg(8);
    for (let i = 0; i < 40; i++) {
      const dims = Array.from({ length: randomInt(rnd, 1, 4) }, () => randomInt(rnd, 1, 5));
      const axis = randomInt(rnd, -dims.length, dims.length - 1);
      const x = randomArray(dims, rnd);
      const a = axis < 0 ? axis + dims.length : axis;
      const max = reduce(x, [a], true, "max");
      // exp(x - max) / Σ exp(x - max), Σ in axis order; log form x - max - log Σ.
      const strides = stridesOf(dims);
      const outStrides = stridesOf(max.dims);
      const group = (j: number) => dims.reduce((o, d, k) => (k === a ? o : o + (Math.floor(j / strides[k]!) % d) * outStrides[k]!), 0);
      const sums = new Float64Array(max.data.length);
      for (let j = 0; j < x.data.length; j++) sums[group(j)]! += Math.exp((x.data[j] as number) - (max.data[group(j)] as number));
      const soft = Float64Array.from(x.data as Float64Array, (v, j) => Math.exp(v - (max.data[group(j)] as number)) / sums[group(j)]!);
      const logSoft = Float64Array.from(x.data as Float64Array, (v, j) => v - (max.data[group(j)] as number) - Math.log(sums[group(j)]!));
      expect(sameBits(softmax(x, axis), { ...x, data: soft }), `softmax [${dims}] axis ${axis}`).toBe(true);
      expect(sameBits(logSoftmax(x, axis), { ...x, data: logSoft }), `logSoftmax [${dims}] axis ${axis}`).toBe(true);
    }
  });
});
