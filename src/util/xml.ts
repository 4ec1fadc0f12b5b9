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

/**
 * Characters XML 1.0 cannot hold at all, not even as character references: C0 controls other
 * than tab, newline and carriage return, U+FFFE/U+FFFF and unpaired surrogates.
 */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this is for
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** What stands in for a character XML cannot hold (the Unicode replacement character). */
export const XML_REPLACEMENT = "\uFFFD";

export function hasNonXmlChars(s: string): boolean {
  NOT_XML.lastIndex = 0;
  return NOT_XML.test(s);
}

/** Every attribute value and text of the tree that holds a character XML 1.0 cannot hold. */
export function nonXmlStrings(root: XmlElement): string[] {
  const out: string[] = [];
  const visit = (el: XmlElement): void => {
    for (const [, v] of el.attributes) if (hasNonXmlChars(v)) out.push(v);
    if (hasNonXmlChars(el.text)) out.push(el.text);
    for (const c of el.children) visit(c);
  };
  visit(root);
  return out;
}

/** A character reference (&#1;, &#xFFFE;) to a code point XML 1.0 excludes. */
function referencesNonXmlChar(text: string): boolean {
  for (const m of text.matchAll(/&#(x[0-9a-fA-F]+|[0-9]+);/g)) {
    const cp = m[1]!.startsWith("x") ? Number.parseInt(m[1]!.slice(1), 16) : Number(m[1]);
    if (cp > 0x10ffff || (cp < 0x10000 && hasNonXmlChars(String.fromCharCode(cp)))) return true;
  }
  return false;
}

function checkChars(root: XmlElement): void {
  const bad = nonXmlStrings(root)[0];
  if (bad !== undefined) throw new XmlSyntaxError(`${JSON.stringify(bad)} holds a character XML 1.0 does not allow`);
}

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
  // A DOCTYPE can declare entities that expand without bound or name other files; IR never has one.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlSyntaxError("it has a DOCTYPE or entity declaration, which an IR never has (refused)");
  if (hasNonXmlChars(text) || referencesNonXmlChar(text))
    throw new XmlSyntaxError("it holds a character XML 1.0 does not allow (a control character)");
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
    // Decodes character references (&#9;, &#x1F600;), which the writer uses for tab and newline.
    htmlEntities: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
  });
  const doc = parser.parse(text) as Ordered[];
  for (const n of doc) {
    const el = convert(n);
    if (el) {
      checkChars(el); // character references such as &#1; decode to what the text may not hold
      return el;
    }
  }
  throw new XmlSyntaxError("no root element");
}

/** Any character escapeXml changes (in an attribute; text changes a subset of these). */
const NEEDS_ESCAPE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are among what is escaped or replaced
  /[&<>"\t\n\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/;

export function escapeXml(s: string, attr: boolean): string {
  // Most names and numbers need nothing: one test instead of eight replacements.
  if (!NEEDS_ESCAPE.test(s)) return s;
  let out = s.replace(NOT_XML, XML_REPLACEMENT).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
  // A parser turns tab and newline in an attribute into spaces; references keep them.
  if (attr) out = out.replace(/"/g, "&quot;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;");
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

/**
 * The document as text. Characters XML 1.0 cannot hold become U+FFFD (callers that write
 * user-visible names tell the user, see nonXmlStrings); the result is checked to parse, so a
 * written IR is always well-formed.
 */
export function writeXml(root: XmlElement): string {
  const lines = ['<?xml version="1.0" ?>'];
  writeElement(root, 0, lines);
  const text = `${lines.join("\n")}\n`;
  const valid = XMLValidator.validate(text);
  if (valid !== true || hasNonXmlChars(text))
    throw new Error(`writeXml produced XML that does not parse: ${valid === true ? "a character XML cannot hold" : valid.err.msg}`);
  return text;
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
