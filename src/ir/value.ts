/**
 * A value is an SSA edge: produced once (by a node, or as a graph input or initializer) and
 * used by any number of node inputs. Use-lists are maintained by Node.setInput and the
 * Graph mutation methods, so passes can ask "who reads this?" without scanning the graph.
 */
import type { DTypeName } from "./dtype.js";
import type { Graph } from "./graph.js";
import type { Node } from "./node.js";
import type { Shape } from "./shape.js";
import type { SparseTensor, Tensor } from "./tensor.js";
import type { ValueType } from "./types.js";

export interface Use {
  readonly node: Node;
  readonly index: number;
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
  private readonly _uses: Use[] = [];

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
  }

  get uses(): readonly Use[] {
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
    return this.graph?.inputs.includes(this) ?? false;
  }

  isGraphOutput(): boolean {
    return this.graph?.outputs.includes(this) ?? false;
  }

  /**
   * Points every user of this value at `other`. Graph outputs keep their value unless asked,
   * because an output's name is part of the model's interface.
   */
  replaceAllUsesWith(other: Value, options: { graphOutputs?: boolean } = {}): void {
    if (other === this) return;
    for (const use of [...this._uses]) use.node.setInput(use.index, other);
    if (options.graphOutputs && this.graph) {
      const outs = this.graph.outputs;
      for (let i = 0; i < outs.length; i++) if (outs[i] === this) this.graph.setOutput(i, other);
    }
  }

  /** @internal maintained by Node */
  addUse(node: Node, index: number): void {
    this._uses.push({ node, index });
  }

  /** @internal maintained by Node */
  removeUse(node: Node, index: number): void {
    const i = this._uses.findIndex((u) => u.node === node && u.index === index);
    if (i >= 0) this._uses.splice(i, 1);
  }

  toString(): string {
    return `%${this.name}`;
  }
}
