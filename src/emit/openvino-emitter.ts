/**
 * OpenVINO-dialect graph → IR v11 document and weights, laid out the way Model Optimizer
 * writes them: layer ids in topological order (Parameters first, each Const just before its
 * first reader, Results last), input ports numbered before output ports, tensor names on
 * output ports, Const offset/size into the .bin with identical constants stored once, and
 * the conversion parameters in <rt_info>.
 *
 * `dataType: "FP16"` stores float constants as f16 and gives every float port FP16 precision,
 * Parameters included (like Model Optimizer 2021.4's `--data_type FP16` in the corpus).
 */
import type { IrLayer, IrNet, IrPort } from "../frontends/openvino/ir-document.js";
import { isAttributeRef } from "../ir/attribute.js";
import { type DTypeName, isFloatDType } from "../ir/dtype.js";
import type { Graph } from "../ir/graph.js";
import type { Model } from "../ir/model.js";
import type { Node } from "../ir/node.js";
import { topologicalOrder } from "../ir/topo.js";
import type { Value } from "../ir/value.js";
import { elementTypeOf, precisionOf } from "../ops/openvino/element-types.js";
import { element } from "../util/xml.js";
import { VERSION } from "../version.js";
import { type IrWeights, WeightsLayout } from "./ir-weights.js";

/** The empty list every emitted layer and port shares (frozen: the document is read, not edited). */
const NONE = Object.freeze([]) as never[];

export interface EmitOptions {
  dataType?: "FP32" | "FP16";
  /** Recorded in rt_info/conversion_parameters (e.g. the command-line flags). */
  parameters?: Record<string, string>;
  /** Shapes and element types of every value (from the interpreter's observation). */
  types: ReadonlyMap<Value, { dtype: DTypeName; dims: readonly number[] }>;
}

export interface EmittedIr {
  net: IrNet;
  /** The .bin in one buffer, made on first read (writers should use `bin`, which streams). */
  weights: Uint8Array;
  /** The .bin as a layout of the model's constants, converted only while written. */
  bin: IrWeights;
}

/** A node's layer name in the IR: like Model Optimizer, a layer producing a graph output is named after that output. */
export function layerName(g: Graph, node: Node): string {
  return node.outputs.find((v) => v && g.hasOutput(v))?.name ?? node.name;
}

