/**
 * Identity elimination: `y = Identity(x)` is dropped and readers of y read x. When y is a
 * graph output its name is part of the interface, so x takes y's name instead, which is only
 * possible when x is an ordinary node output of the same graph (not a graph input,
 * initializer or another graph output, whose names must stay). Dropout in inference (no
 * training_mode input, or a constant false one, and its mask unused) is an Identity too.
 */
import type { Node } from "../../ir/node.js";
import { isOnnxDomain } from "../onnx/op-context.js";
import { rewritePass } from "../rewrite/pass.js";
import { defineRule } from "../rewrite/rule.js";

/** Dropout that passes its input through unchanged. */
function isInferenceDropout(node: Node): boolean {
  const mask = node.outputs[1];
  if (mask && (mask.uses.length > 0 || mask.isGraphOutput())) return false;
  const training = node.inputs[2];
  if (!training) return true;
  const t = training.initializer;
  return t !== undefined && !training.isGraphInput() && t.size === 1 && t.bytes()[0] === 0;
}

const passThrough = defineRule({
  name: "identity",
  opTypes: ["Identity", "Dropout"],
  match(node) {
    if (!isOnnxDomain(node) || !node.inputs[0] || !node.outputs[0]) return undefined;
    return node.opType === "Identity" || isInferenceDropout(node) ? true : undefined;
  },
  check(node) {
    const y = node.outputs[0]!;
    if (y.isGraphOutput() && !node.graph!.canTakeOverName(node.inputs[0]!))
      return "its input and its output are both named parts of the graph's interface";
    return undefined;
  },
  rewrite(node) {
    return { replaceWith: [node.inputs[0]] };
  },
});

export const identityPass = rewritePass({ name: "identity", rules: [passThrough] });
