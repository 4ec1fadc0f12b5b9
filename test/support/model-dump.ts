/**
 * A complete, order-preserving plain-data rendering of a Model, for "unchanged after a
 * round trip" assertions. Tensor payloads are rendered as hex so that bit patterns (NaN
 * payloads, -0) are compared exactly.
 */
import { type Attribute, isAttributeRef } from "../../src/ir/attribute.js";
import type { Graph } from "../../src/ir/graph.js";
import type { Model } from "../../src/ir/model.js";
import type { Tensor } from "../../src/ir/tensor.js";
import { formatType } from "../../src/ir/types.js";
import type { Value } from "../../src/ir/value.js";

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

export function dumpTensor(t: Tensor): unknown {
  return {
    dtype: t.dtype,
    dims: [...t.dims],
    data: t.dtype === "string" ? t.stringBytes().map(hex) : hex(t.bytes()),
    doc: t.docString ?? null,
  };
}

function dumpValue(v: Value): unknown {
  return { name: v.name, type: formatType(v.type), doc: v.docString ?? null, meta: v.metadataProps ?? null };
}

function dumpAttribute(a: Attribute): unknown {
  if (isAttributeRef(a)) return { type: a.type, ref: a.ref };
  switch (a.type) {
    case "int":
      return { type: a.type, value: a.value.toString() };
    case "ints":
      return { type: a.type, value: a.value.map(String) };
    case "float":
      // Compare float attributes by their float32 bit pattern.
      return { type: a.type, value: hex(new Uint8Array(new Float32Array([a.value]).buffer)) };
    case "floats":
      return { type: a.type, value: hex(new Uint8Array(new Float32Array(a.value).buffer)) };
    case "tensor":
      return { type: a.type, value: dumpTensor(a.value) };
    case "tensors":
      return { type: a.type, value: a.value.map(dumpTensor) };
    case "graph":
      return { type: a.type, value: dumpGraph(a.value) };
    case "graphs":
      return { type: a.type, value: a.value.map(dumpGraph) };
    case "type_proto":
      return { type: a.type, value: formatType(a.value) };
    case "type_protos":
      return { type: a.type, value: a.value.map(formatType) };
    case "sparse_tensor":
      return { type: a.type, value: { values: dumpTensor(a.value.values), indices: dumpTensor(a.value.indices), dims: a.value.dims } };
    case "sparse_tensors":
      return { type: a.type, value: a.value.map((s) => ({ values: dumpTensor(s.values), indices: dumpTensor(s.indices), dims: s.dims })) };
    default:
      return { type: a.type, value: a.value };
  }
}

export function dumpGraph(g: Graph): unknown {
  return {
    name: g.name,
    doc: g.docString ?? null,
    inputs: g.inputs.map(dumpValue),
    outputs: g.outputs.map(dumpValue),
    initializers: [...g.initializers.values()].map((v) => ({
      ...(dumpValue(v) as object),
      tensor: v.initializer ? dumpTensor(v.initializer) : null,
    })),
    nodes: g.nodes.map((n) => ({
      op: n.opType,
      domain: n.domain,
      version: n.version ?? null,
      name: n.name,
      doc: n.docString ?? null,
      inputs: n.inputs.map((v) => v?.name ?? ""),
      outputs: n.outputs.map((v) => (v ? dumpValue(v) : "")),
      attributes: [...n.attributes].map(([k, a]) => [k, dumpAttribute(a)]),
    })),
  };
}

export function dumpModel(m: Model): unknown {
  return {
    irVersion: m.irVersion,
    opsets: [...m.opsetImports],
    producer: [m.producerName, m.producerVersion],
    domain: m.domain,
    modelVersion: m.modelVersion.toString(),
    doc: m.docString ?? null,
    metadata: m.metadataProps,
    graph: dumpGraph(m.graph),
    functions: m.functions.map((f) => ({ name: f.name, domain: f.domain, attrs: f.attributeNames, body: dumpGraph(f.body) })),
  };
}
