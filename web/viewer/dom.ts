/** Small element builders: attributes as a record, children as nodes or text. */
type Child = Node | string | number | null | undefined | false;

function fill<T extends Element>(e: T, attrs: Record<string, string>, children: readonly Child[]): T {
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(typeof c === "object" ? c : String(c));
  return e;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  children: readonly Child[] = [],
): HTMLElementTagNameMap[K] {
  return fill(document.createElement(tag), attrs, children);
}

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  children: readonly Child[] = [],
): SVGElementTagNameMap[K] {
  return fill(document.createElementNS("http://www.w3.org/2000/svg", tag), attrs, children);
}

export { formatBytes as bytes, formatCount as count } from "../../src/analysis/units.js";
