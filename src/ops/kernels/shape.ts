/**
 * Data movement on NdArrays, shared by the op tables: transpose, concat, tile, broadcast,
 * strided slices and pad. Values are copied in their own storage class (64-bit integers stay
 * bigint), so every kernel here is exact.
 */
import { shapeSize, stridesOf } from "../../ir/shape.js";
import { broadcastDims, broadcastIndex, type NdArray, type NdData, ndAlloc, ndTake, stridedIndex } from "../ndarray.js";

/** Copies src[offsets] into a new array of `dims`, walking the output with per-axis input strides. */
function gatherStrided(x: NdArray, dims: readonly number[], strides: readonly number[]): NdArray {
  const n = shapeSize(dims);
  const out = ndAlloc(x.dtype, n);
  const src = x.data;
  const rank = dims.length;
  const counter = new Array<number>(rank).fill(0);
  let off = 0;
  for (let i = 0; i < n; i++) {
    (out as Float64Array)[i] = src[off] as number;
    for (let d = rank - 1; d >= 0; d--) {
      off += strides[d]!;
      if (++counter[d]! < dims[d]!) break;
      off -= strides[d]! * counter[d]!;
      counter[d] = 0;
    }
  }
  return { dtype: x.dtype, dims, data: out };
}

/** Output axis d is input axis perm[d]. */
export function transpose(x: NdArray, perm: readonly number[]): NdArray {
  const inStrides = stridesOf(x.dims);
  return gatherStrided(
    x,
    perm.map((p) => x.dims[p]!),
    perm.map((p) => inStrides[p]!),
  );
}

/** Joins arrays along an axis; the result has the first part's dtype. */
export function concat(parts: readonly NdArray[], axis: number): NdArray {
  const first = parts[0]!;
  const a = axis < 0 ? axis + first.dims.length : axis;
  const dims = [...first.dims];
  dims[a] = parts.reduce((s, p) => s + p.dims[a]!, 0);
  const outer = shapeSize(dims.slice(0, a));
  const out = ndAlloc(first.dtype, shapeSize(dims));
  let o = 0;
  for (let i = 0; i < outer; i++) {
    for (const p of parts) {
      const inner = shapeSize(p.dims.slice(a));
      if (p.data.constructor === out.constructor) {
        (out as Float64Array).set((p.data as Float64Array).subarray(i * inner, (i + 1) * inner), o);
        o += inner;
      } else for (let k = 0; k < inner; k++) (out as Float64Array)[o++] = p.data[i * inner + k] as number;
    }
  }
  return { dtype: first.dtype, dims, data: out };
}

/**
 * Repeats x `repeats[i]` times along axis i. A shorter repeats list applies to the last axes,
 * a longer one adds leading axes of size 1 first (OpenVINO Tile; ONNX Tile has equal lengths).
 */
export function tile(x: NdArray, repeats: readonly number[]): NdArray {
  const rank = Math.max(x.dims.length, repeats.length);
  const inDims = [...new Array<number>(rank - x.dims.length).fill(1), ...x.dims];
  const reps = [...new Array<number>(rank - repeats.length).fill(1), ...repeats];
  const dims = inDims.map((d, i) => d * reps[i]!);
  const strides = stridesOf(inDims);
  const n = shapeSize(dims);
  const out = ndAlloc(x.dtype, n);
  const counter = new Array<number>(rank).fill(0);
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (let d = 0; d < rank; d++) off += (counter[d]! % inDims[d]!) * strides[d]!;
    (out as Float64Array)[i] = x.data[off] as number;
    for (let d = rank - 1; d >= 0; d--) {
      if (++counter[d]! < dims[d]!) break;
      counter[d] = 0;
    }
  }
  return { dtype: x.dtype, dims, data: out };
}

/** x broadcast numpy-style to `dims` (which must be x's broadcast with dims). */
export function broadcastTo(x: NdArray, dims: readonly number[]): NdArray {
  if (!broadcastDims(x.dims, dims)) throw new Error(`shape [${x.dims}] cannot be broadcast to [${dims}]`);
  return ndTake(x, dims, broadcastIndex(x.dims, dims));
}

/** The box at `starts` with `counts` elements and `steps` per axis; the result has `dims` (counts, possibly re-ranked). */
export function stridedSlice(
  x: NdArray,
  starts: readonly number[],
  counts: readonly number[],
  steps: readonly number[],
  dims: readonly number[] = counts,
): NdArray {
  return ndTake(x, dims, stridedIndex(x.dims, starts, counts, steps));
}

export type PadMode = "constant" | "edge" | "reflect" | "symmetric";

/** Pads every axis by begin[i] before and end[i] after; `value` fills constant padding. */
export function pad(x: NdArray, begin: readonly number[], end: readonly number[], value: number, mode: PadMode): NdArray {
  const dims = x.dims;
  const outDims = dims.map((d, i) => d + begin[i]! + end[i]!);
  const n = shapeSize(outDims);
  const out: NdData = ndAlloc(x.dtype, n);
  const strides = stridesOf(dims);
  const fill = x.data instanceof BigInt64Array || x.data instanceof BigUint64Array ? BigInt(value) : value;
  const c = new Array<number>(dims.length).fill(0);
  for (let k = 0; k < n; k++) {
    let off = 0;
    let inside = true;
    for (let d = 0; d < dims.length; d++) {
      let p = c[d]! - begin[d]!;
      const size = dims[d]!;
      if (p < 0 || p >= size) {
        if (mode === "constant") inside = false;
        else if (mode === "edge") p = p < 0 ? 0 : size - 1;
        else if (mode === "reflect") p = p < 0 ? -p : 2 * size - 2 - p;
        else p = p < 0 ? -p - 1 : 2 * size - 1 - p;
      }
      off += p * strides[d]!;
    }
    (out as Float64Array)[k] = (inside ? x.data[off] : fill) as number;
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++c[d]! < outDims[d]!) break;
      c[d] = 0;
    }
  }
  return { dtype: x.dtype, dims: outDims, data: out };
}
