/**
 * Structural verifier. Reports, never throws: dangling inputs (a value nobody defines in
 * scope), broken producer links or use-lists, duplicate names, cycles and out-of-order
 * nodes, and type mismatches across an edge (an initializer whose tensor disagrees with its
 * declared type, a node version that disagrees with the model's op-set import).
 *
 * Linear in the graph: names visible in a subgraph are a chain of scopes (each enclosing
 * graph's definitions up to the owning node) rather than a copied set per node.
 */
import type { Graph } from "./graph.js";
import { type Model, normalizeDomain } from "./model.js";
import type { Node } from "./node.js";
import { formatShape, shapesEqual } from "./shape.js";
import { CycleError, topologicalOrder } from "./topo.js";
import type { Value } from "./value.js";

export interface VerifyProblem {
  readonly severity: "error" | "warning";
  readonly message: string;
  readonly node?: Node;
  readonly value?: Value;
}

/** Names of enclosing graphs a subgraph may read (a Set of names is one). */
export interface OuterNames {
  has(name: string): boolean;
}

/** The names a graph has defined when one of its nodes is reached, seen from that node's subgraphs. */
class ScopeAtNode implements OuterNames {
  constructor(
    private readonly outer: OuterNames,
    private readonly definedAt: ReadonlyMap<string, number>,
    private readonly limit: number,
  ) {}
  has(name: string): boolean {
    const at = this.definedAt.get(name);
    return (at !== undefined && at < this.limit) || this.outer.has(name);
  }
}

export function verifyModel(model: Model): VerifyProblem[] {
  const problems: VerifyProblem[] = [];
  verifyGraph(model.graph, problems, new Set());
  const functionKey = (domain: string, name: string, overload: string) => `${normalizeDomain(domain)}\u0000${name}\u0000${overload}`;
  const functions = new Set(model.functions.map((f) => functionKey(f.domain, f.name, f.overload)));
  for (const node of model.graph.allNodes()) {
    if (functions.size > 0 && functions.has(functionKey(node.domain, node.opType, node.overload))) continue;
    const imported = model.opsetVersion(node.domain);
    if (imported === undefined) {
      problems.push({
        severity: "error",
        node,
        message: `${node.describe()} uses domain ${JSON.stringify(node.domain)}, which the model does not import`,
      });
    } else if (node.version !== undefined && node.version !== imported && normalizeDomain(node.domain) !== "openvino") {
      problems.push({
        severity: "error",
        node,
        message: `${node.describe()} is marked op-set ${node.version} but the model imports ${imported}`,
      });
    }
  }
  for (const fn of model.functions) verifyGraph(fn.body, problems, new Set());
  // onnxruntime refuses models in which two nodes share a (non-empty) name.
  const seen = new Set<string>();
  for (const node of model.graph.allNodes()) {
    if (node.name === "") continue;
    if (seen.has(node.name))
      problems.push({ severity: "warning", node, message: `node name ${JSON.stringify(node.name)} is used by more than one node` });
    seen.add(node.name);
  }
  return problems;
}

