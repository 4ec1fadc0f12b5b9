/**
 * IR → ONNX protobuf bytes, written straight from the Graph/Node/Value objects by the
 * WireWriter (no ModelProto object tree in between). Each function writes one message's
 * fields in field-number order, with the presence rules the format has always had here:
 * the bytes are the ones protobufjs writes for the equivalent message objects
 * (test/frontends/onnx/save-pieces.test.ts checks that on the whole corpus). raw_data of
 * 4 KiB or more stays a view on the tensor's bytes, usually on the input file (or, for weights
 * the load left in the file, the deferred bytes, copied from it as the output is written).
 *
 * Field numbers are the ONNX IR's (see proto/schema.ts).
 */
import { type Attribute, isAttributeRef } from "../../ir/attribute.js";
import { dtypeToOnnx } from "../../ir/dtype.js";
import type { Graph } from "../../ir/graph.js";
import type { FunctionDef, Model } from "../../ir/model.js";
import type { Node } from "../../ir/node.js";
import type { Dim } from "../../ir/shape.js";
import type { SparseTensor, Tensor } from "../../ir/tensor.js";
import type { ValueType } from "../../ir/types.js";
import type { Value } from "../../ir/value.js";
import type { Piece } from "../../util/deferred-bytes.js";
import { ATTRIBUTE_TYPE_NUMBER } from "./load.js";
import { protoType } from "./proto/codec.js";
import { WireWriter } from "./proto/wire-writer.js";
import type { ExternalWrite } from "./tensor-proto.js";

/** Below this, raw_data is copied into the message; from it on, it is a view. */
const VIEW_BYTES = 4096;

interface Ctx {
  readonly external: ExternalWrite | undefined;
}

type Entry = { readonly key: string; readonly value: string };

/** The model as pieces in order (buffers of the encoder, and views on large tensors' bytes). */
export function encodeModelPieces(model: Model, external?: ExternalWrite): Piece[] {
  return WireWriter.pieces(modelFields, { model, ctx: { external } });
}

function entryFields(w: WireWriter, e: Entry): void {
  w.string(1, e.key);
  w.string(2, e.value);
}

function entries(w: WireWriter, field: number, list: readonly Entry[] | undefined): void {
  if (list) for (const e of list) w.message(field, entryFields, e);
}

function opsetFields(w: WireWriter, o: readonly [string, number]): void {
  w.string(1, o[0]);
  w.int64Number(2, o[1]);
}

/** Fields carried through verbatim (training_info, device configurations): protobufjs encodes them, once. */
function passthrough(w: WireWriter, encode: () => Uint8Array): void {
  w.encoded(w.once(encode));
}

function modelFields(w: WireWriter, { model, ctx }: { model: Model; ctx: Ctx }): void {
  w.int64Number(1, model.irVersion);
  if (model.producerName) w.string(2, model.producerName);
  if (model.producerVersion) w.string(3, model.producerVersion);
  if (model.domain) w.string(4, model.domain);
  if (model.modelVersion !== 0n) w.int64(5, model.modelVersion);
  if (model.docString) w.string(6, model.docString);
  w.message(7, graphFields, { graph: model.graph, ctx });
  for (const o of model.opsetImports) w.message(8, opsetFields, o);
  entries(w, 14, model.metadataProps);
  if (model.trainingInfo.length) passthrough(w, () => protoType("ModelProto").encode({ training_info: model.trainingInfo }).finish());
  for (const f of model.functions) w.message(25, functionFields, { fn: f, ctx });
  if (model.configuration.length) passthrough(w, () => protoType("ModelProto").encode({ configuration: model.configuration }).finish());
}

function graphFields(w: WireWriter, { graph: g, ctx }: { graph: Graph; ctx: Ctx }): void {
  for (const n of g.nodes) w.message(1, nodeFields, { node: n, ctx });
  w.string(2, g.name);
  for (const v of g.initializers.values()) if (v.initializer) w.message(5, tensorFields, { t: v.initializer, name: v.name, ctx });
  if (g.docString) w.string(10, g.docString);
  for (const v of g.inputs) w.message(11, valueInfoFields, v);
  for (const v of g.outputs) w.message(12, valueInfoFields, v);
  // Types of node outputs that are not part of the interface, then hints for outer names.
  for (const n of g.nodes) for (const v of n.outputs) if (v?.type && !g.hasInput(v) && !g.hasOutput(v)) w.message(13, valueInfoFields, v);
  for (const v of g.extraValueInfo) w.message(13, valueInfoFields, v);
  for (const q of g.quantizationAnnotation ?? []) w.message(14, annotationFields, q);
  for (const v of g.initializers.values()) if (v.sparseInitializer) w.message(15, sparseFields, { s: v.sparseInitializer, ctx });
  entries(w, 16, g.metadataProps);
}

function annotationFields(w: WireWriter, q: { tensorName: string; params: readonly Entry[] }): void {
  w.string(1, q.tensorName);
  entries(w, 2, q.params);
}

