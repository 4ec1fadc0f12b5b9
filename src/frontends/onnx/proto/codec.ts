/**
 * protobufjs reflection codec for the ONNX messages in schema.ts, plus TypeScript shapes of
 * the decoded messages (only what the loader/saver touch). int64 fields decode as `Long`
 * so that values such as INT64_MAX (Slice's "to the end") stay exact; the IR converts them
 * to bigint at its boundary.
 */
import Long from "long";
import protobuf from "protobufjs";
import { ONNX_PROTO_JSON } from "./schema.js";

// protobufjs looks for `long` through a dynamic require that does not work from ESM; hand it over.
protobuf.util.Long = Long;
protobuf.configure();

const root = protobuf.Root.fromJSON(ONNX_PROTO_JSON as unknown as protobuf.INamespace);

export const ModelProtoType = root.lookupType("onnx.ModelProto");
export const TensorProtoType = root.lookupType("onnx.TensorProto");
export const GraphProtoType = root.lookupType("onnx.GraphProto");
export const NodeProtoType = root.lookupType("onnx.NodeProto");

export type Int64 = Long | number;

export interface PStringString {
  key?: string;
  value?: string;
}
export interface POpsetId {
  domain?: string;
  version?: Int64;
}
export interface PTensor {
  dims?: Int64[];
  data_type?: number;
  segment?: { begin?: Int64; end?: Int64 };
  float_data?: number[];
  int32_data?: number[];
  string_data?: Uint8Array[];
  int64_data?: Int64[];
  name?: string;
  doc_string?: string;
  raw_data?: Uint8Array;
  external_data?: PStringString[];
  data_location?: number;
  double_data?: number[];
  uint64_data?: Int64[];
  metadata_props?: PStringString[];
}
export interface PSparseTensor {
  values?: PTensor;
  indices?: PTensor;
  dims?: Int64[];
}
export interface PDimension {
  dim_value?: Int64;
  dim_param?: string;
  denotation?: string;
}
export interface PShape {
  dim?: PDimension[];
}
export interface PType {
  tensor_type?: { elem_type?: number; shape?: PShape };
  sequence_type?: { elem_type?: PType };
  map_type?: { key_type?: number; value_type?: PType };
  optional_type?: { elem_type?: PType };
  sparse_tensor_type?: { elem_type?: number; shape?: PShape };
  opaque_type?: { domain?: string; name?: string };
  denotation?: string;
}
export interface PValueInfo {
  name?: string;
  type?: PType;
  doc_string?: string;
  metadata_props?: PStringString[];
}
export interface PAttribute {
  name?: string;
  ref_attr_name?: string;
  doc_string?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: PTensor;
  g?: PGraph;
  sparse_tensor?: PSparseTensor;
  tp?: PType;
  floats?: number[];
  ints?: Int64[];
  strings?: Uint8Array[];
  tensors?: PTensor[];
  graphs?: PGraph[];
  sparse_tensors?: PSparseTensor[];
  type_protos?: PType[];
}
export interface PNode {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  overload?: string;
  attribute?: PAttribute[];
  doc_string?: string;
  metadata_props?: PStringString[];
  /** Multi-device annotations: carried through untouched. */
  device_configurations?: unknown[];
}
export interface PGraph {
  node?: PNode[];
  name?: string;
  initializer?: PTensor[];
  sparse_initializer?: PSparseTensor[];
  doc_string?: string;
  input?: PValueInfo[];
  output?: PValueInfo[];
  value_info?: PValueInfo[];
  quantization_annotation?: { tensor_name?: string; quant_parameter_tensor_names?: PStringString[] }[];
  metadata_props?: PStringString[];
}
export interface PFunction {
  name?: string;
  input?: string[];
  output?: string[];
  attribute?: string[];
  attribute_proto?: PAttribute[];
  node?: PNode[];
  doc_string?: string;
  opset_import?: POpsetId[];
  domain?: string;
  overload?: string;
  value_info?: PValueInfo[];
  metadata_props?: PStringString[];
}
export interface PModel {
  ir_version?: Int64;
  opset_import?: POpsetId[];
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: Int64;
  doc_string?: string;
  graph?: PGraph;
  metadata_props?: PStringString[];
  /** Training graphs: carried through untouched (not part of the inference IR). */
  training_info?: unknown[];
  functions?: PFunction[];
  configuration?: unknown[];
}

/** Throws protobufjs errors on malformed input; callers wrap them into load errors. */
export function decodeModelProto(bytes: Uint8Array): PModel {
  return ModelProtoType.decode(bytes) as unknown as PModel;
}

export function decodeTensorProto(bytes: Uint8Array): PTensor {
  return TensorProtoType.decode(bytes) as unknown as PTensor;
}

export function encodeModelProto(model: PModel): Uint8Array {
  return ModelProtoType.encode(model as unknown as protobuf.Message).finish();
}

export function encodeTensorProto(tensor: PTensor): Uint8Array {
  return TensorProtoType.encode(tensor as unknown as protobuf.Message).finish();
}

/** True when a decoded message carries the field (proto2 presence), not just its default. */
export function has<T extends object>(msg: T, field: keyof T): boolean {
  return Object.hasOwn(msg, field);
}

/** Exact int64 → bigint. */
export function toBigInt(v: Int64 | undefined | null): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === "number") return BigInt(v);
  return (BigInt(v.high) << 32n) | BigInt(v.low >>> 0);
}

/** bigint → Long for encoding (wraps to 64 bits as protobuf does). */
export function toLong(v: bigint, unsigned = false): Long {
  const u = BigInt.asUintN(64, v);
  return new Long(Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0, unsigned);
}
