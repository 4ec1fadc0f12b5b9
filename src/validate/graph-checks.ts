/**
 * Structural checks of a loaded graph, for every dialect: no cycles (a node reading its own
 * output included, which a topological sort alone lets through), every input of an OpenVINO
 * layer connected (an IR whose edge was dropped), every op from a domain the model imports.
 */
import type { GraphDialect } from "../frontends/frontend.js";
import type { Graph } from "../ir/graph.js";
import { type Model, normalizeDomain } from "../ir/model.js";
import type { Node } from "../ir/node.js";
import { CycleError, topologicalOrder } from "../ir/topo.js";
import type { Value } from "../ir/value.js";

export interface ValidationProblem {
  /** The node the problem is at, when there is one (the message names it too). */
  node?: Node;
  message: string;
}

/** Values a node reads, its subgraphs' reads of enclosing values included. */
function reads(node: Node): Set<Value> {
  const out = new Set<Value>();
  const visit = (n: Node): void => {
    for (const v of n.inputs) if (v) out.add(v);
    for (const sg of n.subgraphs()) for (const inner of sg.nodes) visit(inner);
  };
  visit(node);
  return out;
}

export function checkGraphStructure(graph: Graph, dialect: GraphDialect, problems: ValidationProblem[]): void {
  const where = graph.parent ? ` in a subgraph of ${graph.parent.describe()}` : "";
  for (const node of graph.nodes) {
    const own = reads(node);
    const loop = node.outputs.find((v) => v && own.has(v));
    if (loop) problems.push({ node, message: `${node.describe()}${where} reads its own output ${JSON.stringify(loop.name)} (a cycle)` });
    if (dialect === "openvino") {
      const open = node.inputs.indexOf(undefined);
      if (open >= 0)
        problems.push({ node, message: `${node.describe()}${where} has nothing connected to its input ${open} (a missing edge)` });
    }
  }
  try {
    topologicalOrder(graph);
  } catch (e) {
    if (!(e instanceof CycleError)) throw e;
    problems.push({ node: e.nodes[0], message: `${e.message}${where}` });
  }
  for (const node of graph.nodes) for (const sg of node.subgraphs()) checkGraphStructure(sg, dialect, problems);
}

/** ONNX: a node of a domain the model does not import (and no local function defines) cannot be given a meaning. */
export function checkDomains(model: Model, problems: ValidationProblem[]): void {
  for (const node of model.graph.allNodes()) {
    if (model.opsetVersion(node.domain) !== undefined || model.findFunction(node.domain, node.opType, node.overload)) continue;
    problems.push({
      node,
      message: `${node.describe()} is an op of domain ${JSON.stringify(normalizeDomain(node.domain))}, which the model does not import`,
    });
  }
}
