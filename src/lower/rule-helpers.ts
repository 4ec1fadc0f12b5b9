/**
 * The shape of a lowering rule and the small builders most rules are made of. Kept apart
 * from the rule tables so every table file can use them without importing another table.
 */
import { Tensor } from "../ir/tensor.js";
import type { Value } from "../ir/value.js";
import type { LowerContext } from "./context.js";

/** Builds the OpenVINO values for an ONNX node's outputs, or fails with the reason. */
export type LoweringRule = (c: LowerContext) => (Value | undefined)[];

/** A one-input op with no attributes. */
export const same =
  (type: string, version = 1): LoweringRule =>
  (c) => [c.one(type, version, [c.input(0)])];

/** A two-input elementwise op with numpy broadcasting. */
export const binary =
  (type: string): LoweringRule =>
  (c) => [c.one(type, 1, [c.input(0), c.input(1)], { auto_broadcast: "numpy" })];

/** Two values combined by a numpy-broadcasting OpenVINO op. */
export function combine(c: LowerContext, type: string, a: Value, b: Value): Value {
  return c.one(type, 1, [a, b], { auto_broadcast: "numpy" });
}

/** ONNX axis → non-negative axis. */
export function positiveAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** ONNX input i viewed with the given dims (constants are re-shaped, computed values get a Reshape). */
export function reshaped(c: LowerContext, i: number, dims: readonly number[], what: string): Value {
  const t = c.constant(i);
  if (t) return c.constTensor(what, Tensor.fromBytes(t.dtype, dims, t.bytes()));
  return c.one("Reshape", 1, [c.input(i), c.i64(`${what}_shape`, dims)], { special_zero: false });
}
