/**
 * A graph: ordered nodes, inputs, outputs and initializers, plus a name table for every
 * value it defines. Nested graphs (If branches, Loop/Scan bodies, function bodies) are Graphs
 * too; `parent` links a subgraph to the node that owns it, and a subgraph's nodes may read
 * values of enclosing graphs directly.
 *
 * Mutation goes through these methods so use-lists, producers and name tables stay right.
 * Iterating over `graph.nodes` while mutating is safe: it is a snapshot of the order, taken
 * again after the next change.
 *
 * Every operation is O(1) or O(the thing it touches), so a pass stays linear in the graph:
 * the node order is a doubly linked list (insert and remove next to any node without a
 * search), graph inputs and outputs have membership counts, and the root graph keeps
 * indexes of the value and node names used anywhere in the tree for `uniqueName` and
 * `uniqueNodeName`.
 */
import { NameIndex } from "./name-index.js";
import type { Node } from "./node.js";
import type { Tensor } from "./tensor.js";
import { Value } from "./value.js";
import { countVisits } from "./visit-counter.js";

export class Graph {
  name: string;
  docString: string | undefined;
  metadataProps: { key: string; value: string }[] | undefined;
  /** ONNX quantization annotations, kept verbatim. */
  quantizationAnnotation: { tensorName: string; params: { key: string; value: string }[] }[] | undefined;
  private _parent: Node | undefined;
  private firstNode: Node | undefined;
  private lastNode: Node | undefined;
  private nodeCount = 0;
  /** The node order as an array, taken on the first read after a change. */
  private nodeSnapshot: Node[] | undefined;
  private readonly _inputs: Value[] = [];
  private readonly inputCounts = new Map<Value, number>();
  private readonly _outputs: Value[] = [];
  private readonly outputCounts = new Map<Value, number>();
  /**
   * Value and node names of the whole tree: kept by the root graph, built on first use, and
   * valid while no subgraph has moved anywhere since (see treeEpoch).
   */
  private names: { values: NameIndex; nodes: NameIndex; epoch: number } | undefined;
  private readonly _initializers = new Map<string, Value>();
  /** Every value defined in this graph, by name. */
  private readonly _values = new Map<string, Value>();
  /**
   * Values named in value_info that nothing in this graph defines (ONNX allows type hints
   * for outer-scope names); kept so they are written back.
   */
  readonly extraValueInfo: Value[] = [];

  constructor(name = "") {
    this.name = name;
    this.docString = undefined;
    this.metadataProps = undefined;
    this.quantizationAnnotation = undefined;
    this._parent = undefined;
  }

  /** The node whose attribute holds this graph, for subgraphs. */
  get parent(): Node | undefined {
    return this._parent;
  }
  set parent(node: Node | undefined) {
    if (node !== this._parent) treeEpoch++;
    this._parent = node;
  }

  /** The nodes in order (a snapshot: it does not change when the graph does). */
  get nodes(): readonly Node[] {
    let list = this.nodeSnapshot;
    if (!list) {
      list = new Array<Node>(this.nodeCount);
      let i = 0;
      for (let n = this.firstNode; n; n = n.nextInGraph) {
        n.indexInGraph = i;
        list[i++] = n;
      }
      this.nodeSnapshot = list;
    }
    countVisits(list.length);
    return list;
  }
  get inputs(): readonly Value[] {
    countVisits(this._inputs.length);
    return this._inputs;
  }
  get outputs(): readonly Value[] {
    countVisits(this._outputs.length);
    return this._outputs;
  }
  /** Number of nodes (without taking a snapshot). */
  get size(): number {
    return this.nodeCount;
  }
  /** Whether `v` is one of this graph's inputs (O(1)). */
  hasInput(v: Value): boolean {
    return this.inputCounts.has(v);
  }
  /** Whether `v` is one of this graph's outputs (O(1)). */
  hasOutput(v: Value): boolean {
    return this.outputCounts.has(v);
  }
  /** Initializers in file order. */
  get initializers(): ReadonlyMap<string, Value> {
    return this._initializers;
  }

