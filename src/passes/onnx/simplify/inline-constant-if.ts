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
    // A graph output keeps its name: the branch result that replaces it must be renamable.
    const renames: [number, string][] = [];
    let renamable = true;
    node.outputs.forEach((out, i) => {
      if (!out?.isGraphOutput()) return;
      const result = branch.outputs[i]!;
      if (result.producer?.graph !== branch || branch.outputs.indexOf(result) !== i) renamable = false;
      renames.push([i, out.name]);
    });
    if (!renamable) continue;
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
    const types = node.outputs.map((o) => o?.type);
    node.outputs.forEach((out, i) => out?.replaceAllUsesWith(branch.outputs[i]!, { graphOutputs: true }));
    graph.removeNode(node, { force: true });
    for (const [i, name] of renames) {
      const result = branch.outputs[i]!;
      graph.renameValue(result, name);
      result.type = types[i] ?? result.type;
    }
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
