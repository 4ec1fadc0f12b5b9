/**
 * Dead-code elimination: removes nodes none of whose outputs is read (by any node, in any
 * nested graph) or is a graph output, and initializers nothing reads that are not graph
 * inputs or outputs. Works in every graph, so whole dead chains go in one run. A whole-graph
 * sweep rather than a rewrite rule: a node is dead by what nothing else does.
 */
import type { Graph } from "../../ir/graph.js";
import type { Model } from "../../ir/model.js";
import type { Node } from "../../ir/node.js";
import type { Pass, PassResult } from "../pass.js";

function isLive(graph: Graph, node: Node): boolean {
  return node.outputs.some((v) => v !== undefined && (v.uses.length > 0 || graph.outputs.includes(v)));
}

export function eliminateDeadCode(graph: Graph): boolean {
  let changed = false;
  // Reverse order: removing a reader first makes its producers dead in the same sweep.
  for (const node of [...graph.nodes].reverse()) {
    if (!isLive(graph, node)) {
      graph.removeNode(node);
      changed = true;
      continue;
    }
    for (const sg of node.subgraphs()) changed = eliminateDeadCode(sg) || changed;
  }
  for (const v of [...graph.initializers.values()]) {
    if (v.uses.length === 0 && !graph.inputs.includes(v) && !graph.outputs.includes(v)) {
      graph.removeInitializer(v);
      changed = true;
    }
  }
  return changed;
}

export const deadCodePass: Pass = {
  name: "dead-code",
  // One reverse sweep removes whole dead chains, in every graph.
  reachesFixedPoint: true,
  run(model: Model): PassResult {
    return { changed: eliminateDeadCode(model.graph) };
  },
};
