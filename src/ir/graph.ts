/**
 * A graph: ordered nodes, inputs, outputs and initializers, plus a name table for every
 * value it defines. Nested graphs (If branches, Loop/Scan bodies, function bodies) are Graphs
 * too; `parent` links a subgraph to the node that owns it, and a subgraph's nodes may read
 * values of enclosing graphs directly.
 *
 * Mutation goes through these methods so use-lists, producers and name tables stay right.
 * Iterating over `graph.nodes` while mutating is safe when iterating a copy (`[...graph.nodes]`).
 */
import type { Node } from "./node.js";
import type { Tensor } from "./tensor.js";
import { Value } from "./value.js";

export class Graph {
  name: string;
  docString: string | undefined;
  metadataProps: { key: string; value: string }[] | undefined;
  /** ONNX quantization annotations, kept verbatim. */
  quantizationAnnotation: { tensorName: string; params: { key: string; value: string }[] }[] | undefined;
  /** The node whose attribute holds this graph, for subgraphs. */
  parent: Node | undefined;
  private readonly _nodes: Node[] = [];
  private readonly _inputs: Value[] = [];
  private readonly _outputs: Value[] = [];
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
    this.parent = undefined;
  }

  get nodes(): readonly Node[] {
    return this._nodes;
  }
  get inputs(): readonly Value[] {
    return this._inputs;
  }
  get outputs(): readonly Value[] {
    return this._outputs;
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

  /** A name no value in this graph or its ancestors uses yet, derived from `base`. */
  uniqueName(base: string): string {
    const root = this.rootGraph();
    if (!root.nameInUse(base)) return base;
    for (let i = 1; ; i++) {
      const candidate = `${base}_${i}`;
      if (!root.nameInUse(candidate)) return candidate;
    }
  }

  /** A node name not used by any node in this graph tree (onnxruntime requires unique names). */
  uniqueNodeName(base: string): string {
    const used = new Set<string>();
    for (const n of this.rootGraph().allNodes()) used.add(n.name);
    if (!used.has(base)) return base;
    for (let i = 1; ; i++) if (!used.has(`${base}_${i}`)) return `${base}_${i}`;
  }

  private rootGraph(): Graph {
    let g: Graph = this;
    while (g.parentGraph) g = g.parentGraph;
    return g;
  }

  /** Whether this graph or any nested graph defines `name` (ONNX names are global across scopes). */
  private nameInUse(name: string): boolean {
    if (this._values.has(name)) return true;
    for (const n of this._nodes) for (const sg of n.subgraphs()) if (sg.nameInUse(name)) return true;
    return false;
  }

  private define(v: Value): void {
    if (v.name === "") return;
    const prior = this._values.get(v.name);
    if (prior && prior !== v)
      throw new Error(`value name ${JSON.stringify(v.name)} is defined twice in graph ${JSON.stringify(this.name)}`);
    this._values.set(v.name, v);
    v.graph = this;
  }

  private undefine(v: Value): void {
    if (this._values.get(v.name) === v) this._values.delete(v.name);
  }

  /**
   * Whether `replacement` may take over the name of a graph output: it must be a node output
   * of this graph that is not already a graph output itself (inputs, constants and other
   * outputs have names of their own that are part of the interface).
   */
  canTakeOverName(replacement: Value): boolean {
    return replacement.producer?.graph === this && !this._outputs.includes(replacement);
  }

  /**
   * Replaces `old` by `replacement` for every reader and every graph-output slot. A graph
   * output's name is part of the model's interface, so then `replacement` takes over `old`'s
   * name and declared type and `old` is renamed out of the way (check canTakeOverName first).
   * The caller removes whatever produced `old`.
   */
  replaceValue(old: Value, replacement: Value): void {
    const isOutput = this._outputs.includes(old);
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
    v.graph = this;
    return v;
  }

  removeInput(v: Value): void {
    const i = this._inputs.indexOf(v);
    if (i < 0) throw new Error(`${v.name} is not an input of this graph`);
    this._inputs.splice(i, 1);
    if (!v.isInitializer) this.undefine(v);
  }

  addOutput(v: Value, index = this._outputs.length): void {
    this._outputs.splice(index, 0, v);
  }

  setOutput(index: number, v: Value): void {
    if (index < 0 || index >= this._outputs.length) throw new RangeError(`output index ${index} out of range`);
    this._outputs[index] = v;
  }

  removeOutput(index: number): void {
    this._outputs.splice(index, 1);
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
    if (!this._inputs.includes(v)) this.undefine(v);
  }

  // --- nodes ------------------------------------------------------------------------------

  appendNode(node: Node): Node {
    return this.insertNodeAt(this._nodes.length, node);
  }

  insertBefore(ref: Node, node: Node): Node {
    return this.insertNodeAt(this.indexOf(ref), node);
  }

  insertAfter(ref: Node, node: Node): Node {
    return this.insertNodeAt(this.indexOf(ref) + 1, node);
  }

  private indexOf(node: Node): number {
    const i = this._nodes.indexOf(node);
    if (i < 0) throw new Error(`${node.describe()} is not in graph ${JSON.stringify(this.name)}`);
    return i;
  }

  private insertNodeAt(index: number, node: Node): Node {
    if (node.graph) throw new Error(`${node.describe()} is already in a graph`);
    for (const out of node.outputs) if (out) this.define(out);
    this._nodes.splice(index, 0, node);
    node.graph = this;
    for (const sg of node.subgraphs()) sg.parent = node;
    return node;
  }

  /**
   * Removes a node. Its outputs must be unused (no node reads them, no graph output is one)
   * unless `force` is set, in which case remaining users keep a dangling value the verifier
   * will report.
   */
  removeNode(node: Node, options: { force?: boolean } = {}): void {
    const i = this.indexOf(node);
    if (!options.force) {
      for (const out of node.outputs) {
        if (!out) continue;
        if (out.uses.length > 0)
          throw new Error(`cannot remove ${node.describe()}: output ${out.name} still has ${out.uses.length} use(s)`);
        if (this._outputs.includes(out)) throw new Error(`cannot remove ${node.describe()}: output ${out.name} is a graph output`);
      }
    }
    this._nodes.splice(i, 1);
    node.clearInputs();
    for (const out of node.outputs) if (out) this.undefine(out);
    node.graph = undefined;
  }

  /** Takes a node out of this graph keeping its inputs and outputs, to move it into another graph. */
  detachNode(node: Node): void {
    this._nodes.splice(this.indexOf(node), 1);
    for (const out of node.outputs) if (out) this.undefine(out);
    node.graph = undefined;
  }

  /** Replaces the whole node order (used by topological sort); must be a permutation. */
  reorderNodes(order: readonly Node[]): void {
    if (order.length !== this._nodes.length || order.some((n) => n.graph !== this)) {
      throw new Error("reorderNodes needs a permutation of the graph's nodes");
    }
    this._nodes.splice(0, this._nodes.length, ...order);
  }

  /** Creates a value, named uniquely from `base`, not yet attached anywhere. */
  newValue(base: string, type?: Value["type"]): Value {
    return new Value(this.uniqueName(base), type);
  }

  /** Nodes of this graph and, depth-first, of every nested subgraph. */
  *allNodes(): Generator<Node> {
    for (const n of this._nodes) {
      yield n;
      for (const sg of n.subgraphs()) yield* sg.allNodes();
    }
  }
}
