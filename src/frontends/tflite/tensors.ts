/**
 * TFLite tensors as IR tensors: element types, constant data (a view on the file's bytes
 * whenever the bytes can be used as they are), dequantized weights and DENSIFY of sparse
 * constants, all done once at conversion time.
 */
import type { DTypeName } from "../../ir/dtype.js";
import { byteLengthOf } from "../../ir/dtype.js";
import { shapeSize, stridesOf } from "../../ir/shape.js";
import { Tensor } from "../../ir/tensor.js";
import { FlatError } from "./flat.js";
import type { TfliteQuantization, TfliteSparsity, TfliteTensor, TfliteTensorType } from "./schema.js";

const DTYPES: Partial<Record<TfliteTensorType, DTypeName>> = {
  FLOAT32: "float32",
  FLOAT16: "float16",
  INT32: "int32",
  UINT8: "uint8",
  INT64: "int64",
  STRING: "string",
  BOOL: "bool",
  INT16: "int16",
  COMPLEX64: "complex64",
  INT8: "int8",
  FLOAT64: "float64",
  COMPLEX128: "complex128",
  UINT64: "uint64",
  UINT32: "uint32",
  UINT16: "uint16",
  INT4: "int4",
  BFLOAT16: "bfloat16",
};

/** The IR element type of a TFLite tensor type, or undefined (RESOURCE, VARIANT). */
export function dtypeOfTflite(type: TfliteTensorType): DTypeName | undefined {
  return DTYPES[type];
}

/** A tensor whose (de)quantization matters: integer data with scales. */
export function isQuantized(t: TfliteTensor): t is TfliteTensor & { quantization: TfliteQuantization } {
  return (
    t.quantization !== undefined &&
    !t.quantization.custom &&
    t.quantization.scale.length > 0 &&
    (t.type === "INT8" || t.type === "UINT8" || t.type === "INT16" || t.type === "INT32" || t.type === "INT4")
  );
}

/** The constant data of a tensor with a buffer, as stored (a view, no copy), densified when sparse. */
export function constantTensor(t: TfliteTensor, data: Uint8Array): Tensor {
  const dtype = dtypeOfTflite(t.type);
  if (!dtype || dtype === "string") throw new FlatError(`tensor ${t.index} (${t.name}) holds ${t.type} constants, which are not supported`);
  if (t.sparsity) return densify(t, dtype, data);
  const expected = byteLengthOf(dtype, shapeSize(t.shape));
  if (data.byteLength !== expected)
    throw new FlatError(
      `tensor ${t.index} (${t.name}) ${t.type}[${t.shape.join(",")}] needs ${expected} bytes, its buffer has ${data.byteLength}`,
    );
  return Tensor.fromBytes(dtype, t.shape, data);
}

/**
 * Integer weights as float32: (q − zero_point) · scale, per tensor or per channel along
 * quantized_dimension (TFLite's dequantization formula).
 */
export function dequantizeConstant(t: TfliteTensor & { quantization: TfliteQuantization }, raw: Tensor): Tensor {
  const q = t.quantization;
  const values = raw.toFloat32();
  const out = new Float32Array(values.length);
  const dims = raw.dims;
  const axis = q.scale.length > 1 ? q.quantizedDimension : -1;
  if (axis >= dims.length)
    throw new FlatError(`tensor ${t.index} (${t.name}) is quantized along axis ${axis} of a rank-${dims.length} tensor`);
  const channels = axis < 0 ? 1 : dims[axis]!;
  if (axis >= 0 && q.scale.length !== channels)
    throw new FlatError(`tensor ${t.index} (${t.name}) has ${q.scale.length} scales for ${channels} channels`);
  const inner = axis < 0 ? 1 : stridesOf([...dims])[axis]!;
  for (let i = 0; i < values.length; i++) {
    const c = axis < 0 ? 0 : Math.floor(i / inner) % channels;
    const zp = Number(q.zeroPoint[c] ?? q.zeroPoint[0] ?? 0n);
    out[i] = Math.fround((values[i]! - zp) * q.scale[c]!);
  }
  return Tensor.fromArray("float32", dims, out);
}

/**
 * DENSIFY at conversion time: the stored values are walked in traversal order, dense levels
 * enumerating every index and CSR levels their segments, and each value is put at its place
 * in the dense tensor (block dimensions mapped back through block_map).
 */
