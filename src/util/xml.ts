/**
 * A plain, order-preserving XML element tree: parsed with fast-xml-parser and written by
 * hand (so the output looks the way Model Optimizer writes IR: tab indentation, attributes in
 * their given order, `<?xml version="1.0" ?>`). Comments and processing instructions other
 * than the declaration are not kept.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";

export interface XmlElement {
  name: string;
  /** Attributes in document order. */
  attributes: [string, string][];
  children: XmlElement[];
  /** Text content (trimmed); "" when none. */
  text: string;
}

export class XmlSyntaxError extends Error {}

type Ordered = Record<string, unknown> & { ":@"?: Record<string, string> };

function convert(node: Ordered): XmlElement | undefined {
  const name = Object.keys(node).find((k) => k !== ":@");
  if (!name || name === "#text" || name.startsWith("?") || name === "#comment") return undefined;
  const attrs = node[":@"] ?? {};
  const kids = (node[name] as Ordered[]) ?? [];
  const children: XmlElement[] = [];
  let text = "";
  for (const k of kids) {
    if ("#text" in k) text += String(k["#text"]);
    else {
      const c = convert(k);
      if (c) children.push(c);
    }
  }
  return { name, attributes: Object.entries(attrs).map(([k, v]) => [k, String(v)]), children, text: text.trim() };
}

export function parseXml(text: string): XmlElement {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlSyntaxError(`${valid.err.msg} (line ${valid.err.line})`);
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: "",
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
  });
  const doc = parser.parse(text) as Ordered[];
  for (const n of doc) {
    const el = convert(n);
    if (el) return el;
  }
  throw new XmlSyntaxError("no root element");
}

const NEEDS_ESCAPE = /[&<>"]/;

export function escapeXml(s: string, attr: boolean): string {
  // Most names and numbers need nothing: one test instead of four replacements.
  if (!NEEDS_ESCAPE.test(s)) return s;
  let out = s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  if (attr) out = out.replace(/"/g, "&quot;");
  return out;
}

const pads: string[] = [];
const padFor = (depth: number): string => (pads[depth] ??= "\t".repeat(depth));

/** The lines of one element (and its children), indented `depth` tabs. */
export function writeElement(el: XmlElement, depth: number, lines: string[]): void {
  const pad = padFor(depth);
  let attrs = "";
  for (const [k, v] of el.attributes) attrs += ` ${k}="${escapeXml(v, true)}"`;
  if (el.children.length === 0) {
    lines.push(el.text === "" ? `${pad}<${el.name}${attrs}/>` : `${pad}<${el.name}${attrs}>${escapeXml(el.text, false)}</${el.name}>`);
    return;
  }
  lines.push(`${pad}<${el.name}${attrs}>${el.text === "" ? "" : escapeXml(el.text, false)}`);
  for (const c of el.children) writeElement(c, depth + 1, lines);
  lines.push(`${pad}</${el.name}>`);
}

export function writeXml(root: XmlElement): string {
  const lines = ['<?xml version="1.0" ?>'];
  writeElement(root, 0, lines);
  return `${lines.join("\n")}\n`;
}

/** Small helpers for building and reading elements. */
export function element(name: string, attributes: [string, string][] = [], children: XmlElement[] = [], text = ""): XmlElement {
  return { name, attributes, children, text };
}

export function attribute(el: XmlElement, name: string): string | undefined {
  return el.attributes.find(([k]) => k === name)?.[1];
}

export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}
