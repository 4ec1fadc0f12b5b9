/**
 * Element types of tensors. The canonical id of a dtype is its ONNX `TensorProto.DataType`
 * number, because ONNX has the richest set; OpenVINO element types map onto these names.
 *
 * Storage convention (see tensor.ts): every non-string tensor is kept as little-endian raw
 * bytes exactly as ONNX `raw_data` lays them out. Sub-byte types (int4, uint4, float4, int2,
 * uint2) are packed, low bits first, and a tensor's byte length is ceil(count * bits / 8).
 */

export type DTypeName =
  | "float32"
  | "uint8"
  | "int8"
  | "uint16"
  | "int16"
  | "int32"
  | "int64"
  | "string"
  | "bool"
  | "float16"
  | "float64"
  | "uint32"
  | "uint64"
  | "complex64"
  | "complex128"
  | "bfloat16"
  | "float8e4m3fn"
  | "float8e4m3fnuz"
  | "float8e5m2"
  | "float8e5m2fnuz"
  | "uint4"
  | "int4"
  | "float4e2m1"
  | "float8e8m0"
  | "uint2"
  | "int2";

export interface DTypeInfo {
  readonly name: DTypeName;
  /** ONNX TensorProto.DataType value. */
  readonly onnx: number;
  /** Bits per element in raw storage; 0 for string (variable length). */
  readonly bits: number;
  /** How element values are read when converted to JS numbers. */
  readonly kind: "float" | "int" | "uint" | "bool" | "string" | "complex";
  /** Name numpy uses in .npy headers (little-endian), or undefined when numpy has no such type. */
  readonly numpy?: string;
  /** ONNX TensorProto typed field that holds this dtype when raw_data is absent. */
  readonly onnxField?: "float_data" | "int32_data" | "int64_data" | "double_data" | "uint64_data" | "string_data";
}

/** One row per dtype; the order is the ONNX enum order. */
const TABLE: readonly DTypeInfo[] = [
  { name: "float32", onnx: 1, bits: 32, kind: "float", numpy: "<f4", onnxField: "float_data" },
  { name: "uint8", onnx: 2, bits: 8, kind: "uint", numpy: "|u1", onnxField: "int32_data" },
  { name: "int8", onnx: 3, bits: 8, kind: "int", numpy: "|i1", onnxField: "int32_data" },
  { name: "uint16", onnx: 4, bits: 16, kind: "uint", numpy: "<u2", onnxField: "int32_data" },
  { name: "int16", onnx: 5, bits: 16, kind: "int", numpy: "<i2", onnxField: "int32_data" },
  { name: "int32", onnx: 6, bits: 32, kind: "int", numpy: "<i4", onnxField: "int32_data" },
  { name: "int64", onnx: 7, bits: 64, kind: "int", numpy: "<i8", onnxField: "int64_data" },
  { name: "string", onnx: 8, bits: 0, kind: "string", onnxField: "string_data" },
  { name: "bool", onnx: 9, bits: 8, kind: "bool", numpy: "|b1", onnxField: "int32_data" },
  // fp16 and friends travel in int32_data as their bit patterns, one element per int32.
  { name: "float16", onnx: 10, bits: 16, kind: "float", numpy: "<f2", onnxField: "int32_data" },
  { name: "float64", onnx: 11, bits: 64, kind: "float", numpy: "<f8", onnxField: "double_data" },
  { name: "uint32", onnx: 12, bits: 32, kind: "uint", numpy: "<u4", onnxField: "uint64_data" },
  { name: "uint64", onnx: 13, bits: 64, kind: "uint", numpy: "<u8", onnxField: "uint64_data" },
  // complex64 is stored as interleaved float pairs in float_data; complex128 in double_data.
  { name: "complex64", onnx: 14, bits: 64, kind: "complex", numpy: "<c8", onnxField: "float_data" },
  { name: "complex128", onnx: 15, bits: 128, kind: "complex", numpy: "<c16", onnxField: "double_data" },
  { name: "bfloat16", onnx: 16, bits: 16, kind: "float", onnxField: "int32_data" },
  { name: "float8e4m3fn", onnx: 17, bits: 8, kind: "float", onnxField: "int32_data" },
  { name: "float8e4m3fnuz", onnx: 18, bits: 8, kind: "float", onnxField: "int32_data" },
  { name: "float8e5m2", onnx: 19, bits: 8, kind: "float", onnxField: "int32_data" },
  { name: "float8e5m2fnuz", onnx: 20, bits: 8, kind: "float", onnxField: "int32_data" },
  // Packed 4-bit types: two elements per int32_data entry's low byte in the typed-field form.
  { name: "uint4", onnx: 21, bits: 4, kind: "uint", onnxField: "int32_data" },
  { name: "int4", onnx: 22, bits: 4, kind: "int", onnxField: "int32_data" },
  { name: "float4e2m1", onnx: 23, bits: 4, kind: "float", onnxField: "int32_data" },
  { name: "float8e8m0", onnx: 24, bits: 8, kind: "float", onnxField: "int32_data" },
  { name: "uint2", onnx: 25, bits: 2, kind: "uint", onnxField: "int32_data" },
  { name: "int2", onnx: 26, bits: 2, kind: "int", onnxField: "int32_data" },
];

const BY_NAME = new Map<DTypeName, DTypeInfo>(TABLE.map((d) => [d.name, d]));
const BY_ONNX = new Map<number, DTypeInfo>(TABLE.map((d) => [d.onnx, d]));

export const ALL_DTYPES: readonly DTypeName[] = TABLE.map((d) => d.name);

export function dtypeInfo(name: DTypeName): DTypeInfo {
  const info = BY_NAME.get(name);
  if (!info) throw new Error(`unknown dtype ${String(name)}`);
  return info;
}

export function isDTypeName(s: string): s is DTypeName {
  return BY_NAME.has(s as DTypeName);
}

/** Returns undefined for 0 (UNDEFINED) and for numbers ONNX has not defined. */
export function dtypeFromOnnx(id: number): DTypeName | undefined {
  return BY_ONNX.get(id)?.name;
}

export function dtypeToOnnx(name: DTypeName): number {
  return dtypeInfo(name).onnx;
}

/** Bytes needed to store `count` elements in raw (packed, little-endian) form. */
export function byteLengthOf(name: DTypeName, count: number): number {
  const bits = dtypeInfo(name).bits;
  if (bits === 0) throw new Error("string tensors have no fixed byte length");
  return Math.ceil((count * bits) / 8);
}

export function isFloatDType(name: DTypeName): boolean {
  return dtypeInfo(name).kind === "float";
}

export function isIntegerDType(name: DTypeName): boolean {
  const k = dtypeInfo(name).kind;
  return k === "int" || k === "uint";
}

/**
 * An int64 value as a JS number. ONNX writes "to the end" as ±(2^63 − 1) (Slice ends, Range
 * limits), which no double holds exactly: values beyond ±2^53 are clamped to
 * ±Number.MAX_SAFE_INTEGER, which every consumer treats as "beyond any dimension".
 */
export function int64ToSafeNumber(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (v < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(v);
}
