/**
 * An operation. A node is dialect-aware: `domain` + `opType` + `version` say which op of
 * which op set it is ("" / "ai.onnx" for ONNX, "openvino" for OpenVINO ops with the op's
 * own version such as Interpolate-4), so ONNX and OpenVINO ops can live in one graph.
 */
import { MyriadcError } from "../util/errors.js";
import { type Attribute, type AttributeValue, attributeGraphs, isAttributeRef } from "./attribute.js";
import { int64ToSafeNumber } from "./dtype.js";
import type { Graph } from "./graph.js";
import type { Tensor } from "./tensor.js";
import type { UseEntry, Value } from "./value.js";
import { countVisits } from "./visit-counter.js";

export interface NodeInit {
  opType: string;
  domain?: string;
  version?: number;
  name?: string;
  inputs?: readonly (Value | undefined)[];
  outputs?: readonly (Value | undefined)[];
  attributes?: Record<string, Attribute> | Map<string, Attribute>;
  docString?: string;
  overload?: string;
}

/**
 * A node's attributes. A plain Map to its readers; changes that add or drop a subgraph tell
 * the graph the node is in, whose name indexes cover nested graphs.
 */
class NodeAttributes extends Map<string, Attribute> {
  owner: Node | undefined;
  override set(name: string, a: Attribute): this {
    const before = this.owner ? super.get(name) : undefined;
    super.set(name, a);
    if (this.owner && (holdsGraphs(a) || (before !== undefined && holdsGraphs(before)))) this.owner.graph?.subgraphsChanged();
    return this;
  }
  override delete(name: string): boolean {
    const before = super.get(name);
    const had = super.delete(name);
    if (before !== undefined && holdsGraphs(before)) this.owner?.graph?.subgraphsChanged();
    return had;
  }
  override clear(): void {
    let graphs = false;
    for (const a of super.values()) graphs ||= holdsGraphs(a);
    super.clear();
    if (graphs) this.owner?.graph?.subgraphsChanged();
  }
}

const holdsGraphs = (a: Attribute): boolean => attributeGraphs(a).length > 0;

/** What `attributeMap` hands out for a node without attributes (nothing may change it). */
const NO_ATTRIBUTES: ReadonlyMap<string, Attribute> = new Map();

export class Node {
  opType: string;
  domain: string;
  /** Op-set version that defines this op's semantics (ONNX: the model's import for the domain). */
  version: number | undefined;
  overload: string;
  docString: string | undefined;
  metadataProps: { key: string; value: string }[] | undefined;
  /** ONNX multi-device annotations, kept verbatim for round trips. */
  deviceConfigurations: unknown[] | undefined;
  /** Created on first use: most nodes have no attributes, and an empty Map costs ~200 bytes. */
  private _attributes: NodeAttributes | undefined;
  /** The graph the node is in (undefined while detached). */
  graph: Graph | undefined;
  /** @internal neighbours in the graph's node order, maintained by Graph */
  prevInGraph: Node | undefined;
  /** @internal */
  nextInGraph: Node | undefined;
  /**
   * @internal The node's position in its graph's latest node snapshot (`graph.nodes`), set
   * when the snapshot is taken: whole-graph algorithms read positions without a Map.
   */
  indexInGraph: number;
  /** @internal the worklist this node is queued in (src/passes/rewrite/engine.ts), so queuing needs no Set */
  queuedIn: object | undefined;
  private _name: string;
  // Sized exactly when first filled: an array grown from empty reserves room for 17.
  private _inputs: (Value | undefined)[] = [];
  /** The use-list entry of each input, so that rewiring an input is O(1). */
  private _useEntries: (UseEntry | undefined)[] = [];
  private _outputs: (Value | undefined)[] = [];

