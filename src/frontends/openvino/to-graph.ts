/**
 * IR document → Model in the OpenVINO dialect: each layer becomes a node of domain
 * "openvino" with the op's version (opset1 → 1), its <data> attributes as string attributes
 * (the op tables parse them), Parameters become graph inputs, Consts initializers read from
 * the .bin, Results graph outputs. Each output port is a value, named by its first tensor
 * name when it has one (that is what OpenVINO users address), else `layer:port`.
 * The layer id, port ids and precisions are kept on the node (`irLayer`) for round trips.
 */
import { attr } from "../../ir/attribute.js";
import { byteLengthOf } from "../../ir/dtype.js";
import { Graph } from "../../ir/graph.js";
import { Model } from "../../ir/model.js";
import { Node } from "../../ir/node.js";
import { shapeSize } from "../../ir/shape.js";
import { Tensor } from "../../ir/tensor.js";
import { tensorType } from "../../ir/types.js";
import { Value } from "../../ir/value.js";
import { dtypeFromElementType, dtypeFromPrecision } from "../../ops/openvino/element-types.js";
import { MyriadcError } from "../../util/errors.js";
import type { IrLayer, IrNet, IrPort } from "./ir-document.js";

export const OPENVINO_DOMAIN = "openvino";

const data = (l: IrLayer, name: string) => l.data?.find(([k]) => k === name)?.[1];

function parseDims(text: string | undefined): (number | null)[] | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === "") return [];
  return text.split(",").map((d) => {
    const n = Number(d.trim());
    return Number.isInteger(n) && n >= 0 ? n : null; // "?", "-1" and ranges "1..10" are unknown
  });
}

function portType(p: IrPort) {
  const precision = p.attributes.find(([k]) => k === "precision")?.[1];
  return tensorType(
    precision ? dtypeFromPrecision(precision) : undefined,
    p.dims.map((d) => (/^\d+$/.test(d) ? Number(d) : null)),
  );
}

function versionOf(v: string): { domain: string; version: number | undefined } {
  const m = /^opset(\d+)$/.exec(v);
  return m ? { domain: OPENVINO_DOMAIN, version: Number(m[1]) } : { domain: v || "extension", version: undefined };
}

/** A net (or an If/Loop/TensorIterator body) as a Graph; `parent` is the owning node for bodies. */
function irToGraph(net: IrNet, weights: Uint8Array, file: string, parent: Node | undefined): Graph {
  const g = new Graph(net.attributes.find(([k]) => k === "name")?.[1] ?? "");
  g.parent = parent;
  const fail = (msg: string): never => {
    throw new MyriadcError("bad-format", msg, { file });
  };
  const outputs = new Map<string, Value>(); // "layer:port" → value
  const used = new Set<string>();
  const valueName = (l: IrLayer, p: IrPort): string => {
    const names = p.attributes.find(([k]) => k === "names")?.[1];
    const first = names?.split(",")[0]?.trim();
    const candidate = first && !used.has(first) ? first : `${l.name}:${p.id}`;
    const name = used.has(candidate) ? `${l.name}#${l.id}:${p.id}` : candidate;
    used.add(name);
    return name;
  };

  // Define every layer's outputs first; then wire inputs from the edges.
  const nodes = new Map<number, Node>();
  for (const l of net.layers) {
    if (l.type === "Parameter") {
      const et = data(l, "element_type");
      const dtype = et ? dtypeFromElementType(et) : undefined;
      const port = l.outputs[0];
      if (!port) fail(`Parameter ${JSON.stringify(l.name)} has no output port`);
      const v = new Value(
        valueName(l, port!),
        tensorType(dtype ?? portType(port!).dtype, parseDims(data(l, "shape")) ?? portType(port!).shape),
      );
      g.addInput(v);
      outputs.set(`${l.id}:${port!.id}`, v);
      continue;
    }
    if (l.type === "Const") {
      const et = data(l, "element_type") ?? "";
      const dtype = dtypeFromElementType(et);
      if (!dtype) fail(`Const ${JSON.stringify(l.name)} has element type ${JSON.stringify(et)}, which this tool does not support`);
      const dims = (parseDims(data(l, "shape")) ?? []).map((d) =>
        d === null ? fail(`Const ${JSON.stringify(l.name)} has a dynamic shape`) : d,
      );
      const offset = Number(data(l, "offset"));
      const size = Number(data(l, "size"));
      if (byteLengthOf(dtype!, shapeSize(dims)) !== size)
        fail(
          `Const ${JSON.stringify(l.name)}: ${et}[${dims.join(",")}] needs ${byteLengthOf(dtype!, shapeSize(dims))} bytes, size says ${size}`,
        );
      const port = l.outputs[0]!;
      const v = new Value(valueName(l, port), tensorType(dtype, dims));
      g.addInitializer(v, Tensor.fromBytes(dtype!, dims, weights.subarray(offset, offset + size)));
      outputs.set(`${l.id}:${port.id}`, v);
      continue;
    }
    if (l.type === "Result") continue;
    const { domain, version } = versionOf(l.version);
    const attributes = Object.fromEntries((l.data ?? []).map(([k, v]) => [k, attr.string(v)]));
    const node = new Node({ opType: l.type, domain, version, name: l.name, attributes });
    for (const p of l.outputs) {
      const v = new Value(valueName(l, p), portType(p));
      node.appendOutput(v);
      outputs.set(`${l.id}:${p.id}`, v);
    }
    for (const b of l.bodies) node.setAttribute(b.tag, attr.graph(irToGraph(b.net, weights, file, node)));
    nodes.set(l.id, node);
  }
  const incoming = new Map<string, Value>(); // "layer:inputPort" → value
  for (const e of net.edges) {
    const v = outputs.get(`${e.fromLayer}:${e.fromPort}`);
    if (!v) fail(`edge from layer ${e.fromLayer} port ${e.fromPort} has no source`);
    incoming.set(`${e.toLayer}:${e.toPort}`, v!);
  }
  for (const l of net.layers) {
    const node = nodes.get(l.id);
    if (node) {
      for (const p of l.inputs) node.appendInput(incoming.get(`${l.id}:${p.id}`));
      g.appendNode(node);
    } else if (l.type === "Result") {
      const v = incoming.get(`${l.id}:${l.inputs[0]?.id}`);
      if (!v) fail(`Result ${JSON.stringify(l.name)} is not connected`);
      g.addOutput(v!);
    }
  }
  return g;
}

/** The whole IR as a Model; op-set imports record the newest opset per domain the layers use. */
export function irToModel(net: IrNet, weights: Uint8Array, file: string): Model {
  const g = irToGraph(net, weights, file, undefined);
  const opsets = new Map<string, number>();
  for (const n of g.allNodes()) {
    if (n.domain === OPENVINO_DOMAIN && n.version !== undefined)
      opsets.set(OPENVINO_DOMAIN, Math.max(opsets.get(OPENVINO_DOMAIN) ?? 0, n.version));
    else if (n.domain !== OPENVINO_DOMAIN) opsets.set(n.domain, 1);
  }
  return new Model(g, {
    irVersion: Number(net.attributes.find(([k]) => k === "version")?.[1] ?? 11),
    opsetImports: opsets,
    producerName: "openvino-ir",
  });
}