function valueInfoFields(w: WireWriter, v: Value): void {
  w.string(1, v.name);
  if (v.type) w.message(2, typeFields, v.type);
  if (v.docString) w.string(3, v.docString);
  entries(w, 4, v.metadataProps);
}

/** The number of names to write: omitted optional inputs/outputs at the end are left out ("" in the middle stays). */
function writtenCount(list: readonly (Value | undefined)[]): number {
  let end = list.length;
  while (end > 0 && !list[end - 1]?.name) end--;
  return end;
}

function nodeFields(w: WireWriter, { node: n, ctx }: { node: Node; ctx: Ctx }): void {
  const inputs = n.inputs;
  for (let i = 0, end = writtenCount(inputs); i < end; i++) w.string(1, inputs[i]?.name ?? "");
  const outputs = n.outputs;
  for (let i = 0, end = writtenCount(outputs); i < end; i++) w.string(2, outputs[i]?.name ?? "");
  if (n.name) w.string(3, n.name);
  w.string(4, n.opType);
  for (const [name, a] of n.attributeMap) w.message(5, attributeFields, { name, a, ctx });
  if (n.docString) w.string(6, n.docString);
  if (n.domain) w.string(7, n.domain);
  if (n.overload) w.string(8, n.overload);
  entries(w, 9, n.metadataProps);
  const configs = n.deviceConfigurations;
  if (configs?.length) passthrough(w, () => protoType("NodeProto").encode({ device_configurations: configs }).finish());
}

/** AttributeProto's field for each attribute type's value. */
const VALUE_FIELD: Readonly<Record<Attribute["type"], number>> = {
  float: 2,
  int: 3,
  string: 4,
  tensor: 5,
  graph: 6,
  floats: 7,
  ints: 8,
  strings: 9,
  tensors: 10,
  graphs: 11,
  type_proto: 14,
  type_protos: 15,
  sparse_tensor: 22,
  sparse_tensors: 23,
};
const ATTRIBUTE_DOC_FIELD = 13;
const ATTRIBUTE_TYPE_FIELD = 20;

const utf8 = new TextEncoder();

function attributeValue(w: WireWriter, a: Attribute, ctx: Ctx): void {
  if (isAttributeRef(a)) return;
  const field = VALUE_FIELD[a.type];
  switch (a.type) {
    case "float":
      w.float(field, a.value);
      return;
    case "int":
      w.int64(field, a.value);
      return;
    case "string":
      w.bytes(
        field,
        w.once(() => utf8.encode(a.value)),
      );
      return;
    case "tensor":
      w.message(field, tensorFields, { t: a.value, name: a.value.name, ctx });
      return;
    case "graph":
      w.message(field, graphFields, { graph: a.value, ctx });
      return;
    case "sparse_tensor":
      w.message(field, sparseFields, { s: a.value, ctx });
      return;
    case "type_proto":
      w.message(field, typeFields, a.value);
      return;
    case "floats":
      for (const f of a.value) w.float(field, f);
      return;
    case "ints":
      for (const i of a.value) w.int64(field, i);
      return;
    case "strings":
      for (const s of a.value)
        w.bytes(
          field,
          w.once(() => utf8.encode(s)),
        );
      return;
    case "tensors":
      for (const t of a.value) w.message(field, tensorFields, { t, name: t.name, ctx });
      return;
    case "graphs":
      for (const graph of a.value) w.message(field, graphFields, { graph, ctx });
      return;
    case "sparse_tensors":
      for (const s of a.value) w.message(field, sparseFields, { s, ctx });
      return;
    case "type_protos":
      for (const t of a.value) w.message(field, typeFields, t);
      return;
  }
}

function attributeFields(w: WireWriter, { name, a, ctx }: { name: string; a: Attribute; ctx: Ctx }): void {
  // The value's field sits before doc_string (13), between it and type (20), or after ref_attr_name (21).
  const field = VALUE_FIELD[a.type];
  w.string(1, name);
  if (field < ATTRIBUTE_DOC_FIELD) attributeValue(w, a, ctx);
  if (a.docString) w.string(ATTRIBUTE_DOC_FIELD, a.docString);
  if (field > ATTRIBUTE_DOC_FIELD && field < ATTRIBUTE_TYPE_FIELD) attributeValue(w, a, ctx);
  w.int32(ATTRIBUTE_TYPE_FIELD, ATTRIBUTE_TYPE_NUMBER.get(a.type) ?? 0);
  if (isAttributeRef(a)) w.string(21, a.ref);
  if (field > 21) attributeValue(w, a, ctx);
}

