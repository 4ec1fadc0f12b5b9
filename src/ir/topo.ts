/**
 * Topological ordering. ONNX requires nodes in topological order but real files sometimes
 * are not; passes that insert nodes may also leave them out of order. Kahn's algorithm,
 * stable: among ready nodes the one earliest in the current order goes first, so sorting
 * an already sorted graph changes nothing.
 */
import type { Graph } from "./graph.js";
import type { Node } from "./node.js";

export class CycleError extends Error {
  readonly nodes: readonly Node[];
  constructor(nodes: readonly Node[]) {
    const names = nodes
      .slice(0, 5)
      .map((n) => n.describe())
      .join(", ");
    super(`the graph has a cycle through ${names}${nodes.length > 5 ? ` and ${nodes.length - 5} more` : ""}`);
    this.name = "CycleError";
    this.nodes = nodes;
  }
}

/** Values a node reads, including outer-scope values its subgraphs read (implicit inputs). */
export function nodeDependencies(node: Node): Set<Node> {
  const deps = new Set<Node>();
  forEachDependency(node, (p) => deps.add(p));
  return deps;
}

/** Calls `visit` with the producer of every value the node (or a subgraph of it) reads; repeats allowed. */
function forEachDependency(node: Node, visit: (producer: Node) => void): void {
  for (const v of node.inputs) if (v?.producer) visit(v.producer);
  if (node.hasSubgraphs()) for (const sg of node.subgraphs()) for (const inner of sg.nodes) forEachDependency(inner, visit);
}

/**
 * The graph's nodes in topological order; throws CycleError. Does not modify the graph.
 * O(nodes + edges) when the order is already topological (the usual case), else Kahn's
 * algorithm with a heap of positions: O(edges + nodes log nodes).
 */
export function topologicalOrder(graph: Graph): Node[] {
  // Taking the snapshot sets each node's indexInGraph: positions without a Map.
  const nodes = graph.nodes;
  const count = nodes.length;
  // Dependencies as positions, flattened: deps of node i are depList[depStart[i] .. depStart[i+1]).
  const depStart = new Int32Array(count + 1);
  const depList: number[] = [];
  let sorted = true;
  for (let i = 0; i < count; i++) {
    depStart[i] = depList.length;
    forEachDependency(nodes[i]!, (dep) => {
      // Dependencies on nodes of enclosing graphs are satisfied outside this graph.
      if (dep.graph !== graph) return;
      const at = dep.indexInGraph;
      if (at === i) return;
      depList.push(at);
      if (at > i) sorted = false;
    });
  }
  depStart[count] = depList.length;
  if (sorted) return [...nodes];

  const indegree = new Int32Array(count);
  const dependentCount = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) {
    indegree[i] = depStart[i + 1]! - depStart[i]!;
    for (let k = depStart[i]!; k < depStart[i + 1]!; k++) dependentCount[depList[k]! + 1]!++;
  }
  // Dependents of node d: dependents[dependentStart[d] .. dependentStart[d+1]), in node order.
  const dependentStart = dependentCount;
  for (let i = 0; i < count; i++) dependentStart[i + 1]! += dependentStart[i]!;
  const fill = dependentStart.slice(0, count);
  const dependents = new Int32Array(depList.length);
  for (let i = 0; i < count; i++) for (let k = depStart[i]!; k < depStart[i + 1]!; k++) dependents[fill[depList[k]!]!++] = i;

  // Among ready nodes the one earliest in the current order goes first, so the sort is stable.
  const ready = new PositionHeap(count);
  for (let i = 0; i < count; i++) if (indegree[i] === 0) ready.push(i);
  const order: Node[] = [];
  while (ready.size > 0) {
    const i = ready.pop();
    order.push(nodes[i]!);
    for (let k = dependentStart[i]!; k < dependentStart[i + 1]!; k++) {
      const d = dependents[k]!;
      if (--indegree[d]! === 0) ready.push(d);
    }
  }
  if (order.length !== count) {
    throw new CycleError(nodes.filter((_, i) => indegree[i]! > 0));
  }
  return order;
}

/** Sorts the graph in place; returns whether the order changed. */
export function sortTopologically(graph: Graph): boolean {
  const order = topologicalOrder(graph);
  const nodes = graph.nodes;
  const changed = order.some((n, i) => nodes[i] !== n);
  if (changed) graph.reorderNodes(order);
  return changed;
}

/** A binary min-heap of node positions. */
class PositionHeap {
  private readonly items: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.items = new Int32Array(Math.max(capacity, 1));
  }
  push(x: number): void {
    const a = this.items;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= x) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }
  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a[--this.size]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const m = r < this.size && a[r]! < a[l]! ? r : l;
      if (a[m]! >= last) break;
      a[i] = a[m]!;
      i = m;
    }
    a[i] = last;
    return top;
  }
}
