/**
 * The type of a value: a tensor (dtype + shape, either possibly unknown) or one of ONNX's
 * container types. OpenVINO values are always tensors.
 */
import type { DTypeName } from "./dtype.js";
import { formatShape, type Shape } from "./shape.js";

export interface TensorType {
  readonly kind: "tensor";
  readonly dtype: DTypeName | undefined;
  readonly shape: Shape | undefined;
  /** Per-dimension denotations (ONNX `Dimension.denotation`), kept for round trips. */
  readonly dimDenotations?: readonly (string | undefined)[];
  readonly denotation?: string;
}
export interface SparseTensorType {
  readonly kind: "sparse_tensor";
  readonly dtype: DTypeName | undefined;
  readonly shape: Shape | undefined;
  readonly denotation?: string;
}
export interface SequenceType {
  readonly kind: "sequence";
  readonly elem: ValueType | undefined;
  readonly denotation?: string;
}
export interface MapType {
  readonly kind: "map";
  readonly key: DTypeName | undefined;
  readonly value: ValueType | undefined;
  readonly denotation?: string;
}
export interface OptionalType {
  readonly kind: "optional";
  readonly elem: ValueType | undefined;
  readonly denotation?: string;
}
export interface OpaqueType {
  readonly kind: "opaque";
  readonly domain: string;
  readonly name: string;
  readonly denotation?: string;
}

export type ValueType = TensorType | SparseTensorType | SequenceType | MapType | OptionalType | OpaqueType;

export function tensorType(dtype: DTypeName | undefined, shape?: Shape): TensorType {
  return { kind: "tensor", dtype, shape };
}

/** `float32[1,3,224,224]`, `seq(float32[?])`, … */
export function formatType(t: ValueType | undefined): string {
  if (t === undefined) return "?";
  switch (t.kind) {
    case "tensor":
      return `${t.dtype ?? "?"}${formatShape(t.shape)}`;
    case "sparse_tensor":
      return `sparse(${t.dtype ?? "?"}${formatShape(t.shape)})`;
    case "sequence":
      return `seq(${formatType(t.elem)})`;
    case "map":
      return `map(${t.key ?? "?"},${formatType(t.value)})`;
    case "optional":
      return `optional(${formatType(t.elem)})`;
    case "opaque":
      return `opaque(${t.domain}.${t.name})`;
  }
}

/** Structural equality; unknown parts only equal unknown parts. */
export function typesEqual(a: ValueType | undefined, b: ValueType | undefined): boolean {
  return formatType(a) === formatType(b);
}
