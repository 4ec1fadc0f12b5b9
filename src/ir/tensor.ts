/**
 * Constant tensors. A tensor's payload is kept the way the file has it for as long as
 * possible: a (possibly unaligned) view on the model file's bytes, bytes of the model file
 * still unread (large weights, src/util/deferred-bytes.ts), or a reference into an
 * external-data file; the last two are read on first use. Nothing is converted until asked for.
 *
 * Raw layout is ONNX `raw_data`: little-endian, row-major, sub-byte types packed low bits
 * first. This module assumes a little-endian host (x86-64, ARM64), as onnxruntime does.
 */

import type { DeferredBytes } from "../util/deferred-bytes.js";
import { byteLengthOf, type DTypeName, dtypeInfo } from "./dtype.js";
import {
  bf16ArrayToFloat32,
  type Fp8Format,
  fp8BitsToFloat32,
  fp16ArrayToFloat32,
  unpackFp4,
  unpackInt2,
  unpackInt4,
} from "./numeric/float-bits.js";
import { shapeSize } from "./shape.js";

/** Where an external tensor's bytes live; kept so that save can report and tools can show it. */
export interface ExternalRef {
  /** `location` exactly as written in the model. */
  readonly location: string;
  /** Resolved absolute path (already checked to be inside the model's folder). */
  readonly path: string;
  readonly offset: number;
  readonly length: number;
  readonly checksum?: string;
}

/** Raw bytes must be exactly dtype × dims (strings have no raw layout). */
function checkRawLength(dtype: DTypeName, dims: readonly number[], length: number): void {
  if (dtype === "string") throw new TypeError("string tensors are built with Tensor.fromStrings");
  const expected = byteLengthOf(dtype, shapeSize(dims));
  if (length !== expected) throw new RangeError(`${dtype}[${dims.join(",")}] needs ${expected} bytes of data, got ${length}`);
}

type Payload =
  | { readonly kind: "bytes"; readonly bytes: Uint8Array }
  | { readonly kind: "deferred"; readonly deferred: DeferredBytes }
  | { readonly kind: "external"; readonly ref: ExternalRef; readonly read: () => Uint8Array }
  | { readonly kind: "strings"; readonly strings: readonly Uint8Array[] };

export type NumericArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

export class Tensor {
  readonly dtype: DTypeName;
  readonly dims: readonly number[];
  /** Name the tensor had in the file (initializers, Constant values); informational. */
  name: string | undefined;
  docString: string | undefined;
  metadataProps: { key: string; value: string }[] | undefined;
  private payload: Payload;
  private cachedBytes: Uint8Array | undefined;

