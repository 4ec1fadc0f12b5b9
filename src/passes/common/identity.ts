/**
 * Identity elimination: `y = Identity(x)` is dropped and readers of y read x. When y is a
 * graph output its name is part of the interface, so x takes y's name instead, which is only
 * possible when x is an ordinary node output of the same graph (not a graph input,
 * initializer or another graph output, whose names must stay). Dropout in inference (no
 * training_mode input, or a constant false one, and its mask unused) is an Identity too.
 */
import type { Graph } from "../../ir/graph.js";
import type { Model } from "../../ir/model.js";
import type { Node } from "../../ir/node.js";
import type { Pass, PassResult } from "../pass.js";

function isOnnx(node: Node): boolean {
  return node.domain === "" || node.domain === "ai.onnx";
}

/** Dropout that passes its input through unchanged. */
function isInferenceDropout(node: Node): boolean {
  if (node.opType !== "Dropout" || !isOnnx(node)) return false;
  const mask = node.outputs[1];
  if (mask && (mask.uses.length > 0 || mask.isGraphOutput())) return false;
  const training = node.inputs[2];
  if (!training) return true;
  const t = training.initializer;
  return t !== undefined && !training.isGraphInput() && t.size === 1 && t.bytes()[0] === 0;
}

function eliminateIn(graph: Graph): boolean {
  let changed = false;
  for (const node of [...graph.nodes]) {
    for (const sg of node.subgraphs()) changed = eliminateIn(sg) || changed;
    const passThrough = (node.opType === "Identity" && isOnnx(node)) || isInferenceDropout(node);
    if (!passThrough) continue;
    const x = node.inputs[0];
    const y = node.outputs[0];
    if (!x || !y) continue;
    if (y.isGraphOutput() && !graph.canTakeOverName(x)) continue;
    graph.replaceValue(y, x);
    graph.removeNode(node, { force: true });
    changed = true;
  }
  return changed;
}

export const identityPass: Pass = {
  name: "identity",
  dialect: "onnx",
  description: "remove Identity and inference-mode Dropout nodes",
  run(model: Model): PassResult {
    return { changed: eliminateIn(model.graph) };
  },
};
