/**
 * OpenVINO data-movement, reduction and linear-algebra ops. Where the semantics equal an
 * ONNX op's, the ONNX kernel runs with the attributes translated (`onnx(...)`); the rest are
 * written here from the OpenVINO op specification.
 */
import { attr } from "../../ir/attribute.js";
import { Node } from "../../ir/node.js";
import { shapeSize, stridesOf } from "../../ir/shape.js";
import { type NdArray, ndAlloc, ndCast, ndTake, stridedIndex } from "../ndarray.js";
import { INDEXING_OPS } from "../onnx/indexing.js";
import { REDUCTION_OPS } from "../onnx/reduction.js";
import { SHAPE_OPS } from "../onnx/shape.js";
import { dtypeFromElementType } from "./element-types.js";
import { boolAttr, intAttr, ints, type OvOpDef, runOnnxKernel, strAttr } from "./op-def.js";

const onnx = runOnnxKernel;

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);
const int64 = (values: number[]): NdArray => ({
  dtype: "int64",
  dims: [values.length],
  data: BigInt64Array.from(values, (v) => BigInt(v)),
});

function reduce(onnxType: string): OvOpDef {
  return {
    run([x, axes], { node }) {
      const keep = boolAttr(node, "keep_dims", false);
      return onnx(REDUCTION_OPS[onnxType]!, onnxType, 18, [x, int64(ints(axes!))], { keepdims: attr.int(keep ? 1 : 0) });
    },
  };
}

/** MatMul's output dims: broadcast batch axes, then M×N; 1-D operands lose their promoted axis. */
function matmulDims(a: readonly number[], b: readonly number[], ta: boolean, tb: boolean): number[] {
  const ad = a.length === 1 ? [1, a[0]!] : [...a];
  const bd = b.length === 1 ? [b[0]!, 1] : [...b];
  const M = ta ? ad[ad.length - 1]! : ad[ad.length - 2]!;
  const N = tb ? bd[bd.length - 2]! : bd[bd.length - 1]!;
  const batchA = ad.slice(0, -2);
  const batchB = bd.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const batch = Array.from({ length: rank }, (_, i) =>
    Math.max(batchA[batchA.length - rank + i] ?? 1, batchB[batchB.length - rank + i] ?? 1),
  );
  let dims = [...batch, M, N];
  if (a.length === 1) dims = dims.filter((_, i) => i !== dims.length - 2);
  if (b.length === 1) dims = dims.slice(0, -1);
  return dims;
}

function matmul(a: NdArray, b: NdArray, ta: boolean, tb: boolean): NdArray {
  // Promote 1-D operands, transpose the last two axes where asked, broadcast batch axes.
  const ad = a.dims.length === 1 ? [1, a.dims[0]!] : [...a.dims];
  const bd = b.dims.length === 1 ? [b.dims[0]!, 1] : [...b.dims];
  const at = (i: number, r: number, c: number, dims: number[], t: boolean) =>
    t
      ? i * dims[dims.length - 1]! * dims[dims.length - 2]! + c * dims[dims.length - 1]! + r
      : i * dims[dims.length - 1]! * dims[dims.length - 2]! + r * dims[dims.length - 1]! + c;
  const M = ta ? ad[ad.length - 1]! : ad[ad.length - 2]!;
  const K = ta ? ad[ad.length - 2]! : ad[ad.length - 1]!;
  const N = tb ? bd[bd.length - 2]! : bd[bd.length - 1]!;
  const batchA = ad.slice(0, -2);
  const batchB = bd.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const batch = Array.from({ length: rank }, (_, i) =>
    Math.max(batchA[batchA.length - rank + i] ?? 1, batchB[batchB.length - rank + i] ?? 1),
  );
  const count = shapeSize(batch);
  const out = new Float64Array(count * M * N);
  const ax = a.data as Float64Array;
  const bx = b.data as Float64Array;
  const batchIndex = (dims: number[], flat: number) => {
    let idx = 0;
    let rem = flat;
    const strides = stridesOf(batch);
    for (let i = 0; i < rank; i++) {
      const coord = Math.floor(rem / strides[i]!);
      rem -= coord * strides[i]!;
      const k = dims.length - rank + i;
      if (k >= 0) idx = idx * dims[k]! + (dims[k] === 1 ? 0 : coord);
    }
    return idx;
  };
  for (let bi = 0; bi < count; bi++) {
    const ia = batchIndex(batchA, bi);
    const ib = batchIndex(batchB, bi);
    for (let r = 0; r < M; r++) {
      for (let c = 0; c < N; c++) {
        let acc = 0;
        for (let k = 0; k < K; k++) acc += ax[at(ia, r, k, ad, ta)]! * bx[at(ib, k, c, bd, tb)]!;
        out[(bi * M + r) * N + c] = acc;
      }
    }
  }
  return { dtype: a.dtype, dims: matmulDims(a.dims, b.dims, ta, tb), data: out };
}

