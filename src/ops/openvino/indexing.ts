/**
 * OpenVINO indexing and index-producing ops, written from the OpenVINO op specification:
 * Gather-1/7/8, GatherElements-6, GatherND-5/8, ScatterElementsUpdate-3, ScatterNDUpdate-3,
 * OneHot-1, NonZero-3 and ReverseSequence-1. Index arithmetic runs in plain numbers; values
 * are copied in their own storage class, so int64 data stays exact.
 */
import type { Node } from "../../ir/node.js";
import { shapeSize, stridesOf } from "../../ir/shape.js";
import { gather, gatherDims } from "../kernels/indexing.js";
import { aroundAxis } from "../kernels/reduction.js";
import { type NdArray, ndAlloc, ndCast, ndTake } from "../ndarray.js";
import { axisIn, DYNAMIC, formatDims, known } from "./dims.js";
import { dtypeFromElementType } from "./element-types.js";
import { intAttr, ints, knownInts, type OvOpDef, type OvPortInfo, required, ShapeError, strAttr } from "./op-def.js";
import { withDynamicDims } from "./value-dependent-dims.js";

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** The element type an op writes its indices in. */
const indexType = (node: Node, name: string, fallback: string) => dtypeFromElementType(strAttr(node, name, fallback)) ?? "int32";

/** Gather-7/8's batch_dims (Gather-1 has none), normalised against the indices' rank. */
function batchDimsOf(node: Node, version: number, indexRank: number): number {
  const b = version >= 7 ? intAttr(node, "batch_dims", 0) : 0;
  return b < 0 ? b + indexRank : b;
}

const gatherOp: OvOpDef = {
  exact: true,
  infer(inputs, { node, version }) {
    const x = required(inputs, 0);
    const idx = required(inputs, 1);
    required(inputs, 2);
    const b = batchDimsOf(node, version, idx.dims.length);
    const a = knownInts(inputs, 2)?.[0];
    if (a === undefined) return [{ dtype: x.dtype, dims: new Array<number>(x.dims.length - 1 + idx.dims.length - b).fill(DYNAMIC) }];
    const axis = axisIn(a, x.dims.length);
    if (b > axis) throw new ShapeError(`batch_dims ${b} is greater than the axis ${axis}`);
    for (let i = 0; i < b; i++)
      if (known(x.dims[i]!) && known(idx.dims[i]!) && x.dims[i] !== idx.dims[i])
        throw new ShapeError(`data ${formatDims(x.dims)} and indices ${formatDims(idx.dims)} differ on batch axis ${i}`);
    return [{ dtype: x.dtype, dims: gatherDims(x.dims, idx.dims, axis, b) }];
  },
  run([x, indices, axis], { node, version }) {
    return [gather(x!, indices!, ints(axis!)[0] ?? 0, batchDimsOf(node, version, indices!.dims.length))];
  },
};

const gatherElements: OvOpDef = {
  exact: true,
  infer(inputs, { node }) {
    const x = required(inputs, 0);
    const idx = required(inputs, 1);
    axisIn(intAttr(node, "axis", 0), x.dims.length);
    if (idx.dims.length !== x.dims.length)
      throw new ShapeError(`indices ${formatDims(idx.dims)} and data ${formatDims(x.dims)} differ in rank`);
    return [{ dtype: x.dtype, dims: idx.dims }];
  },
  run([data, indices], { node }) {
    const dims = data!.dims;
    const axis = norm(intAttr(node, "axis", 0), dims.length);
    const outDims = indices!.dims;
    const inStrides = stridesOf(dims);
    const outStrides = stridesOf(outDims);
    const n = shapeSize(outDims);
    const index = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let off = 0;
      for (let d = 0; d < outDims.length; d++) {
        let c = Math.floor(i / outStrides[d]!) % outDims[d]!;
        if (d === axis) c = norm(Number(indices!.data[i]), dims[axis]!);
        off += c * inStrides[d]!;
      }
      index[i] = off;
    }
    return [ndTake(data!, outDims, index)];
  },
};