  /** The enclosing graph of a subgraph. */
  get parentGraph(): Graph | undefined {
    return this.parent?.graph;
  }

  /** A value defined in this graph. */
  value(name: string): Value | undefined {
    return this._values.get(name);
  }

  /** A value visible here: defined in this graph or an enclosing one. */
  lookup(name: string): Value | undefined {
    return this._values.get(name) ?? this.parentGraph?.lookup(name);
  }

  /** Every value this graph defines. */
  values(): IterableIterator<Value> {
    return this._values.values();
  }

  /** A name no value anywhere in this graph tree uses yet, derived from `base`. */
  uniqueName(base: string): string {
    return this.nameIndexes().values.fresh(base);
  }

  /** A node name not used by any node in this graph tree (onnxruntime requires unique names). */
  uniqueNodeName(base: string): string {
    return this.nameIndexes().nodes.fresh(base);
  }

  private rootGraph(): Graph {
    let g: Graph = this;
    while (g.parentGraph) g = g.parentGraph;
    return g;
  }

  /** The root's name indexes, (re)built when missing or out of date. */
  private nameIndexes(): { values: NameIndex; nodes: NameIndex } {
    const root = this.rootGraph();
    if (root.names?.epoch !== treeEpoch) {
      const values = new NameIndex();
      const nodes = new NameIndex();
      for (const g of root.graphTree()) for (const name of g._values.keys()) values.add(name);
      for (const n of root.allNodes()) nodes.add(n.name);
      root.names = { values, nodes, epoch: treeEpoch };
    }
    return root.names;
  }

  /** The root's name indexes if they are built and current; updates go there. */
  private liveNameIndexes(): { values: NameIndex; nodes: NameIndex } | undefined {
    const names = this.rootGraph().names;
    return names?.epoch === treeEpoch ? names : undefined;
  }

  /** This graph and every graph nested in it. */
  private *graphTree(): Generator<Graph> {
    yield this;
    for (let n = this.firstNode; n; n = n.nextInGraph) for (const sg of n.subgraphs()) yield* sg.graphTree();
  }

  /**
   * @internal A node gained or lost a subgraph, or one moved in or out of a graph: name
   * indexes are rebuilt on next use rather than patched (this is rare; If and Loop nodes).
   */
  subgraphsChanged(): void {
    treeEpoch++;
  }

  /** @internal a node of this graph was renamed */
  nodeRenamed(old: string, name: string): void {
    const names = this.liveNameIndexes();
    names?.nodes.remove(old);
    names?.nodes.add(name);
  }

  private define(v: Value): void {
    if (v.name === "") return;
    const prior = this._values.get(v.name);
    if (prior && prior !== v)
      throw new Error(`value name ${JSON.stringify(v.name)} is defined twice in graph ${JSON.stringify(this.name)}`);
    if (!prior) {
      this._values.set(v.name, v);
      this.liveNameIndexes()?.values.add(v.name);
    }
    v.graph = this;
  }

  private undefine(v: Value): void {
    if (this._values.get(v.name) !== v) return;
    this._values.delete(v.name);
    this.liveNameIndexes()?.values.remove(v.name);
  }

  /**
   * Whether `replacement` may take over the name of a graph output: it must be a node output
   * of this graph that is not already a graph output itself (inputs, constants and other
   * outputs have names of their own that are part of the interface).
   */
  canTakeOverName(replacement: Value): boolean {
    return replacement.producer?.graph === this && !this.outputCounts.has(replacement);
  }