export function verifyGraph(graph: Graph, problems: VerifyProblem[] = [], outerNames: OuterNames = new Set()): VerifyProblem[] {
  const where = graph.parent ? ` in a subgraph of ${graph.parent.describe()}` : "";
  /** Each name defined here, with the order it was defined in. */
  const defined = new Map<string, number>();
  const define = (v: Value, what: string): void => {
    if (v.name === "") {
      problems.push({ severity: "error", value: v, message: `${what} has an empty name${where}` });
      return;
    }
    // A name defined once (the usual case) is looked up once and added.
    if (defined.has(v.name)) {
      problems.push({ severity: "error", value: v, message: `value name ${JSON.stringify(v.name)} is defined more than once${where}` });
    } else {
      if (outerNames.has(v.name)) {
        problems.push({
          severity: "warning",
          value: v,
          message: `value ${JSON.stringify(v.name)}${where} shadows a value of an enclosing graph`,
        });
      }
      defined.set(v.name, defined.size);
    }
    if (v.graph !== graph)
      problems.push({ severity: "error", value: v, message: `value ${JSON.stringify(v.name)} is listed in a graph that does not own it` });
  };

  for (const v of graph.initializers.values()) {
    define(v, "an initializer");
    checkInitializerType(v, problems);
  }
  for (const v of graph.inputs) if (!graph.initializers.has(v.name)) define(v, "a graph input");

  const seen = new Set<Value>([...graph.inputs, ...graph.initializers.values()]);
  const visible = (v: Value): boolean => seen.has(v) || (graph.parentGraph?.lookup(v.name) === v && outerNames.has(v.name));

  for (const node of graph.nodes) {
    if (node.graph !== graph)
      problems.push({ severity: "error", node, message: `${node.describe()} is listed in a graph it does not belong to` });
    node.inputs.forEach((v, i) => {
      if (!v) return;
      if (!v.hasUse(node, i)) {
        problems.push({
          severity: "error",
          node,
          value: v,
          message: `${node.describe()} input ${i} (${v.name}) is missing from that value's use-list`,
        });
      }
      if (!visible(v)) {
        const definedLater = v.producer?.graph === graph;
        problems.push({
          severity: "error",
          node,
          value: v,
          message: definedLater
            ? `${node.describe()} reads ${JSON.stringify(v.name)} before the node that produces it (nodes are not in topological order)`
            : `${node.describe()} input ${i} reads ${JSON.stringify(v.name)}, which no graph input, initializer or earlier node defines${where}`,
        });
      }
    });
    node.outputs.forEach((v, i) => {
      if (!v) return;
      if (v.producer !== node || v.producerOutput !== i) {
        problems.push({
          severity: "error",
          node,
          value: v,
          message: `${node.describe()} output ${i} (${v.name}) does not point back to the node`,
        });
      }
      define(v, `output ${i} of ${node.describe()}`);
      seen.add(v);
    });
    if (!node.hasSubgraphs()) continue;
    const innerOuter = new ScopeAtNode(outerNames, defined, defined.size);
    for (const sg of node.subgraphs()) {
      if (sg.parent !== node)
        problems.push({ severity: "error", node, message: `a subgraph of ${node.describe()} does not point back to it` });
      verifyGraph(sg, problems, innerOuter);
    }
  }

  for (const v of graph.outputs) {
    if (!seen.has(v) && !(graph.parentGraph?.lookup(v.name) === v)) {
      problems.push({
        severity: "error",
        value: v,
        message: `graph output ${JSON.stringify(v.name)} is not defined by any input, initializer or node${where}`,
      });
    }
  }

  for (const v of seen) {
    for (const u of v.uses) {
      if (u.node.inputs[u.index] !== v) {
        problems.push({
          severity: "error",
          value: v,
          message: `use-list of ${JSON.stringify(v.name)} names ${u.node.describe()} input ${u.index}, which reads something else`,
        });
      }
    }
  }

  try {
    topologicalOrder(graph);
  } catch (e) {
    if (!(e instanceof CycleError)) throw e;
    problems.push({ severity: "error", node: e.nodes[0], message: e.message });
  }
  return problems;
}

function checkInitializerType(v: Value, problems: VerifyProblem[]): void {
  const t = v.initializer;
  if (!t || v.type?.kind !== "tensor") return;
  if (v.type.dtype !== undefined && v.type.dtype !== t.dtype) {
    problems.push({
      severity: "error",
      value: v,
      message: `initializer ${JSON.stringify(v.name)} holds ${t.dtype} data but is declared ${v.type.dtype}`,
    });
  }
  if (v.type.shape !== undefined && v.type.shape.every((d) => typeof d === "number") && !shapesEqual(v.type.shape, t.dims)) {
    problems.push({
      severity: "error",
      value: v,
      message: `initializer ${JSON.stringify(v.name)} has shape ${formatShape(t.dims)} but is declared ${formatShape(v.type.shape)}`,
    });
  }
}