/** GatherND's output: the indices' leading axes, then the data axes the index tuples leave. */
function gatherNDDims(data: readonly number[], indices: readonly number[], b: number): number[] {
  const depth = indices[indices.length - 1]!;
  if (!known(depth)) throw new ShapeError("the index tuple length (last indices axis) must be known");
  if (b + depth > data.length) throw new ShapeError(`index tuples of ${depth} after ${b} batch axes do not fit data ${formatDims(data)}`);
  return [...indices.slice(0, -1), ...data.slice(b + depth)];
}

const gatherND: OvOpDef = {
  exact: true,
  infer(inputs, { node }) {
    const x = required(inputs, 0);
    const idx = required(inputs, 1);
    return [{ dtype: x.dtype, dims: gatherNDDims(x.dims, idx.dims, intAttr(node, "batch_dims", 0)) }];
  },
  run([data, indices], { node }) {
    const b = intAttr(node, "batch_dims", 0);
    const dims = data!.dims;
    const iDims = indices!.dims;
    const depth = iDims[iDims.length - 1]!;
    const sliceSize = shapeSize(dims.slice(b + depth));
    const batch = shapeSize(dims.slice(0, b));
    const perBatchData = shapeSize(dims.slice(b));
    const tuples = shapeSize(iDims.slice(b, -1));
    const strides = stridesOf(dims.slice(b));
    const outDims = gatherNDDims(dims, iDims, b);
    const index = new Int32Array(shapeSize(outDims));
    let o = 0;
    for (let bi = 0; bi < batch; bi++) {
      for (let t = 0; t < tuples; t++) {
        let off = bi * perBatchData;
        for (let q = 0; q < depth; q++) off += norm(Number(indices!.data[(bi * tuples + t) * depth + q]), dims[b + q]!) * strides[q]!;
        for (let s = 0; s < sliceSize; s++) index[o++] = off + s;
      }
    }
    return [ndTake(data!, outDims, index)];
  },
};

function copyOf(a: NdArray): NdArray {
  return { dtype: a.dtype, dims: a.dims, data: a.data.slice() as NdArray["data"] };
}

/** Scatter results have the data's type. */
const sameAsData = (inputs: readonly (OvPortInfo | undefined)[]) => [{ dtype: required(inputs, 0).dtype, dims: required(inputs, 0).dims }];

const scatterElementsUpdate: OvOpDef = {
  exact: true,
  infer: sameAsData,
  run([data, indices, updates, axisInput]) {
    const out = copyOf(data!);
    const dims = data!.dims;
    const axis = norm(ints(axisInput!)[0]!, dims.length);
    const uDims = indices!.dims;
    const inStrides = stridesOf(dims);
    const uStrides = stridesOf(uDims);
    for (let i = 0; i < shapeSize(uDims); i++) {
      let off = 0;
      for (let d = 0; d < uDims.length; d++) {
        let c = Math.floor(i / uStrides[d]!) % uDims[d]!;
        if (d === axis) c = norm(Number(indices!.data[i]), dims[axis]!);
        off += c * inStrides[d]!;
      }
      (out.data as Float64Array)[off] = updates!.data[i] as number;
    }
    return [out];
  },
};

const scatterNDUpdate: OvOpDef = {
  exact: true,
  infer: sameAsData,
  run([data, indices, updates]) {
    const out = copyOf(data!);
    const dims = data!.dims;
    const iDims = indices!.dims;
    const depth = iDims[iDims.length - 1]!;
    const strides = stridesOf(dims);
    const sliceSize = shapeSize(dims.slice(depth));
    const tuples = shapeSize(iDims.slice(0, -1));
    for (let t = 0; t < tuples; t++) {
      let off = 0;
      for (let q = 0; q < depth; q++) off += norm(Number(indices!.data[t * depth + q]), dims[q]!) * strides[q]!;
      for (let s = 0; s < sliceSize; s++) (out.data as Float64Array)[off + s] = updates!.data[t * sliceSize + s] as number;
    }
    return [out];
  },
};