export function emitOpenvinoIr(model: Model, options: EmitOptions): EmittedIr {
  const fp16 = options.dataType === "FP16";
  const g = model.graph;
  const storedType = (d: DTypeName): DTypeName => (fp16 && isFloatDType(d) ? "float16" : d);
  const typeOf = (v: Value): { dtype: DTypeName; dims: readonly number[] } => {
    const t = options.types.get(v);
    if (!t) throw new Error(`no shape known for ${v.name}`);
    return { dtype: storedType(t.dtype), dims: t.dims };
  };
  const precision = (d: DTypeName) => precisionOf(d) ?? "UNSPECIFIED";
  const elementType = (d: DTypeName) => elementTypeOf(d) ?? "undefined";

  const layers: IrLayer[] = [];
  const edges: IrNet["edges"] = [];
  const producedAt = new Map<Value, { layer: number; port: number }>();
  const bin = new WeightsLayout();

  // A 200k-layer IR stays in memory until written: what layers have alike (empty lists, child
  // order, precision and type/version attributes, a value's dims on every port that carries it)
  // is one frozen object shared by all of them, not a copy each.
  const shared = <T>(cache: Map<string, T>, key: string, make: () => T): T => {
    let x = cache.get(key);
    if (x === undefined) {
      x = Object.freeze(make());
      cache.set(key, x);
    }
    return x;
  };
  const tuples = new Map<string, [string, string]>();
  const tuple = (k: string, v: string) => shared(tuples, `${k}\0${v}`, (): [string, string] => [k, v]);
  const dimsOf = new Map<Value, string[]>();
  const dimStrings = (v: Value, dims: readonly number[]): string[] => {
    let d = dimsOf.get(v);
    if (!d) {
      d = Object.freeze(dims.map(String)) as string[];
      dimsOf.set(v, d);
    }
    return d;
  };
  const orders = new Map<string, string[]>();

  const outPort = (id: number, v: Value): IrPort => {
    const t = typeOf(v);
    return { id, attributes: [tuple("precision", precision(t.dtype)), ["names", v.name]], dims: dimStrings(v, t.dims), extra: NONE };
  };
  const inPort = (id: number, v: Value): IrPort => {
    const t = typeOf(v);
    return { id, attributes: [tuple("precision", precision(t.dtype))], dims: dimStrings(v, t.dims), extra: NONE };
  };
  const addLayer = (
    name: string,
    type: string,
    version: string,
    data: [string, string][] | undefined,
    inputs: IrPort[],
    outputs: IrPort[],
  ): number => {
    const id = layers.length;
    const order = shared(orders, `${+!!data}${+!!inputs.length}${+!!outputs.length}`, () => [
      ...(data ? ["data"] : []),
      ...(inputs.length ? ["input"] : []),
      ...(outputs.length ? ["output"] : []),
    ]);
    layers.push({
      id,
      name,
      type,
      version,
      attributes: [["id", String(id)], ["name", name], tuple("type", type), tuple("version", version)],
      data,
      inputs,
      outputs,
      bodies: NONE,
      order,
      extra: NONE,
    });
    return id;
  };

  const emitConst = (v: Value): void => {
    const t = v.initializer!;
    const place = bin.place(t, storedType(t.dtype));
    const dtype = storedType(t.dtype);
    const id = addLayer(
      v.name,
      "Const",
      "opset1",
      [
        tuple("element_type", elementType(dtype)),
        tuple("shape", t.dims.join(",")),
        ["offset", String(place.offset)],
        tuple("size", String(place.size)),
      ],
      [],
      [outPort(0, v)],
    );
    producedAt.set(v, { layer: id, port: 0 });
  };

  for (const v of g.inputs) {
    if (v.isInitializer) continue;
    const t = typeOf(v);
    const id = addLayer(
      v.name,
      "Parameter",
      "opset1",
      [
        ["shape", t.dims.join(",")],
        ["element_type", elementType(t.dtype)],
      ],
      [],
      [outPort(0, v)],
    );
    producedAt.set(v, { layer: id, port: 0 });
  }
  for (const node of topologicalOrder(g)) {
    const present = node.inputs.filter((x): x is Value => x !== undefined);
    for (const v of present) if (!producedAt.has(v) && v.initializer) emitConst(v);
    const inputs = present.map((v, i) => inPort(i, v));
    const outputs = node.outputs.filter((x): x is Value => x !== undefined).map((v, i) => outPort(present.length + i, v));
    const data: [string, string][] = [];
    for (const [k, a] of node.attributes) {
      if (isAttributeRef(a) || a.type !== "string") continue;
      // In an FP16 IR a conversion to f32 produces f16, like every other float result.
      data.push([k, fp16 && node.opType === "Convert" && k === "destination_type" && a.value === "f32" ? "f16" : a.value]);
    }
    const id = addLayer(
      layerName(g, node),
      node.opType,
      node.version === undefined ? node.domain : `opset${node.version}`,
      data.length ? data : undefined,
      inputs,
      outputs,
    );
    present.forEach((v, i) => {
      const from = producedAt.get(v)!;
      edges.push({ fromLayer: from.layer, fromPort: from.port, toLayer: id, toPort: i });
    });
    node.outputs
      .filter((x): x is Value => x !== undefined)
      .forEach((v, i) => {
        producedAt.set(v, { layer: id, port: present.length + i });
      });
  }
  for (const v of g.outputs) {
    if (!producedAt.has(v) && v.initializer) emitConst(v);
    const from = producedAt.get(v)!;
    const id = addLayer(`${v.name}/sink_port_0`, "Result", "opset1", undefined, [inPort(0, v)], []);
    edges.push({ fromLayer: from.layer, fromPort: from.port, toLayer: id, toPort: 0 });
  }

  const params = Object.entries({ data_type: fp16 ? "FP16" : "FP32", ...(options.parameters ?? {}) });
  const rtInfo = element(
    "rt_info",
    [],
    [
      element("myriadc_version", [["value", VERSION]]),
      element(
        "conversion_parameters",
        [],
        params.map(([k, v]) => element(k, [["value", v]])),
      ),
    ],
  );
  const net: IrNet = {
    attributes: [
      ["name", g.name || "model"],
      ["version", "11"],
    ],
    layers,
    edges,
    extra: [rtInfo],
    order: ["layers", "edges", "rt_info"],
  };
  let weights: Uint8Array | undefined;
  return {
    net,
    bin,
    get weights() {
      weights ??= bin.toBytes();
      return weights;
    },
  };
}
