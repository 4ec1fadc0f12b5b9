/**
 * Model → ONNX file. Names, the order of inputs/outputs/initializers/nodes, op-set imports,
 * metadata, doc strings and functions are written back as they are in the IR. Large tensors
 * can go to an external-data file (always for models whose weights exceed what one protobuf
 * may hold), which is written next to the model; both files appear atomically.
 */
import { basename, dirname, join } from "node:path";
import type protobuf from "protobufjs";
import type { Attribute } from "../../ir/attribute.js";
import { isAttributeRef } from "../../ir/attribute.js";
import type { Graph } from "../../ir/graph.js";
import type { FunctionDef, Model } from "../../ir/model.js";
import type { Node } from "../../ir/node.js";
import type { Tensor } from "../../ir/tensor.js";
import type { Value } from "../../ir/value.js";
import { writeFilesAtomic } from "../../util/atomic-write.js";
import { ATTRIBUTE_TYPE_NUMBER } from "./load.js";
import {
  GraphProtoType,
  ModelProtoType,
  type PAttribute,
  type PFunction,
  type PGraph,
  type PModel,
  type PNode,
  type PTensor,
  type PValueInfo,
  TensorProtoType,
  toLong,
} from "./proto/codec.js";
import { type ExternalWrite, sparseTensorToProto, tensorToProto } from "./tensor-proto.js";
import { typeToProto } from "./type-proto.js";

export interface SaveOptions {
  /**
   * "auto" (default): external data only when the tensors would not fit in one protobuf;
   * "always": every tensor of at least `threshold` bytes; "never": everything inline.
   */
  externalData?: "auto" | "always" | "never";
  /** Minimum tensor size in bytes for external storage (default 1024). */
  threshold?: number;
  /** External data file name, relative to the model (default `<model file>.data`). */
  location?: string;
}

/** Above this many bytes of tensor data, "auto" moves tensors out (protobuf's limit is 2 GiB). */
export const AUTO_EXTERNAL_BYTES = 1.8 * 2 ** 30;

export interface SaveResult {
  modelBytes: number;
  externalFile: string | undefined;
  externalBytes: number;
}

export function saveOnnxFile(model: Model, path: string, options: SaveOptions = {}): SaveResult {
  const mode = options.externalData ?? "auto";
  const threshold = options.threshold ?? 1024;
  const useExternal = mode === "always" || (mode === "auto" && totalTensorBytes(model) > AUTO_EXTERNAL_BYTES);
  const location = options.location ?? `${basename(path)}.data`;
  const chunks: Uint8Array[] = [];
  let externalBytes = 0;
  let placedCount = 0;
  const external: ExternalWrite | undefined = useExternal
    ? {
        place(t: Tensor) {
          if (t.byteLength < threshold) return undefined;
          // Page-align large tensors so the data file can be memory-mapped, as the spec suggests.
          const align = t.byteLength >= 65536 ? 4096 : 16;
          const pad = (align - (externalBytes % align)) % align;
          if (pad) chunks.push(new Uint8Array(pad));
          const offset = externalBytes + pad;
          const bytes = t.bytes();
          chunks.push(bytes);
          externalBytes = offset + bytes.byteLength;
          placedCount++;
          return { location, offset, length: bytes.byteLength };
        },
      }
    : undefined;
  const pieces = encodeOnnxPieces(model, external);
  const modelBytes = pieces.reduce((n, p) => n + p.byteLength, 0);
  const files = [{ path, chunks: pieces }];
  // Written even when every placed tensor is empty: the model refers to the file.
  if (placedCount > 0) files.unshift({ path: join(dirname(path), location), chunks });
  writeFilesAtomic(files);
  return { modelBytes, externalFile: placedCount > 0 ? location : undefined, externalBytes };
}

/** Serialises a model to ONNX protobuf bytes (all tensors inline unless `external` places them). */
export function encodeOnnx(model: Model, external?: ExternalWrite): Uint8Array {
  return Buffer.concat(encodeOnnxPieces(model, external));
}

/**
 * The same bytes as encodeOnnx, as pieces in order: the raw_data of the main graph's
 * initializers are views on the tensors (usually on the input file), not copied into one
 * buffer, so saving a model costs no second copy of its weights. The surrounding messages
 * are encoded by protobufjs around those fields; protobufjs writes fields in field-number
 * order, and so does this.
 */
