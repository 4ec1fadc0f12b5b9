/**
 * OpenVINO indexing and index-producing ops, written from the OpenVINO op specification:
 * TopK-3, GatherElements-6, GatherND-8, ScatterElementsUpdate-3, ScatterNDUpdate-3,
 * OneHot-1, CumSum-3, DepthToSpace-1, SpaceToDepth-1, Broadcast-3 and Range-4.
 * Index arithmetic runs in plain numbers; values are copied in their own storage class, so
 * int64 data stays exact.
 */
import { attr } from "../../ir/attribute.js";
import { shapeSize, stridesOf } from "../../ir/shape.js";
import { broadcastDims, broadcastIndex, type NdArray, ndAlloc, ndCast, ndTake } from "../ndarray.js";
import { SHAPE_OPS } from "../onnx/shape.js";
import { dtypeFromElementType } from "./element-types.js";
import { boolAttr, intAttr, ints, type OvOpDef, runOnnxKernel, strAttr } from "./op-def.js";

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** Splits dims around `axis` into (outer, length, inner) for slice-wise loops. */
function around(dims: readonly number[], axis: number): [number, number, number] {
  return [shapeSize(dims.slice(0, axis)), dims[axis]!, shapeSize(dims.slice(axis + 1))];
}

/** The element type an op writes its indices in (i32 by default, i64 on request). */
function indexType(node: Parameters<OvOpDef["run"]>[1]["node"], name: string, fallback: string) {
  return dtypeFromElementType(strAttr(node, name, fallback)) ?? "int32";
}

const topK: OvOpDef = {
  run([x, kIn], { node }) {
    const dims = x!.dims;
    const axis = norm(intAttr(node, "axis", -1), dims.length);
    const k = ints(kIn!)[0]!;
    const largest = strAttr(node, "mode", "max") === "max";
    const byIndex = strAttr(node, "sort", "none") === "index";
    const [outer, len, inner] = around(dims, axis);
    const outDims = dims.map((d, i) => (i === axis ? k : d));
    const n = shapeSize(outDims);
    const values = ndAlloc(x!.dtype, n);
    const indices = new Float64Array(n);
    const order = Array.from({ length: len }, (_, i) => i);
    const src = x!.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i;
        const at = (j: number) => Number(src[base + j * inner]);
        // Stable: equal values keep the lower index first, as ONNX TopK requires.
        order.sort((a, b) => (largest ? at(b) - at(a) : at(a) - at(b)) || a - b);
        const chosen = order.slice(0, k);
        if (byIndex) chosen.sort((a, b) => a - b);
        chosen.forEach((j, r) => {
          const out = o * k * inner + r * inner + i;
          (values as Float64Array)[out] = src[base + j * inner] as number;
          indices[out] = j;
        });
        for (let j = 0; j < len; j++) order[j] = j;
      }
    }
    const idx = ndCast({ dtype: "float64", dims: outDims, data: indices }, indexType(node, "index_element_type", "i32"));
    return [{ dtype: x!.dtype, dims: outDims, data: values }, idx];
  },
};

