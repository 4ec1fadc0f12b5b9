/**
 * Plain N-d arrays for kernels (constant folding and the OpenVINO interpreter).
 * Values are held in the widest exact JS form of their dtype class: float types in a
 * Float64Array (so one rounding happens at the end, like a float32 kernel computing in
 * float32 — +,−,×,÷ rounded once from double equal the float32 results), 64-bit integers in
 * BigInt64Array/BigUint64Array (exact), other integers and bool in Float64Array (exact).
 */
import { type DTypeName, dtypeInfo } from "../ir/dtype.js";
import {
  type E8M0Rounding,
  type Fp8Format,
  float32ArrayToBf16,
  float32ArrayToFp16,
  float32ToFp8Bits,
  fp16ArrayToFloat64,
  packFp4,
  packInt2,
  packInt4,
} from "../ir/numeric/float-bits.js";
import { shapeSize, stridesOf } from "../ir/shape.js";
import { type NumericArray, Tensor, typedArrayFor } from "../ir/tensor.js";

export type NdData = Float64Array | BigInt64Array | BigUint64Array;

export interface NdArray {
  readonly dtype: DTypeName;
  readonly dims: readonly number[];
  readonly data: NdData;
}

export function isBigDtype(dtype: DTypeName): boolean {
  return dtype === "int64" || dtype === "uint64";
}

export function ndFromTensor(t: Tensor): NdArray {
  if (t.dtype === "string") throw new TypeError("string tensors have no numeric view");
  if (t.dtype === "int64") return { dtype: t.dtype, dims: t.dims, data: BigInt64Array.from(t.data() as BigInt64Array) };
  if (t.dtype === "uint64") return { dtype: t.dtype, dims: t.dims, data: BigUint64Array.from(t.data() as BigUint64Array) };
  const info = dtypeInfo(t.dtype);
  if (info.kind === "complex") throw new TypeError("complex tensors are not supported by the kernels");
  if (t.dtype === "float16") return { dtype: t.dtype, dims: t.dims, data: fp16ArrayToFloat64(t.data() as Uint16Array) };
  // Typed-array construction widens every element exactly, at memory speed.
  if ((info.kind === "float" && t.dtype !== "float64" && t.dtype !== "float32") || info.bits < 8)
    return { dtype: t.dtype, dims: t.dims, data: new Float64Array(t.toFloat32()) };
  return { dtype: t.dtype, dims: t.dims, data: new Float64Array(t.data() as Exclude<NumericArray, BigInt64Array | BigUint64Array>) };
}

/**
 * How narrow float targets are produced (ONNX Cast's saturate and round_mode attributes).
 * Without options the conversion is exact where the value is representable (±Inf stays Inf
 * in float8e5m2), which is what re-storing an already-converted array needs.
 */
export interface CastOptions {
  saturate?: boolean;
  roundMode?: E8M0Rounding;
}

/** Converts values to a dtype the way ONNX Cast does (float → int truncates toward zero). */
function castInto(dtype: DTypeName, src: NdData, n: number, options: CastOptions = {}): NumericArray | Uint8Array {
  const ctor = typedArrayFor(dtype);
  switch (dtype) {
    case "float16": {
      const f = new Float32Array(n);
      for (let i = 0; i < n; i++) f[i] = Number(src[i]);
      return float32ArrayToFp16(f);
    }
    case "bfloat16": {
      const f = new Float32Array(n);
      for (let i = 0; i < n; i++) f[i] = Number(src[i]);
      return float32ArrayToBf16(f);
    }
    case "float8e4m3fn":
    case "float8e4m3fnuz":
    case "float8e5m2":
    case "float8e5m2fnuz":
    case "float8e8m0":
      return Uint8Array.from({ length: n }, (_, i) =>
        float32ToFp8Bits(Number(src[i]), dtype as Fp8Format, options.saturate ?? false, options.roundMode ?? "up"),
      );
    case "float4e2m1":
      return packFp4(Array.from({ length: n }, (_, i) => Number(src[i])));
    case "int4":
    case "uint4":
      return packInt4(
        Array.from({ length: n }, (_, i) => wrapInt(Number(src[i]), 4, dtype === "int4")),
        dtype === "int4",
      );
    case "int2":
    case "uint2":
      return packInt2(
        Array.from({ length: n }, (_, i) => wrapInt(Number(src[i]), 2, dtype === "int2")),
        dtype === "int2",
      );
    case "int64": {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = toBigIntTrunc(src[i]!);
      return out;
    }
    case "uint64": {
      const out = new BigUint64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt.asUintN(64, toBigIntTrunc(src[i]!));
      return out;
    }
    case "bool": {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = Number(src[i]) !== 0 ? 1 : 0;
      return out;
    }
    default: {
      const out = new ctor(new ArrayBuffer(n * ctor.BYTES_PER_ELEMENT), 0, n);
      const float = dtypeInfo(dtype).kind === "float";
      for (let i = 0; i < n; i++) {
        const v = Number(src[i]);
        // Typed arrays wrap integers modulo 2^bits after truncation, as C casts do.
        (out as Float64Array)[i] = float ? v : Number.isFinite(v) ? Math.trunc(v) : 0;
      }
      return out;
    }
  }
}