export function encodeOnnxPieces(model: Model, external?: ExternalWrite): Uint8Array[] {
  const p = modelToProto(model, external);
  const [modelHead, modelTail] = splitFields(ModelProtoType, p, MODEL_GRAPH_FIELD);
  const [graphHead, graphTail] = splitFields(GraphProtoType, p.graph!, GRAPH_INITIALIZER_FIELD);
  const graph: Uint8Array[] = [graphHead];
  for (const t of p.graph!.initializer ?? []) graph.push(...lengthDelimited(GRAPH_INITIALIZER_FIELD, tensorPieces(t)));
  graph.push(graphTail);
  return [modelHead, ...lengthDelimited(MODEL_GRAPH_FIELD, graph), modelTail];
}

const MODEL_GRAPH_FIELD = 7;
const GRAPH_INITIALIZER_FIELD = 5;
const TENSOR_RAW_DATA_FIELD = 9;
/** Below this, raw_data is simply encoded with its message. */
const VIEW_BYTES = 4096;

type ProtoType = typeof ModelProtoType;

/** A message's fields numbered below `id`, and above it, each encoded (field `id` itself left out). */
function splitFields(type: ProtoType, message: object, id: number): [Uint8Array, Uint8Array] {
  const below: Record<string, unknown> = {};
  const above: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(message)) {
    const field = type.fields[name]?.id;
    if (field === undefined || field === id) continue;
    (field < id ? below : above)[name] = value;
  }
  const encode = (m: object) => type.encode(m as protobuf.Message).finish();
  return [encode(below), encode(above)];
}

function tensorPieces(t: PTensor): Uint8Array[] {
  if (!t.raw_data || t.raw_data.byteLength < VIEW_BYTES) return [TensorProtoType.encode(t as unknown as protobuf.Message).finish()];
  const [head, tail] = splitFields(TensorProtoType, t, TENSOR_RAW_DATA_FIELD);
  return [head, ...lengthDelimited(TENSOR_RAW_DATA_FIELD, [t.raw_data]), tail];
}

