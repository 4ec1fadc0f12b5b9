/**
 * Node attributes: a tagged union per attribute type. Integers are bigint (ONNX attributes
 * are int64 and use INT64_MAX/MIN as sentinels); the getters on Node convert to number
 * where a pass wants one and the value is safely representable.
 */
import type { Graph } from "./graph.js";
import type { SparseTensor, Tensor } from "./tensor.js";
import type { ValueType } from "./types.js";

export type AttributeValue =
  | { readonly type: "float"; readonly value: number }
  | { readonly type: "int"; readonly value: bigint }
  | { readonly type: "string"; readonly value: string }
  | { readonly type: "tensor"; readonly value: Tensor }
  | { readonly type: "graph"; readonly value: Graph }
  | { readonly type: "sparse_tensor"; readonly value: SparseTensor }
  | { readonly type: "type_proto"; readonly value: ValueType }
  | { readonly type: "floats"; readonly value: readonly number[] }
  | { readonly type: "ints"; readonly value: readonly bigint[] }
  | { readonly type: "strings"; readonly value: readonly string[] }
  | { readonly type: "tensors"; readonly value: readonly Tensor[] }
  | { readonly type: "graphs"; readonly value: readonly Graph[] }
  | { readonly type: "sparse_tensors"; readonly value: readonly SparseTensor[] }
  | { readonly type: "type_protos"; readonly value: readonly ValueType[] };

export type AttributeType = AttributeValue["type"];

/**
 * Inside a function body an attribute may refer to an attribute of the calling node
 * (`ref_attr_name`) instead of carrying a value.
 */
export interface AttributeRef {
  readonly type: AttributeType;
  readonly ref: string;
}

export type Attribute = (AttributeValue | AttributeRef) & { readonly docString?: string };

export function isAttributeRef(a: Attribute): a is Extract<Attribute, { ref: string }> {
  return "ref" in a;
}

// Small constructors so that passes and tests read naturally: attr.int(1), attr.ints([0, 2]).
export const attr = {
  float: (value: number): AttributeValue => ({ type: "float", value }),
  int: (value: number | bigint): AttributeValue => ({ type: "int", value: BigInt(value) }),
  string: (value: string): AttributeValue => ({ type: "string", value }),
  tensor: (value: Tensor): AttributeValue => ({ type: "tensor", value }),
  graph: (value: Graph): AttributeValue => ({ type: "graph", value }),
  floats: (value: readonly number[]): AttributeValue => ({ type: "floats", value: [...value] }),
  ints: (value: readonly (number | bigint)[]): AttributeValue => ({ type: "ints", value: value.map((v) => BigInt(v)) }),
  strings: (value: readonly string[]): AttributeValue => ({ type: "strings", value: [...value] }),
};

/** Subgraphs held by an attribute (for walking nested graphs). */
export function attributeGraphs(a: Attribute): readonly Graph[] {
  if (isAttributeRef(a)) return [];
  if (a.type === "graph") return [a.value];
  if (a.type === "graphs") return a.value;
  return [];
}