function softmax(x: NdArray, axis: number): NdArray {
  const dims = x.dims;
  const a = norm(axis, dims.length);
  const inner = shapeSize(dims.slice(a + 1));
  const len = dims[a]!;
  const outer = shapeSize(dims.slice(0, a));
  const out = new Float64Array(x.data.length);
  const d = x.data as Float64Array;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let max = -Infinity;
      for (let k = 0; k < len; k++) max = Math.max(max, d[base + k * inner]!);
      let sum = 0;
      for (let k = 0; k < len; k++) sum += out[base + k * inner] = Math.exp(d[base + k * inner]! - max);
      for (let k = 0; k < len; k++) out[base + k * inner]! /= sum;
    }
  }
  return { dtype: x.dtype, dims, data: out };
}

/** StridedSlice-1 with begin/end/new_axis/shrink_axis masks (ellipsis_mask unsupported). */
function stridedSlice(x: NdArray, beginIn: number[], endIn: number[], stridesIn: number[], node: Node): NdArray {
  const mask = (name: string) =>
    ints({
      dtype: "int64",
      dims: [],
      data: BigInt64Array.from(
        strAttr(node, name, "")
          .split(",")
          .filter((s) => s.trim() !== "")
          .map((s) => BigInt(s.trim())),
      ),
    });
  const beginMask = mask("begin_mask");
  const endMask = mask("end_mask");
  const newAxis = mask("new_axis_mask");
  const shrink = mask("shrink_axis_mask");
  if (mask("ellipsis_mask").some((m) => m === 1)) throw new Error("StridedSlice ellipsis_mask is not supported by the interpreter");
  const dims = x.dims;
  const starts: number[] = [];
  const counts: number[] = [];
  const steps: number[] = [];
  const outDims: number[] = [];
  let axis = 0;
  for (let i = 0; i < Math.max(beginIn.length, dims.length); i++) {
    if (newAxis[i] === 1) {
      outDims.push(1);
      continue;
    }
    if (axis >= dims.length) break;
    const size = dims[axis]!;
    const step = stridesIn[i] ?? 1;
    let b = beginMask[i] === 1 || i >= beginIn.length ? (step > 0 ? 0 : size - 1) : beginIn[i]!;
    let e = endMask[i] === 1 || i >= endIn.length ? (step > 0 ? size : -size - 1) : endIn[i]!;
    if (b < 0) b += size;
    if (e < 0) e += size;
    if (step > 0) {
      b = Math.min(Math.max(b, 0), size);
      e = Math.min(Math.max(e, 0), size);
    } else {
      b = Math.min(Math.max(b, -1), size - 1);
      e = Math.min(Math.max(e, -1), size - 1);
    }
    let count = Math.max(0, Math.ceil((e - b) / step));
    if (shrink[i] === 1) count = 1;
    starts.push(b);
    counts.push(count);
    steps.push(step);
    if (shrink[i] !== 1) outDims.push(count);
    axis++;
  }
  for (; axis < dims.length; axis++) {
    starts.push(0);
    counts.push(dims[axis]!);
    steps.push(1);
    outDims.push(dims[axis]!);
  }
  return ndTake(x, outDims, stridedIndex(dims, starts, counts, steps));
}

function pad(x: NdArray, begin: number[], end: number[], value: number, mode: string): NdArray {
  const dims = x.dims;
  const outDims = dims.map((d, i) => d + begin[i]! + end[i]!);
  const n = shapeSize(outDims);
  const out = ndAlloc(x.dtype, n);
  const strides = stridesOf(dims);
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
        else p = p < 0 ? -p - 1 : 2 * size - 1 - p; // symmetric
      }
      off += p * strides[d]!;
    }
    (out as Float64Array)[k] = (inside ? x.data[off] : x.data instanceof BigInt64Array ? BigInt(value) : value) as number;
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++c[d]! < outDims[d]!) break;
      c[d] = 0;
    }
  }
  return { dtype: x.dtype, dims: outDims, data: out };
}