const oneHot: OvOpDef = {
  infer(inputs, { node }) {
    const idx = required(inputs, 0);
    const depth = knownInts(inputs, 1)?.[0] ?? DYNAMIC;
    const axis = axisIn(intAttr(node, "axis", -1), idx.dims.length + 1);
    return [{ dtype: required(inputs, 2).dtype, dims: [...idx.dims.slice(0, axis), depth, ...idx.dims.slice(axis)] }];
  },
  run([indices, depthIn, on, off], { node }) {
    const depth = ints(depthIn!)[0]!;
    const iDims = indices!.dims;
    const axis = norm(intAttr(node, "axis", -1), iDims.length + 1);
    const outDims = [...iDims.slice(0, axis), depth, ...iDims.slice(axis)];
    const [outer, , inner] = aroundAxis(outDims, axis);
    const out = ndAlloc(on!.dtype, shapeSize(outDims));
    (out as Float64Array).fill(off!.data[0] as number);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        // An index outside [0, depth) selects nothing: the row stays off_value.
        const k = Number(indices!.data[o * inner + i]);
        if (k >= 0 && k < depth) (out as Float64Array)[(o * depth + k) * inner + i] = on!.data[0] as number;
      }
    }
    return [{ dtype: on!.dtype, dims: outDims, data: out }];
  },
};

/** ReverseSequence-1: the first seq_lengths[b] elements along seq_axis reversed, per batch entry b. */
const reverseSequence: OvOpDef = {
  exact: true,
  infer(inputs, { node }) {
    const x = required(inputs, 0);
    axisIn(intAttr(node, "batch_axis", 0), x.dims.length, "batch_axis");
    axisIn(intAttr(node, "seq_axis", 1), x.dims.length, "seq_axis");
    return [{ dtype: x.dtype, dims: x.dims }];
  },
  run([x, lengths], { node }) {
    const dims = x!.dims;
    const batchAxis = norm(intAttr(node, "batch_axis", 0), dims.length);
    const seqAxis = norm(intAttr(node, "seq_axis", 1), dims.length);
    const strides = stridesOf(dims);
    const lens = ints(lengths!);
    const n = shapeSize(dims);
    const index = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const b = Math.floor(i / strides[batchAxis]!) % dims[batchAxis]!;
      const t = Math.floor(i / strides[seqAxis]!) % dims[seqAxis]!;
      const len = lens[b]!;
      index[i] = t < len ? i + (len - 1 - 2 * t) * strides[seqAxis]! : i;
    }
    return [ndTake(x!, dims, index)];
  },
};

/** NonZero-3: the coordinates of the non-zero elements, one row per axis (how many is only known at run time). */
const nonZero: OvOpDef = {
  infer(inputs, { node }) {
    return [{ dtype: indexType(node, "output_type", "i64"), dims: withDynamicDims("NonZero", 0, [required(inputs, 0).dims.length, 0]) }];
  },
  run([x], { node }) {
    const dims = x!.dims;
    const strides = stridesOf(dims);
    const hits: number[] = [];
    for (let i = 0; i < x!.data.length; i++) if (Number(x!.data[i]) !== 0) hits.push(i);
    const out = new Float64Array(dims.length * hits.length);
    for (const [k, flat] of hits.entries())
      for (const [a, d] of dims.entries()) out[a * hits.length + k] = Math.floor(flat / strides[a]!) % d;
    return [ndCast({ dtype: "float64", dims: [dims.length, hits.length], data: out }, indexType(node, "output_type", "i64"))];
  },
};

export const OV_INDEXING: Record<string, OvOpDef> = {
  Gather: gatherOp,
  GatherElements: gatherElements,
  GatherND: gatherND,
  ScatterElementsUpdate: scatterElementsUpdate,
  ScatterNDUpdate: scatterNDUpdate,
  OneHot: oneHot,
  ReverseSequence: reverseSequence,
  NonZero: nonZero,
};