  constructor(init: NodeInit) {
    this.opType = init.opType;
    this.domain = init.domain ?? "";
    this.version = init.version;
    this._name = init.name ?? "";
    this.overload = init.overload ?? "";
    this.docString = init.docString;
    this.metadataProps = undefined;
    this.deviceConfigurations = undefined;
    this.graph = undefined;
    this.prevInGraph = undefined;
    this.nextInGraph = undefined;
    this.indexInGraph = -1;
    this.queuedIn = undefined;
    const given = init.attributes instanceof Map ? init.attributes : Object.entries(init.attributes ?? {});
    this._attributes = undefined;
    if (given instanceof Map ? given.size > 0 : given.length > 0) {
      const attributes = new NodeAttributes(given);
      attributes.owner = this;
      this._attributes = attributes;
    }
    if (init.inputs?.length) this.appendInputs(init.inputs);
    if (init.outputs?.length) this.appendOutputs(init.outputs);
  }

  /** The node's attributes, to read or change (a node without any gets its map here). */
  get attributes(): Map<string, Attribute> {
    let a = this._attributes;
    if (!a) {
      a = new NodeAttributes();
      a.owner = this;
      this._attributes = a;
    }
    return a;
  }

  /** The attributes for reading only: no map is created for a node that has none. */
  get attributeMap(): ReadonlyMap<string, Attribute> {
    return this._attributes ?? NO_ATTRIBUTES;
  }

  /** The node's name; the graph's node-name index follows renames. */
  get name(): string {
    return this._name;
  }
  set name(name: string) {
    if (name === this._name) return;
    const old = this._name;
    this._name = name;
    this.graph?.nodeRenamed(old, name);
  }

  get inputs(): readonly (Value | undefined)[] {
    countVisits(this._inputs.length);
    return this._inputs;
  }

  /** Outputs; an omitted optional output (ONNX "") is undefined. */
  get outputs(): readonly (Value | undefined)[] {
    countVisits(this._outputs.length);
    return this._outputs;
  }

  /** @internal the use-list entry of input `index` */
  useEntry(index: number): UseEntry | undefined {
    return this._useEntries[index];
  }

  /** `domain::OpType` for messages and histograms ("" domain shows as the bare op type). */
  get qualifiedType(): string {
    return this.domain === "" || this.domain === "ai.onnx" ? this.opType : `${this.domain}::${this.opType}`;
  }

  setInput(index: number, value: Value | undefined): void {
    if (index < 0 || index > this._inputs.length) throw new RangeError(`input index ${index} out of range`);
    const old = this._inputs[index];
    if (index < this._inputs.length && old === value) return;
    const entry = this._useEntries[index];
    if (old && entry) old.dropUse(entry);
    this._inputs[index] = value;
    this._useEntries[index] = value?.addUse(this, index);
  }

  appendInput(value: Value | undefined): void {
    this.setInput(this._inputs.length, value);
  }

  /** Appends several inputs (the same as appendInput on each, with the lists sized once). */
  appendInputs(values: readonly (Value | undefined)[]): void {
    if (this._inputs.length > 0) {
      for (const v of values) this.appendInput(v);
      return;
    }
    this._inputs = values.slice();
    this._useEntries = values.map((v, i) => v?.addUse(this, i));
  }

  /** Removes trailing inputs beyond `count` (dropping their uses). */
  truncateInputs(count: number): void {
    for (let i = this._inputs.length - 1; i >= count; i--) {
      const entry = this._useEntries[i];
      if (entry) this._inputs[i]?.dropUse(entry);
    }
    this._inputs.length = Math.min(this._inputs.length, count);
    this._useEntries.length = this._inputs.length;
  }

  /** Detaches every input (used when a node is removed). */
  clearInputs(): void {
    this.truncateInputs(0);
  }

  setOutput(index: number, value: Value | undefined): void {
    const old = this._outputs[index];
    if (old && old.producer === this) {
      old.producer = undefined;
      old.producerOutput = -1;
    }
    this._outputs[index] = value;
    if (value) {
      if (value.producer && value.producer !== this) {
        throw new Error(`value ${value.name} is already produced by node ${value.producer.name || value.producer.opType}`);
      }
      value.producer = this;
      value.producerOutput = index;
      if (this.graph) value.graph = this.graph;
    }
  }