function wrapInt(v: number, bits: number, signed: boolean): number {
  const m = 1 << bits;
  const w = (((Math.trunc(v) % m) + m) % m) | 0;
  return signed && w >= m / 2 ? w - m : w;
}

function toBigIntTrunc(v: number | bigint): bigint {
  if (typeof v === "bigint") return v;
  if (!Number.isFinite(v)) return 0n;
  return BigInt(Math.trunc(v));
}

export function ndToTensor(a: NdArray, options: CastOptions = {}): Tensor {
  const n = shapeSize(a.dims);
  const typed = castInto(a.dtype, a.data, n, options);
  return Tensor.fromBytes(a.dtype, a.dims, new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength));
}

/** Re-types an array's values (ONNX Cast). */
export function ndCast(a: NdArray, to: DTypeName, options: CastOptions = {}): NdArray {
  if (to === a.dtype) return a;
  const n = a.data.length;
  if (isBigDtype(to)) {
    const out = to === "int64" ? new BigInt64Array(n) : new BigUint64Array(n);
    for (let i = 0; i < n; i++)
      out[i] = to === "int64" ? BigInt.asIntN(64, toBigIntTrunc(a.data[i]!)) : BigInt.asUintN(64, toBigIntTrunc(a.data[i]!));
    return { dtype: to, dims: a.dims, data: out };
  }
  // Round-trip through the target's storage so the values are exactly representable ones.
  const t = ndToTensor(
    { dtype: to, dims: a.dims, data: Float64Array.from(a.data as ArrayLike<number | bigint>, (v) => Number(v)) },
    options,
  );
  return ndFromTensor(t);
}

