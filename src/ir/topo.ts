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
  const visit = (n: Node): void => {
    for (const v of n.inputs) if (v?.producer) deps.add(v.producer);
    for (const sg of n.subgraphs()) for (const inner of sg.nodes) visit(inner);
  };
  visit(node);
  return deps;
}

/** The graph's nodes in topological order; throws CycleError. Does not modify the graph. */
export function topologicalOrder(graph: Graph): Node[] {
  const nodes = graph.nodes;
  const position = new Map<Node, number>();
  for (let i = 0; i < nodes.length; i++) position.set(nodes[i]!, i);
  const indegree = new Map<Node, number>();
  const dependents = new Map<Node, Node[]>();
  for (const n of nodes) {
    let count = 0;
    for (const dep of nodeDependencies(n)) {
      // Dependencies on nodes of enclosing graphs are satisfied outside this graph.
      if (!position.has(dep) || dep === n) continue;
      count++;
      const list = dependents.get(dep);
      if (list) list.push(n);
      else dependents.set(dep, [n]);
    }
    indegree.set(n, count);
  }
  // A binary heap keyed by original position keeps the order stable.
  const ready = new MinHeap<Node>((a, b) => position.get(a)! - position.get(b)!);
  for (const n of nodes) if (indegree.get(n) === 0) ready.push(n);
  const order: Node[] = [];
  while (ready.size > 0) {
    const n = ready.pop()!;
    order.push(n);
    for (const d of dependents.get(n) ?? []) {
      const k = indegree.get(d)! - 1;
      indegree.set(d, k);
      if (k === 0) ready.push(d);
    }
  }
  if (order.length !== nodes.length) {
    throw new CycleError(nodes.filter((n) => indegree.get(n)! > 0));
  }
  return order;
}

/** Sorts the graph in place; returns whether the order changed. */
export function sortTopologically(graph: Graph): boolean {
  const order = topologicalOrder(graph);
  const changed = order.some((n, i) => graph.nodes[i] !== n);
  if (changed) graph.reorderNodes(order);
  return changed;
}

class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => number) {}
  get size(): number {
    return this.items.length;
  }
  push(x: T): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.less(a[i]!, a[p]!) >= 0) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!) < 0) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