export const OV_DATA: Record<string, OvOpDef> = {
  Reshape: {
    run([x, shape], { node }) {
      const target = ints(shape!);
      const special = boolAttr(node, "special_zero", false);
      return onnx(SHAPE_OPS.Reshape!, "Reshape", 14, [x, int64(target)], { allowzero: attr.int(special ? 0 : 1) });
    },
  },
  Concat: { run: (inputs, { node }) => onnx(SHAPE_OPS.Concat!, "Concat", 13, inputs, { axis: attr.int(intAttr(node, "axis", 0)) }) },
  Transpose: {
    run([x, order]) {
      const perm = ints(order!);
      return onnx(SHAPE_OPS.Transpose!, "Transpose", 13, [x], perm.length ? { perm: attr.ints(perm) } : {});
    },
  },
  Squeeze: { run: ([x, axes]) => onnx(SHAPE_OPS.Squeeze!, "Squeeze", 13, axes ? [x, axes] : [x]) },
  Unsqueeze: { run: ([x, axes]) => onnx(SHAPE_OPS.Unsqueeze!, "Unsqueeze", 13, [x, axes]) },
  Tile: { run: ([x, repeats]) => onnx(SHAPE_OPS.Tile!, "Tile", 13, [x, repeats]) },
  Gather: {
    run([x, indices, axis], { node, version }) {
      if (version >= 7 && intAttr(node, "batch_dims", 0) !== 0) throw new Error("Gather batch_dims is not supported by the interpreter");
      return onnx(INDEXING_OPS.Gather!, "Gather", 13, [x, indices], { axis: attr.int(ints(axis!)[0] ?? 0) });
    },
  },
  ShapeOf: {
    run([x], { node }) {
      const t = strAttr(node, "output_type", "i64");
      const s = int64([...x!.dims]);
      return [t === "i32" ? ndCast(s, "int32") : s];
    },
  },
  Convert: {
    run([x], { node }) {
      const to = dtypeFromElementType(strAttr(node, "destination_type", "f32"));
      if (!to) throw new Error(`Convert to ${strAttr(node, "destination_type", "")} is not supported`);
      return [ndCast(x!, to)];
    },
  },
  StridedSlice: { run: ([x, b, e, s], { node }) => [stridedSlice(x!, ints(b!), ints(e!), s ? ints(s) : [], node)] },
  VariadicSplit: {
    run([x, axisIn, lengthsIn]) {
      const axis = norm(ints(axisIn!)[0]!, x!.dims.length);
      const lengths = ints(lengthsIn!);
      const known = lengths.reduce((a, b) => (b === -1 ? a : a + b), 0);
      const resolved = lengths.map((l) => (l === -1 ? x!.dims[axis]! - known : l));
      let start = 0;
      return resolved.map((len) => {
        const begin = x!.dims.map((_, i) => (i === axis ? start : 0));
        const end = x!.dims.map((d, i) => (i === axis ? start + len : d));
        start += len;
        const node = new Node({ opType: "StridedSlice" });
        return stridedSlice(x!, begin, end, [], node);
      });
    },
  },
  Split: {
    run([x, axisIn], { node }) {
      const axis = norm(ints(axisIn!)[0]!, x!.dims.length);
      const parts = intAttr(node, "num_splits", 1);
      const len = x!.dims[axis]! / parts;
      return Array.from({ length: parts }, (_, k) => {
        const begin = x!.dims.map((_, i) => (i === axis ? k * len : 0));
        const end = x!.dims.map((d, i) => (i === axis ? (k + 1) * len : d));
        return stridedSlice(x!, begin, end, [], new Node({ opType: "StridedSlice" }));
      });
    },
  },
  Pad: {
    run([x, begin, end, value], { node }) {
      const v = value ? Number(value.data[0]) : 0;
      return [pad(x!, ints(begin!), ints(end!), v, strAttr(node, "pad_mode", "constant"))];
    },
  },
  MatMul: {
    run: ([a, b], { node }) => [matmul(a!, b!, boolAttr(node, "transpose_a", false), boolAttr(node, "transpose_b", false))],
    outputTypes: ([a, b], { node }) => [
      { dtype: a!.dtype, dims: matmulDims(a!.dims, b!.dims, boolAttr(node, "transpose_a", false), boolAttr(node, "transpose_b", false)) },
    ],
  },
  SoftMax: { run: ([x], { node }) => [softmax(x!, intAttr(node, "axis", 1))] },
  ReduceMean: reduce("ReduceMean"),
  ReduceMax: reduce("ReduceMax"),
  ReduceMin: reduce("ReduceMin"),
  ReduceSum: reduce("ReduceSum"),
  ReduceProd: reduce("ReduceProd"),
  ReduceL1: reduce("ReduceL1"),
  ReduceL2: reduce("ReduceL2"),
};