/** Field `id` as a length-delimited field (wire type 2) around `pieces`. */
function lengthDelimited(id: number, pieces: Uint8Array[]): Uint8Array[] {
  const length = pieces.reduce((n, p) => n + p.byteLength, 0);
  return [Uint8Array.from([...varint((id << 3) | 2), ...varint(length)]), ...pieces];
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

/** Bytes of tensor data in every graph (initializers and tensor attributes). */
export function totalTensorBytes(model: Model): number {
  let n = 0;
  const visit = (g: Graph): void => {
    for (const v of g.initializers.values()) n += v.initializer?.byteLength ?? 0;
    for (const node of g.nodes) {
      for (const a of node.attributes.values()) if (!isAttributeRef(a) && a.type === "tensor") n += a.value.byteLength;
      for (const sg of node.subgraphs()) visit(sg);
    }
  };
  visit(model.graph);
  return n;
}

export function modelToProto(model: Model, external?: ExternalWrite): PModel {
  const p: PModel = {
    ir_version: toLong(BigInt(model.irVersion)),
    opset_import: [...model.opsetImports].map(([domain, version]) => ({ domain, version: toLong(BigInt(version)) })),
    graph: graphToProto(model.graph, external),
  };
  if (model.producerName) p.producer_name = model.producerName;
  if (model.producerVersion) p.producer_version = model.producerVersion;
  if (model.domain) p.domain = model.domain;
  if (model.modelVersion !== 0n) p.model_version = toLong(model.modelVersion);
  if (model.docString) p.doc_string = model.docString;
  if (model.metadataProps.length) p.metadata_props = model.metadataProps;
  if (model.functions.length) p.functions = model.functions.map((f) => functionToProto(f, external));
  if (model.trainingInfo.length) p.training_info = model.trainingInfo;
  if (model.configuration.length) p.configuration = model.configuration;
  return p;
}

function valueInfo(v: Value): PValueInfo {
  const p: PValueInfo = { name: v.name };
  if (v.type) p.type = typeToProto(v.type);
  if (v.docString) p.doc_string = v.docString;
  if (v.metadataProps?.length) p.metadata_props = v.metadataProps;
  return p;
}

function graphToProto(g: Graph, external?: ExternalWrite): PGraph {
  const p: PGraph = { name: g.name, node: g.nodes.map((n) => nodeToProto(n, external)) };
  const dense = [...g.initializers.values()].filter((v) => v.initializer);
  const sparse = [...g.initializers.values()].filter((v) => v.sparseInitializer);
  if (dense.length) p.initializer = dense.map((v) => tensorToProto(v.initializer!, v.name, external));
  if (sparse.length) p.sparse_initializer = sparse.map((v) => sparseTensorToProto(v.sparseInitializer!, external));
  if (g.docString) p.doc_string = g.docString;
  p.input = g.inputs.map(valueInfo);
  p.output = g.outputs.map(valueInfo);
  const interface_ = new Set<Value>([...g.inputs, ...g.outputs]);
  const infos: PValueInfo[] = [];
  for (const n of g.nodes) {
    for (const v of n.outputs) if (v && v.type && !interface_.has(v)) infos.push(valueInfo(v));
  }
  for (const v of g.extraValueInfo) infos.push(valueInfo(v));
  if (infos.length) p.value_info = infos;
  if (g.quantizationAnnotation?.length) {
    p.quantization_annotation = g.quantizationAnnotation.map((q) => ({
      tensor_name: q.tensorName,
      quant_parameter_tensor_names: q.params,
    }));
  }
  if (g.metadataProps?.length) p.metadata_props = g.metadataProps;
  return p;
}

function nodeToProto(n: Node, external?: ExternalWrite): PNode {
  const p: PNode = {
    input: trimTrailingEmpty(n.inputs.map((v) => v?.name ?? "")),
    output: trimTrailingEmpty(n.outputs.map((v) => v?.name ?? "")),
    op_type: n.opType,
  };
  if (n.name) p.name = n.name;
  if (n.domain) p.domain = n.domain;
  if (n.overload) p.overload = n.overload;
  if (n.attributes.size) p.attribute = [...n.attributes].map(([name, a]) => attributeToProto(name, a, external));
  if (n.docString) p.doc_string = n.docString;
  if (n.metadataProps?.length) p.metadata_props = n.metadataProps;
  if (n.deviceConfigurations?.length) p.device_configurations = n.deviceConfigurations;
  return p;
}

/** Omitted optional inputs/outputs at the end need not be written; in the middle they stay "". */
function trimTrailingEmpty(names: string[]): string[] {
  let end = names.length;
  while (end > 0 && names[end - 1] === "") end--;
  return names.slice(0, end);
}

function attributeToProto(name: string, a: Attribute, external?: ExternalWrite): PAttribute {
  const p: PAttribute = { name, type: ATTRIBUTE_TYPE_NUMBER.get(a.type) ?? 0 };
  if (a.docString) p.doc_string = a.docString;
  if (isAttributeRef(a)) {
    p.ref_attr_name = a.ref;
    return p;
  }
  const enc = new TextEncoder();
  switch (a.type) {
    case "float":
      p.f = a.value;
      break;
    case "int":
      p.i = toLong(a.value);
      break;
    case "string":
      p.s = enc.encode(a.value);
      break;
    case "tensor":
      p.t = tensorToProto(a.value, a.value.name, external);
      break;
    case "graph":
      p.g = graphToProto(a.value, external);
      break;
    case "sparse_tensor":
      p.sparse_tensor = sparseTensorToProto(a.value, external);
      break;
    case "type_proto":
      p.tp = typeToProto(a.value);
      break;
    case "floats":
      p.floats = [...a.value];
      break;
    case "ints":
      p.ints = a.value.map((v) => toLong(v));
      break;
    case "strings":
      p.strings = a.value.map((s) => enc.encode(s));
      break;
    case "tensors":
      p.tensors = a.value.map((t) => tensorToProto(t, t.name, external));
      break;
    case "graphs":
      p.graphs = a.value.map((g) => graphToProto(g, external));
      break;
    case "sparse_tensors":
      p.sparse_tensors = a.value.map((s) => sparseTensorToProto(s, external));
      break;
    case "type_protos":
      p.type_protos = a.value.map(typeToProto);
      break;
  }
  return p;
}

function functionToProto(f: FunctionDef, external?: ExternalWrite): PFunction {
  const p: PFunction = {
    name: f.name,
    input: f.body.inputs.map((v) => v.name),
    output: f.body.outputs.map((v) => v.name),
    node: f.body.nodes.map((n) => nodeToProto(n, external)),
    opset_import: [...f.opsetImports].map(([domain, version]) => ({ domain, version: toLong(BigInt(version)) })),
    domain: f.domain,
  };
  if (f.attributeNames.length) p.attribute = f.attributeNames;
  if (f.attributeDefaults.size) p.attribute_proto = [...f.attributeDefaults].map(([name, a]) => attributeToProto(name, a, external));
  if (f.docString) p.doc_string = f.docString;
  if (f.overload) p.overload = f.overload;
  const infos: PValueInfo[] = [];
  for (const n of f.body.nodes) for (const v of n.outputs) if (v?.type) infos.push(valueInfo(v));
  for (const v of f.body.inputs) if (v.type) infos.push(valueInfo(v));
  if (infos.length) p.value_info = infos;
  if (f.metadataProps?.length) p.metadata_props = f.metadataProps;
  return p;
}