export function densify(t: TfliteTensor, dtype: DTypeName, data: Uint8Array): Tensor {
  const s = t.sparsity as TfliteSparsity;
  const dims = t.shape;
  const n = dims.length;
  const levels = s.traversalOrder.length;
  const bad = (why: string): never => {
    throw new FlatError(`the sparse tensor ${t.index} (${t.name}) is malformed: ${why}`);
  };
  if (levels !== n + s.blockMap.length || s.dimMetadata.length !== levels) bad("traversal order, block map and dim metadata disagree");
  const width = byteLengthOf(dtype, 1);
  const blockSize = new Array<number>(n).fill(1);
  s.blockMap.forEach((d, k) => {
    if (d < 0 || d >= n) bad(`block map entry ${d}`);
    blockSize[d] = s.dimMetadata[s.traversalOrder.indexOf(n + k)]?.denseSize ?? bad("block dimension without metadata");
  });
  const strides = stridesOf(dims);
  const out = new Uint8Array(byteLengthOf(dtype, shapeSize(dims)));
  const coord = new Array<number>(levels).fill(0);
  let next = 0;
  const place = (): void => {
    let linear = 0;
    for (let d = 0; d < n; d++) {
      const block = coord[s.traversalOrder.indexOf(d)]!;
      const k = s.blockMap.indexOf(d);
      const inner = k < 0 ? 0 : coord[s.traversalOrder.indexOf(n + k)]!;
      const c = block * blockSize[d]! + inner;
      if (c >= dims[d]!) bad(`an index ${c} beyond dimension ${d} of size ${dims[d]}`);
      linear += c * strides[d]!;
    }
    if ((next + 1) * width > data.byteLength) bad("more indices than stored values");
    out.set(data.subarray(next * width, (next + 1) * width), linear * width);
    next++;
  };
  const walk = (level: number, parent: number): void => {
    if (level === levels) {
      place();
      return;
    }
    const m = s.dimMetadata[level]!;
    if (m.dense) {
      for (let i = 0; i < m.denseSize; i++) {
        coord[level] = i;
        walk(level + 1, parent * m.denseSize + i);
      }
      return;
    }
    const seg = m.segments ?? bad("a sparse level without segments");
    const idx = m.indices ?? bad("a sparse level without indices");
    const from = seg[parent] ?? bad("a segment index out of range");
    const to = seg[parent + 1] ?? bad("a segment index out of range");
    for (let j = from; j < to; j++) {
      coord[level] = idx[j] ?? bad("an index position out of range");
      walk(level + 1, j);
    }
  };
  walk(0, 0);
  return Tensor.fromBytes(dtype, dims, out);
}

/** Element views of a byte buffer for the common widths (the buffer must be aligned to the width). */
const VIEWS: Readonly<Record<number, (b: ArrayBufferLike, offset: number, length: number) => ArrayLike<number> & { [i: number]: number }>> =
  {
    1: (b, o, n) => new Uint8Array(b, o, n),
    2: (b, o, n) => new Uint16Array(b, o, n),
    4: (b, o, n) => new Uint32Array(b, o, n),
  };

/** A constant with its axes permuted (weights re-laid out once, at conversion time). */
export function permuteTensor(t: Tensor, perm: readonly number[]): Tensor {
  const dims = t.dims;
  const outDims = perm.map((p) => dims[p]!);
  const width = byteLengthOf(t.dtype, 1);
  // An aligned copy of the source, so elements can be moved as whole numbers rather than byte by byte.
  const src = t.bytes().slice();
  const out = new Uint8Array(src.byteLength);
  const inStrides = stridesOf([...dims]);
  const moved = perm.map((p) => inStrides[p]!);
  const n = shapeSize(outDims);
  const view = VIEWS[width];
  const from = view?.(src.buffer, src.byteOffset, n);
  const to = view?.(out.buffer, out.byteOffset, n);
  const idx = new Array<number>(outDims.length).fill(0);
  for (let o = 0; o < n; o++) {
    let at = 0;
    for (let k = 0; k < idx.length; k++) at += idx[k]! * moved[k]!;
    if (from && to) to[o] = from[at]!;
    else out.set(src.subarray(at * width, (at + 1) * width), o * width);
    for (let k = idx.length - 1; k >= 0; k--) {
      if (++idx[k]! < outDims[k]!) break;
      idx[k] = 0;
    }
  }
  return Tensor.fromBytes(t.dtype, outDims, out);
}
