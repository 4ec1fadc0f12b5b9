/** Builds the op-table contexts (input types and constant values) for a node. */
import type { Model } from "../../ir/model.js";
import type { Node } from "../../ir/node.js";
import type { Tensor } from "../../ir/tensor.js";
import type { Value } from "../../ir/value.js";
import type { InferContext, InputInfo } from "../../ops/onnx/op-def.js";

/** A value's compile-time constant: a dense initializer that is not also an overridable input. */
export function constantOf(v: Value | undefined): Tensor | undefined {
  if (!v || !v.initializer || v.isGraphInput()) return undefined;
  return v.initializer;
}

export function isOnnxDomain(node: Node): boolean {
  return node.domain === "" || node.domain === "ai.onnx";
}

export function inferContext(model: Model, node: Node): InferContext {
  const inputs: (InputInfo | undefined)[] = node.inputs.map((v) =>
    v ? { dtype: v.dtype, shape: v.shape, type: v.type, value: constantOf(v) } : undefined,
  );
  return { node, opset: node.version ?? model.opsetVersion("") ?? 1, inputs };
}
