/**
 * Shapes. A dimension is a known size (number), a symbolic name shared between values
 * (string, e.g. "batch"), or unknown (null). A shape of `undefined` means unknown rank.
 */

export type Dim = number | string | null;
export type Shape = readonly Dim[];

export function isStaticShape(shape: Shape | undefined): shape is readonly number[] {
  return shape !== undefined && shape.every((d) => typeof d === "number");
}

/** Element count of a static shape (1 for a scalar). */
export function shapeSize(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

export function shapesEqual(a: Shape | undefined, b: Shape | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `[1,3,"h",?]` — how shapes are shown to people. */
export function formatShape(shape: Shape | undefined): string {
  if (shape === undefined) return "?";
  return `[${shape.map((d) => (d === null ? "?" : typeof d === "string" ? JSON.stringify(d) : String(d))).join(",")}]`;
}

/** Row-major strides of a static shape. */
export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}
