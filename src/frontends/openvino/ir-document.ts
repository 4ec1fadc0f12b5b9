/**
 * OpenVINO IR (v10/v11) as a document model: what the .xml says, in order, with nothing
 * dropped (unknown elements are kept as raw XML), plus the .bin weights. The graph view for
 * passes and the interpreter is built from this; the emitter writes one of these.
 *
 * Structure (IR v10/v11): <net name version> <layers> <layer id name type version> with an
 * optional <data> (the op's attributes), optional <rt_info>, <input>/<output> <port id
 * precision names> <dim>…; bodies of TensorIterator/Loop/If as nested <body>/<then_body>/
 * <else_body> nets; </layers> <edges> <edge from-layer from-port to-layer to-port/>; then
 * <meta_data> (MO ≤ 2022.1) or <rt_info> (2022.2+) with the conversion parameters.
 *
 * Writing a document back to text is src/emit/ir-xml.ts.
 */
import { attribute, type XmlElement } from "../../util/xml.js";

export interface IrPort {
  id: number;
  /** Other attributes (precision, names, …) in order. */
  attributes: [string, string][];
  /** Dims as written ("1", "-1", "?", "1..10"). */
  dims: string[];
  /** Other children (rt_info). */
  extra: XmlElement[];
}

export interface IrLayer {
  id: number;
  name: string;
  type: string;
  /** Op set ("opset1" … "opset10", or a custom one). */
  version: string;
  /** All attributes of <layer>, in order (id, name, type, version included). */
  attributes: [string, string][];
  /** <data> attributes in order; undefined when the layer has no <data>. */
  data: [string, string][] | undefined;
  inputs: IrPort[];
  outputs: IrPort[];
  /** Nested nets (TensorIterator/Loop <body>, If <then_body>/<else_body>) by element name. */
  bodies: { tag: string; net: IrNet }[];
  /** Every child element in original order, by role, so writing restores the order. */
  order: string[];
  /** Children we do not interpret (rt_info, port_map, back_edges …), kept verbatim. */
  extra: XmlElement[];
}

export interface IrEdge {
  fromLayer: number;
  fromPort: number;
  toLayer: number;
  toPort: number;
}

export interface IrNet {
  /** Attributes of <net> (or of a body element) in order. */
  attributes: [string, string][];
  layers: IrLayer[];
  edges: IrEdge[];
  /** Children after <layers>/<edges> (meta_data, rt_info, quantization_parameters …), verbatim. */
  extra: XmlElement[];
  /** Element order of the net's children. */
  order: string[];
}

export class IrFormatError extends Error {}

function int(el: XmlElement, name: string, what: string): number {
  const v = attribute(el, name);
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n)) throw new IrFormatError(`${what} has no valid ${name} attribute (${JSON.stringify(v)})`);
  return n;
}

function port(el: XmlElement, what: string): IrPort {
  const dims: string[] = [];
  const extra: XmlElement[] = [];
  for (const c of el.children) {
    if (c.name === "dim") dims.push(c.text);
    else extra.push(c);
  }
  return { id: int(el, "id", what), attributes: el.attributes.filter(([k]) => k !== "id"), dims, extra };
}

function layer(el: XmlElement): IrLayer {
  const what = `layer ${JSON.stringify(attribute(el, "name") ?? "")}`;
  const l: IrLayer = {
    id: int(el, "id", what),
    name: attribute(el, "name") ?? "",
    type: attribute(el, "type") ?? "",
    version: attribute(el, "version") ?? "",
    attributes: el.attributes,
    data: undefined,
    inputs: [],
    outputs: [],
    bodies: [],
    order: [],
    extra: [],
  };
  if (!l.type) throw new IrFormatError(`${what} has no type`);
  for (const c of el.children) {
    l.order.push(c.name);
    if (c.name === "data") l.data = c.attributes;
    else if (c.name === "input") l.inputs = c.children.filter((p) => p.name === "port").map((p) => port(p, `${what} input port`));
    else if (c.name === "output") l.outputs = c.children.filter((p) => p.name === "port").map((p) => port(p, `${what} output port`));
    else if (c.name === "body" || c.name === "then_body" || c.name === "else_body") l.bodies.push({ tag: c.name, net: net(c) });
    else l.extra.push(c);
  }
  return l;
}

export function net(el: XmlElement): IrNet {
  const n: IrNet = { attributes: el.attributes, layers: [], edges: [], extra: [], order: [] };
  for (const c of el.children) {
    n.order.push(c.name);
    if (c.name === "layers") n.layers = c.children.filter((x) => x.name === "layer").map(layer);
    else if (c.name === "edges") {
      n.edges = c.children
        .filter((x) => x.name === "edge")
        .map((e) => ({
          fromLayer: int(e, "from-layer", "edge"),
          fromPort: int(e, "from-port", "edge"),
          toLayer: int(e, "to-layer", "edge"),
          toPort: int(e, "to-port", "edge"),
        }));
    } else n.extra.push(c);
  }
  return n;
}

export function irNetFromXml(root: XmlElement): IrNet {
  if (root.name !== "net") throw new IrFormatError(`the root element is <${root.name}>, not <net>: not an OpenVINO IR`);
  const version = attribute(root, "version");
  if (version !== "10" && version !== "11")
    throw new IrFormatError(`IR version ${JSON.stringify(version)} is not supported (10 and 11 are)`);
  return net(root);
}