function tensorFields(w: WireWriter, { t, name, ctx }: { t: Tensor; name: string | undefined; ctx: Ctx }): void {
  for (const d of t.dims) w.int64Number(1, d);
  w.int32(2, dtypeToOnnx(t.dtype));
  if (t.dtype === "string") {
    for (const s of t.stringBytes()) w.bytes(6, s);
    if (name) w.string(8, name);
  } else {
    const placed = w.once(() => ctx.external?.place(t));
    if (name) w.string(8, name);
    if (!placed) {
      // Weights still in the input file are copied from it when the output is written.
      const raw: Piece = t.deferred ?? t.bytes();
      if (raw.byteLength >= VIEW_BYTES) w.view(9, raw);
      else w.bytes(9, t.bytes());
    }
    if (t.docString) w.string(12, t.docString);
    if (placed) {
      entryPair(w, 13, "location", placed.location);
      entryPair(w, 13, "offset", String(placed.offset));
      entryPair(w, 13, "length", String(placed.length));
      w.int32(14, 1);
    }
    entries(w, 16, t.metadataProps);
    return;
  }
  if (t.docString) w.string(12, t.docString);
  entries(w, 16, t.metadataProps);
}

function entryPair(w: WireWriter, field: number, key: string, value: string): void {
  w.message(field, entryFields, { key, value });
}

function sparseFields(w: WireWriter, { s, ctx }: { s: SparseTensor; ctx: Ctx }): void {
  w.message(1, tensorFields, { t: s.values, name: s.values.name, ctx });
  w.message(2, tensorFields, { t: s.indices, name: s.indices.name, ctx });
  for (const d of s.dims) w.int64Number(3, d);
}

// --- TypeProto ------------------------------------------------------------------------------

interface ShapeArg {
  readonly shape: readonly Dim[];
  readonly denotations: readonly (string | undefined)[] | undefined;
}

function dimFields(w: WireWriter, { d, denotation }: { d: Dim; denotation: string | undefined }): void {
  if (typeof d === "number") w.int64Number(1, d);
  else if (typeof d === "string") w.string(2, d);
  if (denotation) w.string(3, denotation);
}

function shapeFields(w: WireWriter, { shape, denotations }: ShapeArg): void {
  for (let i = 0; i < shape.length; i++) w.message(1, dimFields, { d: shape[i]!, denotation: denotations?.[i] });
}

function tensorTypeFields(w: WireWriter, t: { dtype: Parameters<typeof dtypeToOnnx>[0] | undefined; shape: ShapeArg | undefined }): void {
  w.int32(1, t.dtype ? dtypeToOnnx(t.dtype) : 0);
  if (t.shape) w.message(2, shapeFields, t.shape);
}

function elemFields(w: WireWriter, elem: ValueType | undefined): void {
  if (elem) w.message(1, typeFields, elem);
}

function mapFields(w: WireWriter, t: Extract<ValueType, { kind: "map" }>): void {
  w.int32(1, t.key ? dtypeToOnnx(t.key) : 0);
  if (t.value) w.message(2, typeFields, t.value);
}

function opaqueFields(w: WireWriter, t: Extract<ValueType, { kind: "opaque" }>): void {
  w.string(1, t.domain);
  w.string(2, t.name);
}

/** TypeProto: the denotation (field 6) falls between the value fields 1, 4, 5 and 7, 8, 9. */
function typeFields(w: WireWriter, t: ValueType): void {
  const denotation = () => {
    if (t.denotation) w.string(6, t.denotation);
  };
  switch (t.kind) {
    case "tensor":
      w.message(1, tensorTypeFields, {
        dtype: t.dtype,
        shape: t.shape === undefined ? undefined : { shape: t.shape, denotations: t.dimDenotations },
      });
      denotation();
      return;
    case "sequence":
      w.message(4, elemFields, t.elem);
      denotation();
      return;
    case "map":
      w.message(5, mapFields, t);
      denotation();
      return;
    case "opaque":
      denotation();
      w.message(7, opaqueFields, t);
      return;
    case "sparse_tensor":
      denotation();
      w.message(8, tensorTypeFields, {
        dtype: t.dtype,
        shape: t.shape === undefined ? undefined : { shape: t.shape, denotations: undefined },
      });
      return;
    case "optional":
      denotation();
      w.message(9, elemFields, t.elem);
      return;
  }
}

// --- FunctionProto --------------------------------------------------------------------------

function functionFields(w: WireWriter, { fn: f, ctx }: { fn: FunctionDef; ctx: Ctx }): void {
  w.string(1, f.name);
  for (const v of f.body.inputs) w.string(4, v.name);
  for (const v of f.body.outputs) w.string(5, v.name);
  for (const a of f.attributeNames) w.string(6, a);
  for (const n of f.body.nodes) w.message(7, nodeFields, { node: n, ctx });
  if (f.docString) w.string(8, f.docString);
  for (const o of f.opsetImports) w.message(9, opsetFields, o);
  w.string(10, f.domain);
  for (const [name, a] of f.attributeDefaults) w.message(11, attributeFields, { name, a, ctx });
  for (const n of f.body.nodes) for (const v of n.outputs) if (v?.type) w.message(12, valueInfoFields, v);
  for (const v of f.body.inputs) if (v.type) w.message(12, valueInfoFields, v);
  if (f.overload) w.string(13, f.overload);
  entries(w, 14, f.metadataProps);
}