  private constructor(dtype: DTypeName, dims: readonly number[], payload: Payload) {
    for (const d of dims) {
      if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`invalid tensor dimension ${d}`);
    }
    this.dtype = dtype;
    this.dims = Object.freeze([...dims]);
    this.payload = payload;
    this.name = undefined;
    this.docString = undefined;
    this.metadataProps = undefined;
  }

  /** Wraps raw little-endian bytes (no copy). The length must match dtype × dims. */
  static fromBytes(dtype: DTypeName, dims: readonly number[], bytes: Uint8Array): Tensor {
    checkRawLength(dtype, dims, bytes.byteLength);
    return new Tensor(dtype, dims, { kind: "bytes", bytes });
  }

  /** Copies a typed array's bytes; the array's element type must fit the dtype's width. */
  static fromArray(dtype: DTypeName, dims: readonly number[], data: NumericArray): Tensor {
    return Tensor.fromBytes(dtype, dims, copyBytes(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
  }

  static fromStrings(dims: readonly number[], strings: readonly (string | Uint8Array)[]): Tensor {
    if (strings.length !== shapeSize(dims)) {
      throw new RangeError(`string[${dims.join(",")}] needs ${shapeSize(dims)} strings, got ${strings.length}`);
    }
    const enc = new TextEncoder();
    const raw = strings.map((s) => (typeof s === "string" ? enc.encode(s) : s));
    return new Tensor("string", dims, { kind: "strings", strings: raw });
  }

  /** A tensor whose bytes are still in the model file (read on first use, shared by every tensor over them). */
  static fromDeferred(dtype: DTypeName, dims: readonly number[], deferred: DeferredBytes): Tensor {
    checkRawLength(dtype, dims, deferred.byteLength);
    return new Tensor(dtype, dims, { kind: "deferred", deferred });
  }

  /** A tensor whose bytes are read from an external file on first use. */
  static fromExternal(dtype: DTypeName, dims: readonly number[], ref: ExternalRef, read: () => Uint8Array): Tensor {
    const expected = byteLengthOf(dtype, shapeSize(dims));
    if (ref.length !== expected) {
      throw new RangeError(`${dtype}[${dims.join(",")}] needs ${expected} bytes, external data has ${ref.length}`);
    }
    return new Tensor(dtype, dims, { kind: "external", ref, read });
  }

  /** Number of elements. */
  get size(): number {
    return shapeSize(this.dims);
  }

  get rank(): number {
    return this.dims.length;
  }

  /** Bytes of the payload (for strings: the sum of the strings' lengths). */
  get byteLength(): number {
    switch (this.payload.kind) {
      case "bytes":
        return this.payload.bytes.byteLength;
      case "deferred":
        return this.payload.deferred.byteLength;
      case "external":
        return this.payload.ref.length;
      case "strings":
        return this.payload.strings.reduce((n, s) => n + s.byteLength, 0);
    }
    return 0;
  }

  /** The external-data reference while the payload has not been materialised in memory. */
  get external(): ExternalRef | undefined {
    return this.payload.kind === "external" ? this.payload.ref : undefined;
  }

  /**
   * The bytes as they wait in the model file, for work that can copy or sample them without
   * keeping them (saving, CSE's content ids); undefined for bytes in memory from the start.
   */
  get deferred(): DeferredBytes | undefined {
    return this.payload.kind === "deferred" ? this.payload.deferred : undefined;
  }

  /** Raw little-endian bytes; reads deferred or external data on first call. May be an unaligned view. */
  bytes(): Uint8Array {
    switch (this.payload.kind) {
      case "bytes":
        return this.payload.bytes;
      case "deferred":
        return this.payload.deferred.bytes();
      case "external":
        this.cachedBytes ??= this.payload.read();
        return this.cachedBytes;
      case "strings":
        throw new TypeError("string tensors have no raw bytes; use strings()");
    }
  }

  /** UTF-8 bytes of each element of a string tensor. */
  stringBytes(): readonly Uint8Array[] {
    if (this.payload.kind !== "strings") throw new TypeError(`${this.dtype} tensor is not a string tensor`);
    return this.payload.strings;
  }

  strings(): string[] {
    const dec = new TextDecoder();
    return this.stringBytes().map((s) => dec.decode(s));
  }

  /**
   * The payload as the dtype's natural typed array (float16/bfloat16 as Uint16Array bits,
   * 8-bit floats as Uint8Array bits, packed sub-byte types as their packed bytes). Always an
   * aligned array; a copy when the stored view is unaligned.
   */
  data(): NumericArray {
    const raw = this.bytes();
    const ctor = typedArrayFor(this.dtype);
    const width = ctor.BYTES_PER_ELEMENT;
    const buf = raw.byteOffset % width === 0 ? raw : copyBytes(raw);
    return new ctor(buf.buffer, buf.byteOffset, buf.byteLength / width) as NumericArray;
  }

  /** Every element as float32 (int64 beyond 2^24 loses precision, as a cast would). */
  toFloat32(): Float32Array {
    const n = this.size;
    switch (this.dtype) {
      case "float32":
        return Float32Array.from(this.data() as Float32Array);
      case "float16":
        return fp16ArrayToFloat32(this.data() as Uint16Array);
      case "bfloat16":
        return bf16ArrayToFloat32(this.data() as Uint16Array);
      case "float8e4m3fn":
      case "float8e4m3fnuz":
      case "float8e5m2":
      case "float8e5m2fnuz":
      case "float8e8m0": {
        const bits = this.bytes();
        const out = new Float32Array(n);
        for (let i = 0; i < n; i++) out[i] = fp8BitsToFloat32(bits[i]!, this.dtype as Fp8Format);
        return out;
      }
      case "float4e2m1":
        return unpackFp4(this.bytes(), n);
      case "int4":
      case "uint4":
        return Float32Array.from(unpackInt4(this.bytes(), n, this.dtype === "int4"));
      case "int2":
      case "uint2":
        return Float32Array.from(unpackInt2(this.bytes(), n, this.dtype === "int2"));
      case "string":
      case "complex64":
      case "complex128":
        throw new TypeError(`${this.dtype} tensors have no float32 view`);
      default: {
        const src = this.data();
        const out = new Float32Array(n);
        for (let i = 0; i < n; i++) out[i] = Number(src[i] as number | bigint);
        return out;
      }
    }
  }

  /** Integer elements as exact bigints (for int64 shape/axes constants and attributes). */
  toBigInts(): bigint[] {
    const info = dtypeInfo(this.dtype);
    if (info.kind !== "int" && info.kind !== "uint" && info.kind !== "bool") {
      throw new TypeError(`${this.dtype} tensor is not an integer tensor`);
    }
    if (info.bits < 8) {
      return Array.from(
        info.bits === 4
          ? unpackInt4(this.bytes(), this.size, info.kind === "int")
          : unpackInt2(this.bytes(), this.size, info.kind === "int"),
        (v) => BigInt(v),
      );
    }
    const src = this.data();
    const out = new Array<bigint>(src.length);
    for (let i = 0; i < src.length; i++) out[i] = BigInt(src[i] as number | bigint);
    return out;
  }

  /** Integer elements as numbers; throws when one is outside the safe-integer range. */
  toIntegers(): number[] {
    return this.toBigInts().map((b) => {
      const n = Number(b);
      if (!Number.isSafeInteger(n)) throw new RangeError(`value ${b} of ${this.name ?? "tensor"} is not a safe integer`);
      return n;
    });
  }

  /** Drops the external reference by reading the bytes into memory (e.g. before saving inline). */
  materialize(): this {
    if (this.payload.kind === "external") this.payload = { kind: "bytes", bytes: this.bytes() };
    return this;
  }
}

/**
 * Bytes [from, from + length) of a tensor's payload: a view when they are in memory, else read
 * from the model file into `scratch` (at least `length` bytes; the result is valid until it is
 * reused). For passes over weights that look at each part once and keep nothing (FP16 checks
 * and conversion, hashing, writing an IR's .bin), so weights the load left in the file stay there.
 */
export function payloadPart(t: Tensor, from: number, length: number, scratch: Uint8Array): Uint8Array {
  const deferred = t.deferred;
  if (deferred && !deferred.loaded) {
    const part = scratch.subarray(0, length);
    deferred.copyTo(part, from);
    return part;
  }
  return t.bytes().subarray(from, from + length);
}

/** Calls `visit` with the payload in order, in parts of at most `scratch.byteLength` bytes (payloadPart). */
export function forEachPayloadPart(t: Tensor, scratch: Uint8Array, visit: (part: Uint8Array) => void): void {
  const total = t.byteLength;
  for (let from = 0; from < total; from += scratch.byteLength)
    visit(payloadPart(t, from, Math.min(scratch.byteLength, total - from), scratch));
}

/**
 * A fresh copy at offset 0 of its own buffer. (Node's Buffer#slice returns a view, so
 * `.slice()` on bytes read from a file would not copy.)
 */
export function copyBytes(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(src.byteLength);
  out.set(src);
  return out;
}

/** The typed-array constructor that holds one element of a dtype (bit patterns for exotic floats). */
export function typedArrayFor(dtype: DTypeName): {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): NumericArray;
  readonly BYTES_PER_ELEMENT: number;
} {
  switch (dtype) {
    case "float32":
      return Float32Array;
    case "float64":
      return Float64Array;
    case "int8":
      return Int8Array;
    case "int16":
      return Int16Array;
    case "uint16":
    case "float16":
    case "bfloat16":
      return Uint16Array;
    case "int32":
      return Int32Array;
    case "uint32":
      return Uint32Array;
    case "int64":
      return BigInt64Array;
    case "uint64":
      return BigUint64Array;
    case "complex64":
      return Float32Array;
    case "complex128":
      return Float64Array;
    case "string":
      throw new TypeError("string tensors have no typed array");
    default:
      // uint8, bool, 8-bit floats and packed sub-byte types are byte arrays.
      return Uint8Array;
  }
}

/** A sparse tensor: COO indices ([NNZ] linear or [NNZ, rank]) and values ([NNZ]). */
export interface SparseTensor {
  readonly values: Tensor;
  readonly indices: Tensor;
  readonly dims: readonly number[];
}
