/**
 * OpenVINO element types (the `element_type` of Parameter/Const data, and port `precision`
 * names) and how they map onto our dtypes. One row per type; `precision` is the upper-case
 * name IR ports use.
 */
import type { DTypeName } from "../../ir/dtype.js";

interface ElementType {
  readonly ov: string;
  readonly precision: string;
  readonly dtype: DTypeName;
}

const TABLE: readonly ElementType[] = [
  { ov: "f32", precision: "FP32", dtype: "float32" },
  { ov: "f16", precision: "FP16", dtype: "float16" },
  { ov: "bf16", precision: "BF16", dtype: "bfloat16" },
  { ov: "f64", precision: "FP64", dtype: "float64" },
  { ov: "i4", precision: "I4", dtype: "int4" },
  { ov: "i8", precision: "I8", dtype: "int8" },
  { ov: "i16", precision: "I16", dtype: "int16" },
  { ov: "i32", precision: "I32", dtype: "int32" },
  { ov: "i64", precision: "I64", dtype: "int64" },
  { ov: "u4", precision: "U4", dtype: "uint4" },
  { ov: "u8", precision: "U8", dtype: "uint8" },
  { ov: "u16", precision: "U16", dtype: "uint16" },
  { ov: "u32", precision: "U32", dtype: "uint32" },
  { ov: "u64", precision: "U64", dtype: "uint64" },
  { ov: "boolean", precision: "BOOL", dtype: "bool" },
  // OpenVINO 2022.3 (the last with the MYRIAD plugin) has no 8-bit float types.
];

const BY_OV = new Map(TABLE.map((t) => [t.ov, t]));
const BY_PRECISION = new Map(TABLE.map((t) => [t.precision, t]));
const BY_DTYPE = new Map(TABLE.map((t) => [t.dtype, t]));

export function dtypeFromElementType(et: string): DTypeName | undefined {
  return BY_OV.get(et)?.dtype;
}

export function dtypeFromPrecision(p: string): DTypeName | undefined {
  return BY_PRECISION.get(p.toUpperCase())?.dtype;
}

export function elementTypeOf(dtype: DTypeName): string | undefined {
  return BY_DTYPE.get(dtype)?.ov;
}

export function precisionOf(dtype: DTypeName): string | undefined {
  return BY_DTYPE.get(dtype)?.precision;
}
