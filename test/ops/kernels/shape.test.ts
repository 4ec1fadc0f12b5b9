/** Data movement and gathering against coordinate-by-coordinate definitions; values are copied exactly (int64 stays bigint). */
import { describe, expect, it } from "vitest";
import { shapeSize, stridesOf } from "../../../src/ir/shape.js";
import { gather } from "../../../src/ops/kernels/indexing.js";
import { broadcastTo, concat, pad, tile, transpose } from "../../../src/ops/kernels/shape.js";
import type { NdArray } from "../../../src/ops/ndarray.js";
import { lcg, randomArray, randomInt, sameBits } from "./random.js";

/** Coordinates of flat index i in dims. */
const coords = (i: number, dims: readonly number[]) => {
  const s = stridesOf(dims);
  return dims.map((d, k) => Math.floor(i / s[k]!) % d);
};
const flat = (c: readonly number[], dims: readonly number[]) => c.reduce((o, v, k) => o * dims[k]! + v, 0);

function define(dims: readonly number[], x: NdArray, source: (c: number[]) => number): NdArray {
  const data = new Float64Array(shapeSize(dims));
  for (let i = 0; i < data.length; i++) data[i] = x.data[source(coords(i, dims))] as number;
  return { dtype: x.dtype, dims, data };
}

const randomDims = (rnd: () => number, maxRank = 4) => Array.from({ length: randomInt(rnd, 1, maxRank) }, () => randomInt(rnd, 1, 4));

describe("data movement kernels", () => {
  it("transpose puts input axis perm[d] at output axis d", () => {
    const rnd = lcg(31);
    for (let i = 0; i < 50; i++) {
      const dims = randomDims(rnd);
      const perm = dims.map((_, k) => k).sort(() => rnd() - 0.5);
      const x = randomArray(dims, rnd);
      const out = perm.map((p) => dims[p]!);
      const want = define(out, x, (c) => {
        const src = new Array<number>(dims.length);
        perm.forEach((p, d) => {
          src[p] = c[d]!;
        });
        return flat(src, dims);
      });
      expect(sameBits(transpose(x, perm), want), `[${dims}] perm [${perm}]`).toBe(true);
    }
  });

  it("concat joins along any axis", () => {
    const rnd = lcg(32);
    for (let i = 0; i < 40; i++) {
      const dims = randomDims(rnd);
      const axis = randomInt(rnd, 0, dims.length - 1);
      const parts = Array.from({ length: randomInt(rnd, 1, 3) }, () =>
        randomArray(
          dims.map((d, k) => (k === axis ? randomInt(rnd, 0, 3) : d)),
          rnd,
        ),
      );
      const got = concat(parts, axis);
      const offsets = parts.map((_, k) => parts.slice(0, k).reduce((s, p) => s + p.dims[axis]!, 0));
      const want = new Float64Array(got.data.length);
      for (let j = 0; j < want.length; j++) {
        const c = coords(j, got.dims);
        const k = offsets.findLastIndex((o, q) => c[axis]! >= o && parts[q]!.dims[axis]! > 0);
        c[axis]! -= offsets[k]!;
        want[j] = parts[k]!.data[flat(c, parts[k]!.dims)] as number;
      }
      expect(sameBits(got, { dtype: parts[0]!.dtype, dims: got.dims, data: want }), `case ${i}`).toBe(true);
    }
  });

  it("tile repeats every axis; shorter repeats apply to the last axes, longer ones add axes", () => {
    const x: NdArray = { dtype: "int64", dims: [2], data: BigInt64Array.of(1n, 2n) };
    expect(tile(x, [2])).toEqual({ dtype: "int64", dims: [4], data: BigInt64Array.of(1n, 2n, 1n, 2n) });
    expect(tile(x, [2, 1]).dims).toEqual([2, 2]);
    const m = randomArray([2, 3], lcg(33));
    expect(
      sameBits(
        tile(m, [2]),
        define([2, 6], m, (c) => c[0]! * 3 + (c[1]! % 3)),
      ),
    ).toBe(true);
  });

  it("broadcastTo stretches size-1 axes and refuses shapes that do not broadcast", () => {
    const x = randomArray([3, 1], lcg(34));
    expect(
      sameBits(
        broadcastTo(x, [2, 3, 4]),
        define([2, 3, 4], x, (c) => c[1]!),
      ),
    ).toBe(true);
    expect(() => broadcastTo(x, [2, 4])).toThrow(/cannot be broadcast/);
  });

  it("pad fills constant padding and mirrors for edge, reflect and symmetric", () => {
    const x: NdArray = { dtype: "float32", dims: [3], data: Float64Array.of(1, 2, 3) };
    expect([...pad(x, [2], [2], 9, "constant").data]).toEqual([9, 9, 1, 2, 3, 9, 9]);
    expect([...pad(x, [2], [2], 0, "edge").data]).toEqual([1, 1, 1, 2, 3, 3, 3]);
    expect([...pad(x, [2], [2], 0, "reflect").data]).toEqual([3, 2, 1, 2, 3, 2, 1]);
    expect([...pad(x, [2], [2], 0, "symmetric").data]).toEqual([2, 1, 1, 2, 3, 3, 2]);
  });
});

describe("gather", () => {
  it("picks slices along any axis, negative indices from the end", () => {
    const rnd = lcg(35);
    for (let i = 0; i < 40; i++) {
      const dims = randomDims(rnd, 3);
      const axis = randomInt(rnd, 0, dims.length - 1);
      const idxDims = randomDims(rnd, 2);
      const indices: NdArray = {
        dtype: "int64",
        dims: idxDims,
        data: BigInt64Array.from({ length: shapeSize(idxDims) }, () => BigInt(randomInt(rnd, -dims[axis]!, dims[axis]! - 1))),
      };
      const x = randomArray(dims, rnd);
      const out = [...dims.slice(0, axis), ...idxDims, ...dims.slice(axis + 1)];
      const want = define(out, x, (c) => {
        const k = Number(indices.data[flat(c.slice(axis, axis + idxDims.length), idxDims)]);
        return flat([...c.slice(0, axis), k < 0 ? k + dims[axis]! : k, ...c.slice(axis + idxDims.length)], dims);
      });
      expect(sameBits(gather(x, indices, axis), want), `[${dims}] axis ${axis} indices [${idxDims}]`).toBe(true);
    }
  });

  it("with batch_dims each batch entry uses its own indices", () => {
    const x: NdArray = { dtype: "float32", dims: [2, 3], data: Float64Array.of(10, 11, 12, 20, 21, 22) };
    const indices: NdArray = { dtype: "int32", dims: [2, 2], data: Float64Array.of(2, 0, 1, -1) };
    expect(gather(x, indices, 1, 1)).toEqual({ dtype: "float32", dims: [2, 2], data: Float64Array.of(12, 10, 21, 22) });
  });
});
