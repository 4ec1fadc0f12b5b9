/**
 * protobufjs reflection codec for the ONNX messages in schema.ts (the streamed load decodes
 * with the table decoder instead; see table-decoder.ts), plus TypeScript shapes of
 * the decoded messages (only what the loader/saver touch). int64 fields decode as `Long`
 * so that values such as INT64_MAX (Slice's "to the end") stay exact; the IR converts them
 * to bigint at its boundary.
 */
import Long from "long";
import protobuf from "protobufjs";
import { ONNX_PROTO_JSON } from "./schema.js";
import { decodeWithPlan, messagePlan } from "./table-decoder.js";

// protobufjs looks for `long` through a dynamic require that does not work from ESM; hand it over.
protobuf.util.Long = Long;
protobuf.configure();

// Built on first use: reflection costs ~10 ms at start, and a well-formed ONNX file is loaded
// without it (the streamed load), as is every file of another format.
let root: protobuf.Root | undefined;

/** The protobufjs type of an ONNX message ("ModelProto", "TensorProto", …). */
export function protoType(name: string): protobuf.Type {
  root ??= protobuf.Root.fromJSON(ONNX_PROTO_JSON as unknown as protobuf.INamespace);
  return root.lookupType(`onnx.${name}`);
}

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
  return protoType("ModelProto").decode(bytes) as unknown as PModel;
}

export function decodeTensorProto(bytes: Uint8Array): PTensor {
  return protoType("TensorProto").decode(bytes) as unknown as PTensor;
}

export function encodeModelProto(model: PModel): Uint8Array {
  return protoType("ModelProto")
    .encode(model as unknown as protobuf.Message)
    .finish();
}

export function encodeTensorProto(tensor: PTensor): Uint8Array {
  return protoType("TensorProto")
    .encode(tensor as unknown as protobuf.Message)
    .finish();
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

// --- streamed decoding ----------------------------------------------------------------------

/** Where the occurrences of one repeated field are in the bytes: payload start and length, pairs. */
export type FieldSpans = number[];

/**
 * A GraphProto whose node (1), initializer (5) and value_info (13) fields are left
 * undecoded: each is decoded on its own when the loader gets to it, so the decoded message
 * is garbage right after it became IR, instead of all of them living through the load.
 */
export interface StreamedGraph {
  /** The other fields, decoded. */
  readonly message: PGraph;
  readonly nodes: FieldSpans;
  readonly initializers: FieldSpans;
  readonly valueInfo: FieldSpans;
  /** Decodes the message at span `i` (0-based) of a list. */
  decodeNode(spans: FieldSpans, i: number): PNode;
  decodeTensor(spans: FieldSpans, i: number): PTensor;
  decodeValueInfo(spans: FieldSpans, i: number): PValueInfo;
}

/**
 * A new array of the input's kind: a Node Buffer gets a Buffer, because protobufjs decodes
 * the strings of a Buffer with Node's UTF-8 decoder and those of a plain array with its own.
 */
function sameKind(bytes: Uint8Array, length: number): Uint8Array {
  const kind = bytes.constructor as { allocUnsafe?: (n: number) => Uint8Array };
  return typeof kind.allocUnsafe === "function" ? kind.allocUnsafe(length) : new Uint8Array(length);
}

/**
 * The top-level fields of a message at [start, end): the spans of the `split` fields, and
 * every other field's bytes copied together in order. Undefined when the bytes are not
 * well-formed at this level (or use groups): the caller then decodes the whole message the
 * usual way, which reports the problem as it always has.
 */
function splitTopLevel(
  bytes: Uint8Array,
  start: number,
  end: number,
  split: readonly number[],
): { rest: Uint8Array; spans: FieldSpans[] } | undefined {
  const spans: FieldSpans[] = split.map(() => []);
  const kept: number[] = [];
  let keptBytes = 0;
  let pos = start;
  const varint = (): number | undefined => {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) return undefined;
      const b = bytes[pos++]!;
      v += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return v;
      scale *= 128;
    }
    return undefined;
  };
  while (pos < end) {
    const fieldStart = pos;
    const tag = varint();
    if (tag === undefined) return undefined;
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0) return undefined;
    let payload = -1;
    let length = 0;
    if (wire === 0) {
      if (varint() === undefined) return undefined;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const n = varint();
      if (n === undefined) return undefined;
      payload = pos;
      length = n;
      pos += n;
    } else return undefined;
    if (pos > end) return undefined;
    const k = split.indexOf(field);
    if (k < 0) {
      kept.push(fieldStart, pos);
      keptBytes += pos - fieldStart;
    } else if (payload < 0) return undefined;
    else spans[k]!.push(payload, length);
  }
  const rest = sameKind(bytes, keptBytes);
  for (let i = 0, at = 0; i < kept.length; i += 2) {
    rest.set(bytes.subarray(kept[i]!, kept[i + 1]!), at);
    at += kept[i + 1]! - kept[i]!;
  }
  return { rest, spans };
}

/**
 * A ModelProto decoded with its graph streamed, or undefined when the file is not
 * well-formed at the top two levels or has its graph field more than once (protobuf merges
 * repeated occurrences): then decodeModelProto is the way.
 */
export function decodeModelStreamed(bytes: Uint8Array): { model: PModel; graph: StreamedGraph | undefined } | undefined {
  const top = splitTopLevel(bytes, 0, bytes.byteLength, [7]);
  if (!top) return undefined;
  const [graphSpan] = top.spans as [FieldSpans];
  if (graphSpan.length > 2) return undefined;
  const restOf = (bytes: Uint8Array, plan: string) => decodeWithPlan(protobuf.Reader.create(bytes), bytes.byteLength, messagePlan(plan));
  const model = restOf(top.rest, "ModelProto") as unknown as PModel;
  if (graphSpan.length === 0) return { model, graph: undefined };
  const [at, length] = graphSpan as [number, number];
  const g = splitTopLevel(bytes, at, at + length, [1, 5, 13]);
  if (!g) return undefined;
  const [nodes, initializers, valueInfo] = g.spans as [FieldSpans, FieldSpans, FieldSpans];
  const reader = protobuf.Reader.create(bytes);
  const decodeAt = <T>(plan: string, spans: FieldSpans, i: number): T => {
    reader.pos = spans[2 * i]!;
    return decodeWithPlan(reader, spans[2 * i + 1]!, messagePlan(plan)) as unknown as T;
  };
  return {
    model,
    graph: {
      message: restOf(g.rest, "GraphProto") as unknown as PGraph,
      nodes,
      initializers,
      valueInfo,
      decodeNode: (spans, i) => decodeAt<PNode>("NodeProto", spans, i),
      decodeTensor: (spans, i) => decodeAt<PTensor>("TensorProto", spans, i),
      decodeValueInfo: (spans, i) => decodeAt<PValueInfo>("ValueInfoProto", spans, i),
    },
  };
}
