/** Gathering by index on NdArrays, shared by the op tables (ONNX Gather, OpenVINO Gather-1/7/8). */
import { shapeSize } from "../../ir/shape.js";
import { type NdArray, ndTake } from "../ndarray.js";

/** The dims of gathering `indexDims` indices along `axis`, the first `batchDims` axes shared. */
export function gatherDims(dims: readonly number[], indexDims: readonly number[], axis: number, batchDims = 0): number[] {
  return [...dims.slice(0, axis), ...indexDims.slice(batchDims), ...dims.slice(axis + 1)];
}

/**
 * Slices of x along `axis` picked by `indices` (negative indices count from the end). With
 * `batchDims` b, the first b axes of x and of the indices are matched, not combined:
 * batch entry i takes its slices with its own indices.
 */
export function gather(x: NdArray, indices: NdArray, axis: number, batchDims = 0): NdArray {
  const rank = x.dims.length;
  const a = axis < 0 ? axis + rank : axis;
  const b = batchDims < 0 ? batchDims + indices.dims.length : batchDims;
  const len = x.dims[a]!;
  const batch = shapeSize(x.dims.slice(0, b));
  const outer = shapeSize(x.dims.slice(b, a));
  const inner = shapeSize(x.dims.slice(a + 1));
  const perBatch = shapeSize(indices.dims.slice(b));
  const idx = Array.from(indices.data as ArrayLike<number | bigint>, (v) => {
    const i = Number(v);
    return i < 0 ? i + len : i;
  });
  const dims = gatherDims(x.dims, indices.dims, a, b);
  const index = new Int32Array(shapeSize(dims));
  let o = 0;
  for (let bi = 0; bi < batch; bi++)
    for (let r = 0; r < outer; r++) {
      const base = (bi * outer + r) * len;
      for (let j = 0; j < perBatch; j++) {
        const from = (base + idx[bi * perBatch + j]!) * inner;
        for (let k = 0; k < inner; k++) index[o++] = from + k;
      }
    }
  return ndTake(x, dims, index);
}
