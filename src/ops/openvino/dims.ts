/**
 * Dimension arithmetic for shape inference, where -1 stands for a size only known at run
 * time (as OpenVINO writes dynamic dimensions): anything computed from an unknown size is
 * unknown, and checks between sizes apply only when both are known.
 */
import { ShapeError } from "./op-def.js";

export const DYNAMIC = -1;

export const known = (d: number): boolean => d >= 0;

export const formatDims = (dims: readonly number[]): string => `[${dims.map((d) => (d < 0 ? "?" : d)).join(",")}]`;

/** The product of dims, or -1 when one is unknown. */
export function dimProduct(dims: readonly number[]): number {
  let p = 1;
  for (const d of dims) {
    if (d < 0) return DYNAMIC;
    p *= d;
  }
  return p;
}

/** f of two sizes, unknown when either is. */
export function dimOp(a: number, b: number, f: (a: number, b: number) => number): number {
  return a < 0 || b < 0 ? DYNAMIC : f(a, b);
}

/** Numpy broadcast of shapes; an unknown size meeting 1 stays unknown, meeting n > 1 is n. */
export function broadcastShapes(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const x = s[s.length - rank + i] ?? 1;
      if (x === 1 || x === d) continue;
      if (d === 1 || d < 0) d = x;
      else if (x >= 0) throw new ShapeError(`shapes ${shapes.map(formatDims).join(" and ")} do not broadcast`);
    }
    out[i] = d;
  }
  return out;
}

/** A normalised axis, checked against the rank. */
export function axisIn(axis: number, rank: number, what = "axis"): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!(a >= 0 && a < rank)) throw new ShapeError(`${what} ${axis} is out of range for rank ${rank}`);
  return a;
}
