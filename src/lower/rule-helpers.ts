/**
 * The shape of a lowering rule and the small builders several families use. Kept apart
 * from the rule tables so every family file can use them without importing another family.
 */
import type { Node } from "../ir/node.js";
import { Tensor } from "../ir/tensor.js";
import type { Value } from "../ir/value.js";
import type { LowerContext } from "./context.js";

/**
 * Builds the OpenVINO values for an ONNX node's outputs, or fails with the reason. `precheck`
 * says why the node cannot be lowered from the ONNX node alone, so the reason is known even
 * when an input failed to lower (an If whose branches cannot be selected between).
 */
export type LoweringRule = ((c: LowerContext) => (Value | undefined)[]) & { readonly precheck?: (node: Node) => string | undefined };

/** Two values combined by a numpy-broadcasting OpenVINO op. */
export function combine(c: LowerContext, type: string, a: Value, b: Value): Value {
  return c.one(type, 1, [a, b], { auto_broadcast: "numpy" });
}

/** ONNX input i viewed with the given dims (constants are re-shaped, computed values get a Reshape). */
export function reshaped(c: LowerContext, i: number, dims: readonly number[], what: string): Value {
  const t = c.constant(i);
  if (t) return c.constTensor(what, Tensor.fromBytes(t.dtype, dims, t.bytes()));
  return c.one("Reshape", 1, [c.input(i), c.i64(`${what}_shape`, dims)], { special_zero: false });
}

/** Axes given as an attribute before op set `sinceInput` and as a constant input (index `inputIndex`) from then on. */
export function axesOf(c: LowerContext, inputIndex: number, sinceInput: number): number[] | undefined {
  if (c.opset < sinceInput) return c.node.getInts("axes");
  return c.node.inputs[inputIndex] ? c.constInts(inputIndex, "axes") : undefined;
}
