/** Gathering against its coordinate-by-coordinate definition; values are copied exactly (int64 stays bigint). */
import { describe, expect, it } from "vitest";
import { shapeSize } from "../../../src/ir/shape.js";
import { gather, gatherDims } from "../../../src/ops/kernels/indexing.js";
import type { NdArray } from "../../../src/ops/ndarray.js";
import { define, flat } from "./coords.js";
import { lcg, randomArray, randomDims, randomInt, sameBits } from "./random.js";

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
      expect(gatherDims(dims, idxDims, axis)).toEqual(out);
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
    expect(gatherDims(x.dims, indices.dims, 1, 1)).toEqual([2, 2]);
    expect(gather(x, indices, 1, 1)).toEqual({ dtype: "float32", dims: [2, 2], data: Float64Array.of(12, 10, 21, 22) });
  });

  it("int64 data stays exact past 2^53, and a scalar index drops the axis", () => {
    const big = 2n ** 60n + 7n;
    const x: NdArray = { dtype: "int64", dims: [3], data: BigInt64Array.of(1n, big, -big) };
    const scalar: NdArray = { dtype: "int64", dims: [], data: BigInt64Array.of(-2n) };
    expect(gather(x, scalar, 0)).toEqual({ dtype: "int64", dims: [], data: BigInt64Array.of(big) });
  });
});