  /**
   * Replaces `old` by `replacement` for every reader and every graph-output slot. A graph
   * output's name is part of the model's interface, so then `replacement` takes over `old`'s
   * name and declared type and `old` is renamed out of the way (check canTakeOverName first).
   * The caller removes whatever produced `old`.
   */
  replaceValue(old: Value, replacement: Value): void {
    const isOutput = this.outputCounts.has(old);
    old.replaceAllUsesWith(replacement, { graphOutputs: true });
    if (!isOutput) {
      replacement.type ??= old.type;
      return;
    }
    const name = old.name;
    if (this._values.get(name) === old) this.renameValue(old, this.uniqueName(`${name}_replaced`));
    this.renameValue(replacement, name);
    replacement.type = old.type ?? replacement.type;
  }

  /** Renames a value defined here, keeping the name table right. */
  renameValue(v: Value, name: string): void {
    if (v.name === name) return;
    if (this._values.has(name)) throw new Error(`value name ${JSON.stringify(name)} already exists`);
    this.undefine(v);
    v.name = name;
    this.define(v);
  }

  // --- inputs, outputs, initializers ------------------------------------------------------

  addInput(v: Value, index = this._inputs.length): Value {
    if (!this._initializers.has(v.name)) this.define(v);
    this._inputs.splice(index, 0, v);
    count(this.inputCounts, v, 1);
    v.graph = this;
    return v;
  }

  removeInput(v: Value): void {
    if (!this.inputCounts.has(v)) throw new Error(`${v.name} is not an input of this graph`);
    this._inputs.splice(this._inputs.indexOf(v), 1);
    count(this.inputCounts, v, -1);
    if (!v.isInitializer) this.undefine(v);
  }

  addOutput(v: Value, index = this._outputs.length): void {
    this._outputs.splice(index, 0, v);
    count(this.outputCounts, v, 1);
  }

  setOutput(index: number, v: Value): void {
    if (index < 0 || index >= this._outputs.length) throw new RangeError(`output index ${index} out of range`);
    count(this.outputCounts, this._outputs[index]!, -1);
    this._outputs[index] = v;
    count(this.outputCounts, v, 1);
  }

  removeOutput(index: number): void {
    const [removed] = this._outputs.splice(index, 1);
    if (removed) count(this.outputCounts, removed, -1);
  }

  /**
   * Adds (or re-uses) a value carrying a constant. An ONNX initializer that is also listed as
   * a graph input (IR < 4 style) is one Value in both lists.
   */
  addInitializer(v: Value, tensor?: Tensor): Value {
    if (tensor) v.initializer = tensor;
    if (!v.isInitializer) throw new Error(`initializer ${v.name} has no tensor`);
    this.define(v);
    this._initializers.set(v.name, v);
    return v;
  }

  removeInitializer(v: Value): void {
    if (this._initializers.get(v.name) !== v) throw new Error(`${v.name} is not an initializer of this graph`);
    this._initializers.delete(v.name);
    if (!this.inputCounts.has(v)) this.undefine(v);
  }

  // --- nodes ------------------------------------------------------------------------------

  appendNode(node: Node): Node {
    return this.link(node, this.lastNode, undefined);
  }

  insertBefore(ref: Node, node: Node): Node {
    this.checkMember(ref);
    return this.link(node, ref.prevInGraph, ref);
  }

  insertAfter(ref: Node, node: Node): Node {
    this.checkMember(ref);
    return this.link(node, ref, ref.nextInGraph);
  }

  /** The node after `node` in this graph's order (walk with firstNode / nextNode while mutating). */
  nextNode(node: Node): Node | undefined {
    this.checkMember(node);
    return node.nextInGraph;
  }

  /** The first node, or undefined for an empty graph. */
  get first(): Node | undefined {
    return this.firstNode;
  }

  /** The last node, or undefined for an empty graph (what was appended after it is walked with nextNode). */
  get last(): Node | undefined {
    return this.lastNode;
  }

  private checkMember(node: Node): void {
    if (node.graph !== this) throw new Error(`${node.describe()} is not in graph ${JSON.stringify(this.name)}`);
  }

