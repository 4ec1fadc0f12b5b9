/**
 * A value is an SSA edge: produced once (by a node, or as a graph input or initializer) and
 * used by any number of node inputs. Use-lists are maintained by Node.setInput and the
 * Graph mutation methods, so passes can ask "who reads this?" without scanning the graph.
 *
 * Each use knows its slot in the list, so dropping one is O(1) (the last use moves into the
 * hole): a constant read by thousands of nodes costs the same to rewire as one read once.
 * The order of a use-list is therefore not insertion order once uses are removed.
 */
import type { DTypeName } from "./dtype.js";
import type { Graph } from "./graph.js";
import type { Node } from "./node.js";
import type { Shape } from "./shape.js";
import type { SparseTensor, Tensor } from "./tensor.js";
import type { ValueType } from "./types.js";
import { countVisits } from "./visit-counter.js";

export interface Use {
  readonly node: Node;
  readonly index: number;
}

/**
 * One entry of a use-list. Its slot is a private field, so a use still compares equal to a
 * plain `{ node, index }`.
 */
export class UseEntry implements Use {
  readonly node: Node;
  readonly index: number;
  #slot: number;
  constructor(node: Node, index: number, slot: number) {
    this.node = node;
    this.index = index;
    this.#slot = slot;
  }
  /** @internal position in the owning value's use-list */
  get slot(): number {
    return this.#slot;
  }
  /** @internal */
  moveTo(slot: number): void {
    this.#slot = slot;
  }
}

let stamps = 0;

/** @internal A value stamp larger than every stamp handed out before (see Value.stamp). */
export function nextValueStamp(): number {
  return stamps++;
}

export class Value {
  name: string;
  type: ValueType | undefined;
  docString: string | undefined;
  metadataProps: { key: string; value: string }[] | undefined;
  /** The graph that defines this value (graph input, initializer or a node output in it). */
  graph: Graph | undefined;
  /** Set when a node produces the value; `producerOutput` is the output slot. */
  producer: Node | undefined;
  producerOutput: number;
  /** Constant payload when the value is an initializer. */
  initializer: Tensor | undefined;
  /** Sparse constant payload when the value is a sparse initializer. */
  sparseInitializer: SparseTensor | undefined;
  /**
   * @internal A number a whole-graph pass may stamp on the value (CSE numbers the values it
   * has seen); stamps come from nextValueStamp, so a stale one is always smaller than the
   * stamps of the current run. A field rather than a Map of every value.
   */
  stamp: number;
  private _uses: UseEntry[] = [];

  constructor(name: string, type?: ValueType) {
    this.name = name;
    this.type = type;
    this.docString = undefined;
    this.metadataProps = undefined;
    this.graph = undefined;
    this.producer = undefined;
    this.producerOutput = -1;
    this.initializer = undefined;
    this.sparseInitializer = undefined;
    this.stamp = -1;
  }

  get uses(): readonly Use[] {
    countVisits(this._uses.length);
    return this._uses;
  }

  /** dtype of a tensor-typed value, else undefined. */
  get dtype(): DTypeName | undefined {
    return this.type?.kind === "tensor" || this.type?.kind === "sparse_tensor" ? this.type.dtype : undefined;
  }

  get shape(): Shape | undefined {
    return this.type?.kind === "tensor" || this.type?.kind === "sparse_tensor" ? this.type.shape : undefined;
  }

  /** True for initializers (dense or sparse): a compile-time constant unless it is also a graph input. */
  get isInitializer(): boolean {
    return this.initializer !== undefined || this.sparseInitializer !== undefined;
  }

  isGraphInput(): boolean {
    return this.graph?.hasInput(this) ?? false;
  }

  isGraphOutput(): boolean {
    return this.graph?.hasOutput(this) ?? false;
  }

  /**
   * Points every user of this value at `other`. Graph outputs keep their value unless asked,
   * because an output's name is part of the model's interface.
   */
  replaceAllUsesWith(other: Value, options: { graphOutputs?: boolean } = {}): void {
    if (other === this) return;
    for (const use of [...this._uses]) use.node.setInput(use.index, other);
    if (options.graphOutputs && this.graph?.hasOutput(this)) {
      const outs = this.graph.outputs;
      for (let i = 0; i < outs.length; i++) if (outs[i] === this) this.graph.setOutput(i, other);
    }
  }

  /** @internal maintained by Node, which keeps the entry to drop it later */
  addUse(node: Node, index: number): UseEntry {
    const entry = new UseEntry(node, index, this._uses.length);
    // Most values have one reader: a one-slot list instead of one grown from empty.
    if (this._uses.length === 0) this._uses = [entry];
    else this._uses.push(entry);
    return entry;
  }

  /** @internal maintained by Node: O(1), the last use fills the hole. */
  dropUse(entry: UseEntry): void {
    const slot = entry.slot;
    if (this._uses[slot] !== entry) return;
    const last = this._uses.pop()!;
    if (last !== entry) {
      this._uses[slot] = last;
      last.moveTo(slot);
    }
  }

  /** @internal (kept for callers outside Node): finds the use by a scan, then drops it. */
  removeUse(node: Node, index: number): void {
    const entry = this._uses.find((u) => u.node === node && u.index === index);
    if (entry) this.dropUse(entry);
  }

  /** Whether node input `index` is on this value's use-list (O(1)). */
  hasUse(node: Node, index: number): boolean {
    const entry = node.useEntry(index);
    return entry !== undefined && this._uses[entry.slot] === entry;
  }

  toString(): string {
    return `%${this.name}`;
  }
}
