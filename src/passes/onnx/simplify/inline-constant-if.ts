/**
 * `If` with a constant condition: the branch that will run is moved into the enclosing
 * graph (its nodes and initializers, in order) and its outputs take the If's place. Names
 * stay valid because ONNX value names are unique across nested graphs.
 */
import type { Graph } from "../../../ir/graph.js";
import type { Model } from "../../../ir/model.js";
import type { Pass, PassResult } from "../../pass.js";
import { constantOf, isOnnxDomain } from "../op-context.js";

function inline(graph: Graph): boolean {
  let changed = false;
  for (const node of [...graph.nodes]) {
    if (!node.graph) continue;
    for (const sg of node.subgraphs()) changed = inline(sg) || changed;
    if (node.opType !== "If" || !isOnnxDomain(node)) continue;
    const cond = constantOf(node.inputs[0]);
    if (!cond || cond.size !== 1) continue;
    const branch = node.getGraph(cond.bytes()[0] !== 0 ? "then_branch" : "else_branch");
    if (!branch || branch.outputs.length !== node.outputs.length) continue;
    // A graph output keeps its name, so the branch result replacing it must be computed inside
    // the branch and stand for that one output only (it will take the output's name).
    const movable = node.outputs.every((out, i) => {
      if (!out?.isGraphOutput()) return true;
      const r = branch.outputs[i]!;
      return r.producer?.graph === branch && branch.outputs.indexOf(r) === i && branch.outputs.lastIndexOf(r) === i;
    });
    if (!movable) continue;
    // Move the branch's initializers and nodes (in order) in front of the If.
    for (const v of [...branch.initializers.values()]) {
      const t = v.initializer;
      branch.removeInitializer(v);
      if (t) graph.addInitializer(v, t);
    }
    for (const inner of [...branch.nodes]) {
      branch.detachNode(inner);
      graph.insertBefore(node, inner);
    }
    node.outputs.forEach((out, i) => {
      if (out) graph.replaceValue(out, branch.outputs[i]!);
    });
    graph.removeNode(node, { force: true });
    changed = true;
  }
  return changed;
}

export const inlineConstantIfPass: Pass = {
  name: "inline-constant-if",
  dialect: "onnx",
  description: "replace an If whose condition is constant by the branch that runs",
  run(model: Model): PassResult {
    return { changed: inline(model.graph) };
  },
};
