/**
 * The ONNX encoding as it was before src/frontends/onnx/encode.ts: IR → protobufjs message
 * objects (this file), encoded by protobufjs. Kept here as an independent oracle: the
 * encoder's bytes must equal protobufjs's for the same model (save-pieces.test.ts).
 */
import type protobuf from "protobufjs";
import { ATTRIBUTE_TYPE_NUMBER } from "../../src/frontends/onnx/load.js";
import {
  type PAttribute,
  type PFunction,
  type PGraph,
  type PModel,
  type PNode,
  type PShape,
  type PSparseTensor,
  type PType,
  type PValueInfo,
  protoType,
  toLong,
} from "../../src/frontends/onnx/proto/codec.js";
import { type ExternalWrite, tensorToProto } from "../../src/frontends/onnx/tensor-proto.js";
import type { Attribute } from "../../src/ir/attribute.js";
import { isAttributeRef } from "../../src/ir/attribute.js";
import { type DTypeName, dtypeToOnnx } from "../../src/ir/dtype.js";
import type { Graph } from "../../src/ir/graph.js";
import type { FunctionDef, Model } from "../../src/ir/model.js";
import type { Node } from "../../src/ir/node.js";
import type { Dim } from "../../src/ir/shape.js";
import type { SparseTensor } from "../../src/ir/tensor.js";
import type { ValueType } from "../../src/ir/types.js";
import type { Value } from "../../src/ir/value.js";

/** protobufjs's bytes for the model (tensors placed by `external`, as saveOnnxFile does). */
export function referenceEncoding(model: Model, external?: ExternalWrite): Uint8Array {
  return protoType("ModelProto")
    .encode(modelToProto(model, external) as unknown as protobuf.Message)
    .finish();
}

function modelToProto(model: Model, external?: ExternalWrite): PModel {
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

function shapeToProto(shape: readonly Dim[] | undefined, denotations?: readonly (string | undefined)[]): PShape | undefined {
  if (shape === undefined) return undefined;
  return {
    dim: shape.map((d, i) => {
      const den = denotations?.[i] ? { denotation: denotations[i] } : {};
      if (typeof d === "number") return { dim_value: toLong(BigInt(d)), ...den };
      if (typeof d === "string") return { dim_param: d, ...den };
      return { ...den };
    }),
  };
}

function typeToProto(t: ValueType): PType {
  const den = t.denotation ? { denotation: t.denotation } : {};
  const elem = (d: DTypeName | undefined): number => (d ? dtypeToOnnx(d) : 0);
  switch (t.kind) {
    case "tensor": {
      const shape = shapeToProto(t.shape, t.dimDenotations);
      return { tensor_type: { elem_type: elem(t.dtype), ...(shape ? { shape } : {}) }, ...den };
    }
    case "sparse_tensor": {
      const shape = shapeToProto(t.shape);
      return { sparse_tensor_type: { elem_type: elem(t.dtype), ...(shape ? { shape } : {}) }, ...den };
    }
    case "sequence":
      return { sequence_type: t.elem ? { elem_type: typeToProto(t.elem) } : {}, ...den };
    case "optional":
      return { optional_type: t.elem ? { elem_type: typeToProto(t.elem) } : {}, ...den };
    case "map":
      return { map_type: { key_type: elem(t.key), ...(t.value ? { value_type: typeToProto(t.value) } : {}) }, ...den };
    case "opaque":
      return { opaque_type: { domain: t.domain, name: t.name }, ...den };
  }
}

function sparseTensorToProto(s: SparseTensor, external?: ExternalWrite): PSparseTensor {
  return {
    values: tensorToProto(s.values, s.values.name, external),
    indices: tensorToProto(s.indices, s.indices.name, external),
    dims: s.dims.map((d) => toLong(BigInt(d))),
  };
}