  appendOutput(value: Value | undefined): void {
    this.setOutput(this._outputs.length, value);
  }

  /** Appends several outputs (the same as appendOutput on each, with the list sized once). */
  appendOutputs(values: readonly (Value | undefined)[]): void {
    const first = this._outputs.length;
    if (first === 0) this._outputs = values.map(() => undefined);
    for (let i = 0; i < values.length; i++) this.setOutput(first + i, values[i]);
  }

  // --- attribute access -------------------------------------------------------------------

  attribute(name: string): AttributeValue | undefined {
    const a = this.attributeMap.get(name);
    if (a === undefined) return undefined;
    if (isAttributeRef(a))
      throw new MyriadcError("invalid-graph", `attribute ${name} of ${this.describe()} refers to a function attribute`);
    return a;
  }

  /** Sets an attribute (a subgraph it holds is counted in the graph's name indexes). */
  setAttribute(name: string, value: Attribute): void {
    this.attributes.set(name, value);
  }

  private typed<T extends AttributeValue["type"]>(name: string, type: T): Extract<AttributeValue, { type: T }> | undefined {
    const a = this.attribute(name);
    if (a === undefined) return undefined;
    // A wrong type is the model's fault (a file can say anything), so it is a user error, not a bug.
    if (a.type !== type) throw new MyriadcError("invalid-graph", `attribute ${name} of ${this.describe()} is ${a.type}, expected ${type}`);
    return a as Extract<AttributeValue, { type: T }>;
  }

  getInt(name: string): number | undefined;
  getInt(name: string, fallback: number): number;
  getInt(name: string, fallback?: number): number | undefined {
    const a = this.typed(name, "int");
    return a === undefined ? fallback : safeNumber(a.value, name, this);
  }

  getBigInt(name: string): bigint | undefined {
    return this.typed(name, "int")?.value;
  }

  getFloat(name: string): number | undefined;
  getFloat(name: string, fallback: number): number;
  getFloat(name: string, fallback?: number): number | undefined {
    return this.typed(name, "float")?.value ?? fallback;
  }

  getString(name: string): string | undefined;
  getString(name: string, fallback: string): string;
  getString(name: string, fallback?: string): string | undefined {
    return this.typed(name, "string")?.value ?? fallback;
  }

  /** Integer list as numbers; INT64 sentinels are clamped to ±MAX_SAFE_INTEGER. */
  getInts(name: string): number[] | undefined {
    return this.typed(name, "ints")?.value.map(int64ToSafeNumber);
  }

  getBigInts(name: string): readonly bigint[] | undefined {
    return this.typed(name, "ints")?.value;
  }

  getFloats(name: string): readonly number[] | undefined {
    return this.typed(name, "floats")?.value;
  }

  getStrings(name: string): readonly string[] | undefined {
    return this.typed(name, "strings")?.value;
  }

  getTensor(name: string): Tensor | undefined {
    return this.typed(name, "tensor")?.value;
  }

  getGraph(name: string): Graph | undefined {
    return this.typed(name, "graph")?.value;
  }

  /** Every subgraph held by this node's attributes (If branches, Loop/Scan bodies). */
  subgraphs(): Graph[] {
    const out: Graph[] = [];
    for (const a of this.attributeMap.values()) {
      if (isAttributeRef(a) || (a.type !== "graph" && a.type !== "graphs")) continue;
      if (a.type === "graph") out.push(a.value);
      else out.push(...a.value);
    }
    return out;
  }

  /** Whether any attribute holds a graph (cheaper than subgraphs().length). */
  hasSubgraphs(): boolean {
    for (const a of this.attributeMap.values()) if (holdsGraphs(a)) return true;
    return false;
  }

  /** `node "Conv_12" (Conv)` — how diagnostics name a node. */
  describe(): string {
    return `node ${JSON.stringify(this.name)} (${this.qualifiedType})`;
  }
}

function safeNumber(v: bigint, name: string, node: Node): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new MyriadcError("invalid-graph", `attribute ${name} of ${node.describe()} is ${v}, beyond 2^53`);
  return n;
}