const gatherElements: OvOpDef = {
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

const gatherND: OvOpDef = {
  run([data, indices], { node }) {
    const b = intAttr(node, "batch_dims", 0);
    const dims = data!.dims;
    const iDims = indices!.dims;
    const depth = iDims[iDims.length - 1]!;
    const sliceDims = dims.slice(b + depth);
    const sliceSize = shapeSize(sliceDims);
    const batch = shapeSize(dims.slice(0, b));
    const perBatchData = shapeSize(dims.slice(b));
    const tuples = shapeSize(iDims.slice(b, -1));
    const strides = stridesOf(dims.slice(b));
    const outDims = [...iDims.slice(0, -1), ...sliceDims];
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

const scatterElementsUpdate: OvOpDef = {
  run([data, indices, updates, axisIn]) {
    const out = copyOf(data!);
    const dims = data!.dims;
    const axis = norm(ints(axisIn!)[0]!, dims.length);
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
  run([indices, depthIn, on, off], { node }) {
    const depth = ints(depthIn!)[0]!;
    const iDims = indices!.dims;
    const axis = norm(intAttr(node, "axis", -1), iDims.length + 1);
    const outDims = [...iDims.slice(0, axis), depth, ...iDims.slice(axis)];
    const [outer, , inner] = around(outDims, axis);
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

const cumSum: OvOpDef = {
  run([x, axisIn], { node }) {
    const dims = x!.dims;
    const axis = norm(axisIn ? ints(axisIn)[0]! : 0, dims.length);
    const exclusive = boolAttr(node, "exclusive", false);
    const reverse = boolAttr(node, "reverse", false);
    const [outer, len, inner] = around(dims, axis);
    const big = typeof x!.data[0] === "bigint";
    const out = ndAlloc(x!.dtype, x!.data.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let acc: number | bigint = big ? 0n : 0;
        for (let s = 0; s < len; s++) {
          const j = reverse ? len - 1 - s : s;
          const at = (o * len + j) * inner + i;
          if (exclusive) {
            (out as Float64Array)[at] = acc as number;
            acc = (acc as number) + (x!.data[at] as number);
          } else {
            acc = (acc as number) + (x!.data[at] as number);
            (out as Float64Array)[at] = acc as number;
          }
        }
      }
    }
    return [{ dtype: x!.dtype, dims, data: out }];
  },
};

/** A reshape to `split`, a transpose by `perm`, and a reshape to `outDims`. */
function shuffle(x: NdArray, split: number[], perm: number[], outDims: number[]): NdArray {
  const [t] = runOnnxKernel(SHAPE_OPS.Transpose!, "Transpose", 13, [{ ...x, dims: split }], { perm: attr.ints(perm) });
  return { ...t!, dims: outDims };
}

/**
 * DepthToSpace and SpaceToDepth for any number of spatial axes: blocks_first keeps the
 * block offsets as the outer part of the channel index, depth_first as the inner part.
 */
const depthToSpace: OvOpDef = {
  run([x], { node }) {
    const bs = intAttr(node, "block_size", 1);
    const blocksFirst = strAttr(node, "mode", "blocks_first") === "blocks_first";
    const [n, c, ...sp] = x!.dims as number[];
    const k = sp.length;
    const cOut = c! / bs ** k;
    const blocks = new Array<number>(k).fill(bs);
    const split = blocksFirst ? [n!, ...blocks, cOut, ...sp] : [n!, cOut, ...blocks, ...sp];
    const blockAxis = (i: number) => (blocksFirst ? 1 + i : 2 + i);
    const depthAxis = blocksFirst ? 1 + k : 1;
    const perm = [0, depthAxis, ...sp.flatMap((_, i) => [k + 2 + i, blockAxis(i)])];
    return [shuffle(x!, split, perm, [n!, cOut, ...sp.map((d) => d * bs)])];
  },
};

const spaceToDepth: OvOpDef = {
  run([x], { node }) {
    const bs = intAttr(node, "block_size", 1);
    const blocksFirst = strAttr(node, "mode", "blocks_first") === "blocks_first";
    const [n, c, ...sp] = x!.dims as number[];
    const k = sp.length;
    const split = [n!, c!, ...sp.flatMap((d) => [d / bs, bs])];
    const outer = sp.map((_, i) => 2 + 2 * i);
    const blocks = sp.map((_, i) => 3 + 2 * i);
    const perm = blocksFirst ? [0, ...blocks, 1, ...outer] : [0, 1, ...blocks, ...outer];
    return [shuffle(x!, split, perm, [n!, c! * bs ** k, ...sp.map((d) => d / bs)])];
  },
};

/** ShuffleChannels-1: the axis split into [group, n/group], the two parts swapped. */
const shuffleChannels: OvOpDef = {
  run([x], { node }) {
    const dims = x!.dims as number[];
    const axis = norm(intAttr(node, "axis", 1), dims.length);
    const group = intAttr(node, "group", 1);
    const split = [...dims.slice(0, axis), group, dims[axis]! / group, ...dims.slice(axis + 1)];
    const perm = split.map((_, i) => (i === axis ? axis + 1 : i === axis + 1 ? axis : i));
    return [shuffle(x!, split, perm, dims)];
  },
};

const broadcast: OvOpDef = {
  run([x, shapeIn, axesMapping], { node }) {
    const target = ints(shapeIn!);
    const mode = strAttr(node, "mode", "numpy");
    if (mode === "explicit") {
      // Data axis i lands on target axis axes_mapping[i]; the other target axes are new.
      const map = ints(axesMapping!);
      const dims = target.map((_, i) => {
        const k = map.indexOf(i);
        return k < 0 ? 1 : x!.dims[k]!;
      });
      return [ndTake({ ...x!, dims }, target, broadcastIndex(dims, target))];
    }
    const out = mode === "bidirectional" ? broadcastDims(x!.dims, target) : target;
    if (!out || !broadcastDims(x!.dims, out)) throw new Error(`Broadcast: shape [${x!.dims}] cannot be broadcast to [${target}]`);
    return [ndTake(x!, out, broadcastIndex(x!.dims, out))];
  },
};

const range: OvOpDef = {
  run([startIn, stopIn, stepIn], { node }) {
    const [start, stop, step] = [startIn!, stopIn!, stepIn!].map((a) => Number(a.data[0])) as [number, number, number];
    const n = Math.max(0, Math.ceil((stop - start) / step));
    const values = Float64Array.from({ length: n }, (_, i) => start + i * step);
    const to = dtypeFromElementType(strAttr(node, "output_type", "")) ?? startIn!.dtype;
    return [ndCast({ dtype: "float64", dims: [n], data: values }, to)];
  },
};

/** ReverseSequence-1: the first seq_lengths[b] elements along seq_axis reversed, per batch entry b. */
const reverseSequence: OvOpDef = {
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

/** NonZero-3: the coordinates of the non-zero elements, one row per axis. */
const nonZero: OvOpDef = {
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
  TopK: topK,
  GatherElements: gatherElements,
  GatherND: gatherND,
  ScatterElementsUpdate: scatterElementsUpdate,
  ScatterNDUpdate: scatterNDUpdate,
  OneHot: oneHot,
  CumSum: cumSum,
  DepthToSpace: depthToSpace,
  SpaceToDepth: spaceToDepth,
  ShuffleChannels: shuffleChannels,
  Broadcast: broadcast,
  Range: range,
  ReverseSequence: reverseSequence,
  NonZero: nonZero,
};
