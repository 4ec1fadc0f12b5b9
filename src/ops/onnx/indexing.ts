/**
 * Indexing ONNX ops: Gather (which folds: shape chains gather single dims), GatherElements,
 * GatherND, the Scatter family, OneHot, NonZero, Compress, Unique, Trilu, ReverseSequence,
 * EyeLike.
 */
import type { Dim } from "../../ir/shape.js";
import { shapeSize } from "../../ir/shape.js";
import { type NdArray, type NdData, ndTake } from "../ndarray.js";
import { constInts, dtypeAttr, foldedInts, normalizeAxis, type OnnxOpDef, sameAsInputOp } from "./op-def.js";

const gatherND: OnnxOpDef = {
  infer(ctx) {
    const data = ctx.inputs[0]?.shape;
    const idx = ctx.inputs[1]?.shape;
    const batch = ctx.node.getInt("batch_dims", 0);
    const last = idx?.[idx.length - 1];
    if (!data || !idx || typeof last !== "number") return [{ dtype: ctx.inputs[0]?.dtype }];
    return [{ dtype: ctx.inputs[0]?.dtype, shape: [...idx.slice(0, -1), ...data.slice(batch + last)] }];
  },
};

/** Lexicographic order of two equal-length runs of values (numbers or bigints, never mixed). */
function compareRuns(data: NdData, a: number, b: number, length: number): number {
  for (let k = 0; k < length; k++) {
    const va = data[a + k]!;
    const vb = data[b + k]!;
    if (va !== vb) return va < vb ? -1 : 1;
  }
  return 0;
}

/**
 * Unique: the distinct elements (no axis: of the flattened input) or distinct slices along
 * `axis`, sorted ascending or in order of first occurrence, with the first-occurrence
 * indices, the inverse indices and the counts (all int64).
 */
function unique(x: NdArray, axisAttr: number | undefined, sorted: boolean): NdArray[] {
  const flat = axisAttr === undefined;
  const axis = flat ? 0 : normalizeAxis(axisAttr, x.dims.length);
  const dims = flat ? [x.data.length] : x.dims;
  const outer = shapeSize(dims.slice(0, axis));
  const len = dims[axis]!;
  const inner = shapeSize(dims.slice(axis + 1));
  // Slice j holds, for each outer o, the run of `inner` values at (o·len + j)·inner; compared as one run.
  const sliceKey = (j: number) => {
    const parts: string[] = [];
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) parts.push(String(x.data[(o * len + j) * inner + i]));
    return parts.join(",");
  };
  const compareSlices = (a: number, b: number) => {
    for (let o = 0; o < outer; o++) {
      const c = compareRuns(x.data, (o * len + a) * inner, (o * len + b) * inner, inner);
      if (c) return c;
    }
    return 0;
  };
  const firstOf = new Map<string, number>();
  const inverseFirst: number[] = [];
  for (let j = 0; j < len; j++) {
    const key = sliceKey(j);
    if (!firstOf.has(key)) firstOf.set(key, j);
    inverseFirst.push(firstOf.get(key)!);
  }
  const firsts = [...firstOf.values()];
  if (sorted) firsts.sort(compareSlices);
  const rank = new Map(firsts.map((j, r) => [j, r]));
  const counts = new Array<number>(firsts.length).fill(0);
  for (const f of inverseFirst) counts[rank.get(f)!]!++;
  const outDims = dims.map((d, i) => (i === axis ? firsts.length : d));
  const index = new Int32Array(shapeSize(outDims));
  let p = 0;
  for (let o = 0; o < outer; o++) for (const j of firsts) for (let i = 0; i < inner; i++) index[p++] = (o * len + j) * inner + i;
  const int64 = (values: readonly number[]): NdArray => ({
    dtype: "int64",
    dims: [values.length],
    data: BigInt64Array.from(values, (v) => BigInt(v)),
  });
  return [ndTake(x, outDims, index), int64(firsts), int64(inverseFirst.map((f) => rank.get(f)!)), int64(counts)];
}

export const INDEXING_OPS: Record<string, OnnxOpDef> = {
  Gather: {
    infer(ctx) {
      const data = ctx.inputs[0]?.shape;
      const idx = ctx.inputs[1]?.shape;
      if (!data || !idx) return [{ dtype: ctx.inputs[0]?.dtype }];
      const axis = normalizeAxis(ctx.node.getInt("axis", 0), data.length);
      return [{ dtype: ctx.inputs[0]?.dtype, shape: [...data.slice(0, axis), ...idx, ...data.slice(axis + 1)] }];
    },
    fold([x, ind], { node }) {
      const axis = normalizeAxis(node.getInt("axis", 0), x!.dims.length);
      const indices = foldedInts(ind).map((i) => (i < 0 ? i + x!.dims[axis]! : i));
      const outer = shapeSize(x!.dims.slice(0, axis));
      const inner = shapeSize(x!.dims.slice(axis + 1));
      const dims = [...x!.dims.slice(0, axis), ...ind!.dims, ...x!.dims.slice(axis + 1)];
      const index = new Int32Array(shapeSize(dims));
      let o = 0;
      for (let a = 0; a < outer; a++)
        for (const i of indices) for (let k = 0; k < inner; k++) index[o++] = (a * x!.dims[axis]! + i) * inner + k;
      return [ndTake(x!, dims, index)];
    },
  },
  GatherElements: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: ctx.inputs[1]?.shape }] },
  ScatterElements: sameAsInputOp,
  ScatterND: sameAsInputOp,
  Scatter: sameAsInputOp,
  GatherND: gatherND,
  TensorScatter: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: ctx.inputs[0]?.shape }] },
  OneHot: {
    infer(ctx) {
      const s = ctx.inputs[0]?.shape;
      const depth = constInts(ctx.inputs[1])?.[0];
      if (!s) return [{ dtype: ctx.inputs[2]?.dtype }];
      const rank = s.length + 1;
      const axis = normalizeAxis(ctx.node.getInt("axis", -1), rank);
      const shape: Dim[] = [...s];
      shape.splice(axis, 0, depth ?? null);
      return [{ dtype: ctx.inputs[2]?.dtype, shape }];
    },
  },
  NonZero: { infer: (ctx) => [{ dtype: "int64", shape: [ctx.inputs[0]?.shape?.length ?? null, null] }] },
  Compress: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype }] },
  Unique: {
    infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype }, { dtype: "int64" }, { dtype: "int64" }, { dtype: "int64" }],
    fold: ([x], { node }) => unique(x!, node.getInt("axis"), node.getInt("sorted", 1) === 1),
  },
  Trilu: sameAsInputOp,
  ReverseSequence: sameAsInputOp,
  EyeLike: { infer: (ctx) => [{ dtype: dtypeAttr(ctx.node, "dtype", ctx.inputs[0]?.dtype), shape: ctx.inputs[0]?.shape }] },
};
