/** Coordinate arithmetic for kernel tests that define an output element by element. */
import { shapeSize, stridesOf } from "../../../src/ir/shape.js";
import type { NdArray } from "../../../src/ops/ndarray.js";

/** Coordinates of flat index i in dims. */
export const coords = (i: number, dims: readonly number[]) => {
  const s = stridesOf(dims);
  return dims.map((d, k) => Math.floor(i / s[k]!) % d);
};

/** The flat index of coordinates c in dims. */
export const flat = (c: readonly number[], dims: readonly number[]) => c.reduce((o, v, k) => o * dims[k]! + v, 0);

/** An array of `dims` whose element at coordinates c is x's element at flat index source(c). */
export function define(dims: readonly number[], x: NdArray, source: (c: number[]) => number): NdArray {
  const data = new Float64Array(shapeSize(dims));
  for (let i = 0; i < data.length; i++) data[i] = x.data[source(coords(i, dims))] as number;
  return { dtype: x.dtype, dims, data };
}
