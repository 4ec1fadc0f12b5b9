/**
 * Whether a value can be computed ahead of time: it depends on constants and on the static
 * shapes of other values (ShapeOf), never on input data.
 */
import { isStaticShape } from "../ir/shape.js";
import type { Value } from "../ir/value.js";

export function isConstantComputable(v: Value, seen = new Map<Value, boolean>()): boolean {
  const known = seen.get(v);
  if (known !== undefined) return known;
  if (v.isInitializer) return true;
  const p = v.producer;
  if (!p || v.isGraphInput()) return false;
  if (p.opType === "ShapeOf" && isStaticShape(p.inputs[0]?.shape)) return true;
  seen.set(v, false); // a cycle (impossible in a valid graph) is not constant
  const r = p.inputs.every((i) => !i || isConstantComputable(i, seen));
  seen.set(v, r);
  return r;
}