  private link(node: Node, prev: Node | undefined, next: Node | undefined): Node {
    if (node.graph) throw new Error(`${node.describe()} is already in a graph`);
    for (const out of node.outputs) if (out) this.define(out);
    node.prevInGraph = prev;
    node.nextInGraph = next;
    if (prev) prev.nextInGraph = node;
    else this.firstNode = node;
    if (next) next.prevInGraph = node;
    else this.lastNode = node;
    this.nodeCount++;
    this.nodeSnapshot = undefined;
    node.graph = this;
    if (node.hasSubgraphs()) {
      for (const sg of node.subgraphs()) sg.parent = node;
      this.subgraphsChanged();
    } else {
      this.liveNameIndexes()?.nodes.add(node.name);
    }
    return node;
  }

  private unlink(node: Node): void {
    const { prevInGraph: prev, nextInGraph: next } = node;
    if (prev) prev.nextInGraph = next;
    else this.firstNode = next;
    if (next) next.prevInGraph = prev;
    else this.lastNode = prev;
    node.prevInGraph = undefined;
    node.nextInGraph = undefined;
    this.nodeCount--;
    this.nodeSnapshot = undefined;
    if (node.hasSubgraphs()) this.subgraphsChanged();
    else this.liveNameIndexes()?.nodes.remove(node.name);
    node.graph = undefined;
  }

  /**
   * Removes a node. Its outputs must be unused (no node reads them, no graph output is one)
   * unless `force` is set, in which case remaining users keep a dangling value the verifier
   * will report.
   */
  removeNode(node: Node, options: { force?: boolean } = {}): void {
    this.checkMember(node);
    if (!options.force) {
      for (const out of node.outputs) {
        if (!out) continue;
        if (out.uses.length > 0)
          throw new Error(`cannot remove ${node.describe()}: output ${out.name} still has ${out.uses.length} use(s)`);
        if (this.outputCounts.has(out)) throw new Error(`cannot remove ${node.describe()}: output ${out.name} is a graph output`);
      }
    }
    this.unlink(node);
    node.clearInputs();
    for (const out of node.outputs) if (out) this.undefine(out);
  }

  /** Takes a node out of this graph keeping its inputs and outputs, to move it into another graph. */
  detachNode(node: Node): void {
    this.checkMember(node);
    this.unlink(node);
    for (const out of node.outputs) if (out) this.undefine(out);
  }

  /** Replaces the whole node order (used by topological sort); must be a permutation. */
  reorderNodes(order: readonly Node[]): void {
    const distinct = new Set(order);
    if (order.length !== this.nodeCount || distinct.size !== order.length || order.some((n) => n.graph !== this)) {
      throw new Error("reorderNodes needs a permutation of the graph's nodes");
    }
    let prev: Node | undefined;
    for (const n of order) {
      n.prevInGraph = prev;
      if (prev) prev.nextInGraph = n;
      prev = n;
    }
    if (prev) prev.nextInGraph = undefined;
    this.firstNode = order[0];
    this.lastNode = prev;
    this.nodeSnapshot = undefined;
  }

  /** Creates a value, named uniquely from `base`, not yet attached anywhere. */
  newValue(base: string, type?: Value["type"]): Value {
    return new Value(this.uniqueName(base), type);
  }

  /** Nodes of this graph and, depth-first, of every nested subgraph. */
  *allNodes(): Generator<Node> {
    for (const n of this.nodes) {
      yield n;
      if (n.hasSubgraphs()) for (const sg of n.subgraphs()) yield* sg.allNodes();
    }
  }
}

/**
 * Bumped whenever a subgraph is attached, detached or re-parented anywhere; a tree's name
 * indexes built before that are stale (the tree they describe may have changed shape).
 */
let treeEpoch = 0;

/** Adds `delta` to a membership count, dropping the entry at zero. */
function count(counts: Map<Value, number>, v: Value, delta: number): void {
  const n = (counts.get(v) ?? 0) + delta;
  if (n > 0) counts.set(v, n);
  else counts.delete(v);
}
