/**
 * IrNet → IR .xml text, written straight from the document model: Model Optimizer's layout
 * (tab indentation, attributes in their given order, `<?xml version="1.0" ?>`), children in
 * each element's recorded order, unknown elements (rt_info, port_map …) kept verbatim.
 *
 * The text is handed out in pieces of about 1 MiB as it is produced, so a 200,000-layer IR
 * is never a tree of elements nor one array of a million lines; encodeIrXml joins them. It
 * is well-formed by construction: every string goes through util/xml's escapeXml (characters
 * XML 1.0 cannot hold become U+FFFD, see nonXmlStringsOfNet), and the text is the same, byte
 * for byte, as the element-tree writer (util/xml's writeXml) gave before: the golden files
 * and the Model Optimizer pairs check that, test/emit/ir-xml.test.ts parses arbitrary names
 * back. It is not parsed again here: that would need the whole text at once and cost seconds.
 */
import type { IrLayer, IrNet, IrPort } from "../frontends/openvino/ir-document.js";
import { escapeXml, hasNonXmlChars, nonXmlStrings, writeElement, type XmlElement } from "../util/xml.js";

/** Lines are gathered into pieces of about this many characters. */
const PIECE_CHARS = 1 << 20;

class LineSink {
  private lines: string[] = [];
  private chars = 0;
  constructor(private readonly emit: (text: string) => void) {}
  push(line: string): void {
    this.lines.push(line);
    this.chars += line.length + 1;
    if (this.chars >= PIECE_CHARS) this.flush();
  }
  flush(): void {
    if (this.lines.length === 0) return;
    this.lines.push("");
    this.emit(this.lines.join("\n"));
    this.lines = [];
    this.chars = 0;
  }
}

const pads: string[] = [];
const padFor = (depth: number): string => (pads[depth] ??= "\t".repeat(depth));

function attributeText(attributes: readonly (readonly [string, string])[]): string {
  let s = "";
  for (const [k, v] of attributes) s += ` ${k}="${escapeXml(v, true)}"`;
  return s;
}

/** Hands the .xml text of `net` to `emit`, in order. */
export function writeIrXml(net: IrNet, emit: (text: string) => void): void {
  const out = new LineSink(emit);
  out.push('<?xml version="1.0" ?>');
  writeNet(net, "net", 0, out);
  out.flush();
}

/** The whole .xml text of `net`. */
export function encodeIrXml(net: IrNet): string {
  const pieces: string[] = [];
  writeIrXml(net, (text) => pieces.push(text));
  return pieces.join("");
}

function writeNet(n: IrNet, tag: string, depth: number, out: LineSink): void {
  const pad = padFor(depth);
  const attrs = attributeText(n.attributes);
  if (n.order.length === 0) {
    out.push(`${pad}<${tag}${attrs}/>`);
    return;
  }
  out.push(`${pad}<${tag}${attrs}>`);
  let extra = 0;
  const inner = padFor(depth + 1);
  for (const t of n.order) {
    if (t === "layers") {
      if (n.layers.length === 0) out.push(`${inner}<layers/>`);
      else {
        out.push(`${inner}<layers>`);
        for (const l of n.layers) writeLayer(l, depth + 2, out);
        out.push(`${inner}</layers>`);
      }
    } else if (t === "edges") {
      if (n.edges.length === 0) out.push(`${inner}<edges/>`);
      else {
        out.push(`${inner}<edges>`);
        const edgePad = padFor(depth + 2);
        for (const e of n.edges)
          out.push(`${edgePad}<edge from-layer="${e.fromLayer}" from-port="${e.fromPort}" to-layer="${e.toLayer}" to-port="${e.toPort}"/>`);
        out.push(`${inner}</edges>`);
      }
    } else writeVerbatim(n.extra[extra++]!, depth + 1, out);
  }
  out.push(`${pad}</${tag}>`);
}

function writeLayer(l: IrLayer, depth: number, out: LineSink): void {
  const pad = padFor(depth);
  const attrs = attributeText(l.attributes);
  if (l.order.length === 0) {
    out.push(`${pad}<layer${attrs}/>`);
    return;
  }
  out.push(`${pad}<layer${attrs}>`);
  let extra = 0;
  let body = 0;
  const inner = padFor(depth + 1);
  for (const tag of l.order) {
    if (tag === "data") out.push(`${inner}<data${attributeText(l.data ?? [])}/>`);
    else if (tag === "input" || tag === "output") {
      const ports = tag === "input" ? l.inputs : l.outputs;
      if (ports.length === 0) out.push(`${inner}<${tag}/>`);
      else {
        out.push(`${inner}<${tag}>`);
        for (const p of ports) writePort(p, depth + 2, out);
        out.push(`${inner}</${tag}>`);
      }
    } else if (tag === "body" || tag === "then_body" || tag === "else_body") {
      const b = l.bodies[body++]!;
      writeNet(b.net, b.tag, depth + 1, out);
    } else writeVerbatim(l.extra[extra++]!, depth + 1, out);
  }
  out.push(`${pad}</layer>`);
}

function writePort(p: IrPort, depth: number, out: LineSink): void {
  const pad = padFor(depth);
  const attrs = ` id="${escapeXml(String(p.id), true)}"${attributeText(p.attributes)}`;
  if (p.dims.length === 0 && p.extra.length === 0) {
    out.push(`${pad}<port${attrs}/>`);
    return;
  }
  out.push(`${pad}<port${attrs}>`);
  const inner = padFor(depth + 1);
  for (const d of p.dims) out.push(d === "" ? `${inner}<dim/>` : `${inner}<dim>${escapeXml(d, false)}</dim>`);
  for (const x of p.extra) writeVerbatim(x, depth + 1, out);
  out.push(`${pad}</port>`);
}

function writeVerbatim(el: XmlElement, depth: number, out: LineSink): void {
  const lines: string[] = [];
  writeElement(el, depth, lines);
  for (const line of lines) out.push(line);
}

/** Every string of `net` that holds a character XML 1.0 cannot hold (written as U+FFFD), in document order. */
export function nonXmlStringsOfNet(net: IrNet): string[] {
  const out: string[] = [];
  const check = (s: string) => {
    if (hasNonXmlChars(s)) out.push(s);
  };
  const pairs = (list: readonly (readonly [string, string])[]) => {
    for (const [, v] of list) check(v);
  };
  const visitNet = (n: IrNet) => {
    pairs(n.attributes);
    for (const l of n.layers) {
      pairs(l.attributes);
      pairs(l.data ?? []);
      for (const p of [...l.inputs, ...l.outputs]) {
        pairs(p.attributes);
        for (const d of p.dims) check(d);
        for (const x of p.extra) out.push(...nonXmlStrings(x));
      }
      for (const b of l.bodies) visitNet(b.net);
      for (const x of l.extra) out.push(...nonXmlStrings(x));
    }
    for (const x of n.extra) out.push(...nonXmlStrings(x));
  };
  visitNet(net);
  return out;
}
