/**
 * What a rewrite rule may ask about the values around a node: their dtype and dims, and
 * whether they are constants. A legalization run reads the values' own types; lint asks the
 * same rules about a model whose types it observed separately and whose constant inputs are
 * still to be folded, so it hands the rules its own answers. One interface, so the rules are
 * written once and lint and the passes cannot disagree about what a rule would do.
 */
import type { DTypeName } from "../../ir/dtype.js";
import type { Value } from "../../ir/value.js";

export interface ValueType {
  readonly dtype: DTypeName;
  /** Dims; null for a dimension whose size is not known. */
  readonly dims: readonly (number | null)[];
}

export interface ValueFacts {
  /** The value's dtype and dims, when known. */
  type(v: Value): ValueType | undefined;
  /**
   * Whether the value is a constant by the time the rule looks at it: an initializer, or
   * (for lint) something the legalization folds into one first.
   */
  isConstant(v: Value): boolean;
}

/** A value's own type as a ValueType (symbolic dims are unknown sizes). */
export function ownType(v: Value): ValueType | undefined {
  const dtype = v.dtype;
  const shape = v.shape;
  if (!dtype || !shape) return undefined;
  return { dtype, dims: shape.map((d) => (typeof d === "number" ? d : null)) };
}

/** A constant that is not also a graph input (an overridable ONNX initializer is not constant). */
export function isOwnConstant(v: Value): boolean {
  return v.isInitializer && !v.isGraphInput();
}

/** Facts read off the graph itself: what a pass sees while it runs. */
export const graphFacts: ValueFacts = { type: ownType, isConstant: isOwnConstant };

/** The static dims of a value, or undefined when any is unknown. */
export function staticDims(facts: ValueFacts, v: Value | undefined): number[] | undefined {
  const dims = v ? facts.type(v)?.dims : undefined;
  return dims && dims.every((d): d is number => d !== null) ? [...dims] : undefined;
}

/** The rank of a value, when known. */
export function rankOf(facts: ValueFacts, v: Value | undefined): number | undefined {
  return v ? facts.type(v)?.dims.length : undefined;
}