export function ndScalarValues(a: NdArray): number[] {
  return Array.from(a.data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** Numpy-style broadcast of two shapes; undefined when incompatible. */
export function broadcastDims(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return undefined;
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** For each output element, the index into an input of `dims` broadcast to `outDims`. */
export function broadcastIndex(dims: readonly number[], outDims: readonly number[]): Int32Array {
  const n = shapeSize(outDims);
  const idx = new Int32Array(n);
  const rank = outDims.length;
  const inStrides = stridesOf(dims);
  // Stride 0 on broadcast axes; leading missing axes are broadcast too.
  const strides = outDims.map((_, i) => {
    const k = i - (rank - dims.length);
    return k < 0 || dims[k] === 1 ? 0 : inStrides[k]!;
  });
  const counter = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let i = 0; i < n; i++) {
    idx[i] = offset;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      offset += strides[d]!;
      if (counter[d]! < outDims[d]!) break;
      offset -= strides[d]! * counter[d]!;
      counter[d] = 0;
    }
  }
  return idx;
}

/**
 * The most elements any kernel allocates: element offsets are held in Int32Arrays. The
 * interpreter refuses bigger outputs at their node, with the shared per-tensor byte limit
 * (src/util/limits.ts), before a kernel is called; this bound also protects kernels called
 * directly (constant folding, tests).
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;

/**
 * Walks an output of `outDims` that broadcasts two inputs of `aDims` and `bDims` as runs:
 * stretches of consecutive output elements along which each input's offset advances by a
 * fixed step (1, or 0 for a broadcast input). Axes that are contiguous in both inputs are
 * merged, so a same-shape pair is one run and a per-channel bias one run per channel. Runs
 * come in output order; `visit` is called once per run, never per element.
 */
export function forEachBroadcastRun(
  aDims: readonly number[],
  bDims: readonly number[],
  outDims: readonly number[],
  visit: (out: number, a: number, b: number, length: number, aStep: number, bStep: number) => void,
): void {
  const rank = outDims.length;
  const aStrides = stridesOf(aDims);
  const bStrides = stridesOf(bDims);
  const strideIn = (dims: readonly number[], strides: readonly number[], d: number) => {
    const k = d - (rank - dims.length);
    return k < 0 || dims[k] === 1 ? 0 : strides[k]!;
  };
  // Merged axes, innermost first: length and the two input strides.
  const len: number[] = [];
  const sa: number[] = [];
  const sb: number[] = [];
  for (let d = rank - 1; d >= 0; d--) {
    const n = outDims[d]!;
    if (n === 0) return;
    if (n === 1) continue;
    const a = strideIn(aDims, aStrides, d);
    const b = strideIn(bDims, bStrides, d);
    const top = len.length - 1;
    if (top >= 0 && a === sa[top]! * len[top]! && b === sb[top]! * len[top]!) len[top]! *= n;
    else {
      len.push(n);
      sa.push(a);
      sb.push(b);
    }
  }
  if (len.length === 0) {
    visit(0, 0, 0, 1, 0, 0);
    return;
  }
  const runLength = len[0]!;
  const outer = len.length - 1;
  const counter = new Array<number>(outer).fill(0);
  let runs = 1;
  for (let k = 1; k <= outer; k++) runs *= len[k]!;
  let aOff = 0;
  let bOff = 0;
  for (let r = 0, o = 0; r < runs; r++, o += runLength) {
    visit(o, aOff, bOff, runLength, sa[0]!, sb[0]!);
    for (let k = 0; k < outer; k++) {
      const axis = k + 1;
      aOff += sa[axis]!;
      bOff += sb[axis]!;
      if (++counter[k]! < len[axis]!) break;
      aOff -= sa[axis]! * len[axis]!;
      bOff -= sb[axis]! * len[axis]!;
      counter[k] = 0;
    }
  }
}

/** Allocates data of the right class for a dtype (zero-filled). */
export function ndAlloc(dtype: DTypeName, n: number): NdData {
  if (!(n <= MAX_TENSOR_ELEMENTS))
    throw new RangeError(`a tensor of ${n} elements, more than the ${MAX_TENSOR_ELEMENTS} the kernels can index`);
  if (dtype === "int64") return new BigInt64Array(n);
  if (dtype === "uint64") return new BigUint64Array(n);
  return new Float64Array(n);
}

/** Gathers elements by flat index (used by transpose, slice, gather, expand …). */
export function ndTake(a: NdArray, dims: readonly number[], index: ArrayLike<number>): NdArray {
  const out = ndAlloc(a.dtype, index.length);
  const src = a.data;
  for (let i = 0; i < index.length; i++) (out as Float64Array)[i] = src[index[i]!] as number;
  return { dtype: a.dtype, dims, data: out };
}

/**
 * Flat source indices of a strided box: for every position of `counts` (row-major), the
 * element at start + position × step along each axis of an array of shape `dims`.
 * Slice, StridedSlice and VariadicSplit read through this.
 */
export function stridedIndex(
  dims: readonly number[],
  starts: readonly number[],
  counts: readonly number[],
  steps: readonly number[],
): Int32Array {
  const strides = stridesOf(dims);
  const n = shapeSize(counts);
  const index = new Int32Array(n);
  const c = new Array<number>(counts.length).fill(0);
  for (let k = 0; k < n; k++) {
    let off = 0;
    for (let d = 0; d < counts.length; d++) off += (starts[d]! + c[d]! * steps[d]!) * strides[d]!;
    index[k] = off;
    for (let d = counts.length - 1; d >= 0; d--) {
      if (++c[d]! < counts[d]!) break;
      c[d] = 0;
    }
  }
  return index;
}
