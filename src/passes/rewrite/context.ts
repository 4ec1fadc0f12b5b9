/**
 * What a rule's `rewrite` builds with. Every node it creates, moves, changes or removes goes
 * through here, so the driver knows which nodes to look at again (and nothing else), and can
 * tell that a rewrite that declined built nothing.
 */
import type { Graph } from "../../ir/graph.js";
import type { Node } from "../../ir/node.js";
import type { Tensor } from "../../ir/tensor.js";
import { tensorType } from "../../ir/types.js";
import { Value } from "../../ir/value.js";
import { type OvAttributes, OvBuilder } from "../../lower/builder.js";
import type { ValueFacts } from "./facts.js";

/** An OpenVINO builder that tells the context about each node and constant it makes. */
class RecordingOvBuilder extends OvBuilder {
  constructor(
    graph: Graph,
    base: string,
    private readonly ctx: RewriteContext,
  ) {
    super(graph, base);
  }

  override op(type: string, version: number, inputs: readonly (Value | undefined)[], attributes?: OvAttributes, outputs?: number): Value[] {
    const outs = super.op(type, version, inputs, attributes, outputs);
    const made = outs[0]?.producer;
    if (made) this.ctx.created.push(made);
    return outs;
  }

  override constTensor(suffix: string, t: Tensor): Value {
    this.ctx.constants++;
    return super.constTensor(suffix, t);
  }
}

export class RewriteContext {
  /** Nodes created or moved into a graph by this rewrite. */
  readonly created: Node[] = [];
  /** Nodes other than the matched one that the rewrite changed where they stand. */
  readonly touched: Node[] = [];
  /** Nodes other than the matched one that the rewrite removed. */
  readonly removed: Node[] = [];
  /** The producers of what the removed nodes read: each lost a reader. */
  readonly removedProducers: Node[] = [];
  /** Initializers added. */
  constants = 0;

  constructor(
    /** The matched node. */
    readonly node: Node,
    /** The graph it is in. */
    readonly graph: Graph,
    /** What the rule's check was told about types and constants. */
    readonly facts: ValueFacts,
  ) {}

  /** Builds OpenVINO ops named after `base` (default: the matched node). */
  ov(base = this.node.name): OvBuilder {
    return new RecordingOvBuilder(this.graph, base, this);
  }

  insertBefore(anchor: Node, node: Node): Node {
    this.created.push(node);
    return this.graph.insertBefore(anchor, node);
  }

  insertAfter(anchor: Node, node: Node): Node {
    this.created.push(node);
    return this.graph.insertAfter(anchor, node);
  }

  /** Adds an initializer with a fresh name derived from `base`. */
  constant(base: string, t: Tensor): Value {
    const v = new Value(this.graph.uniqueName(base), tensorType(t.dtype, t.dims));
    t.name = v.name;
    return this.addInitializer(v, t);
  }

  /** Adds an existing value as an initializer (a constant moved from another graph). */
  addInitializer(v: Value, t: Tensor): Value {
    this.constants++;
    return this.graph.addInitializer(v, t);
  }

  /** A neighbour the rewrite changed in place. */
  touch(node: Node): void {
    this.touched.push(node);
  }

  /** Removes a neighbour whose outputs the rewrite no longer needs (they must be unused). */
  remove(node: Node): void {
    this.removed.push(node);
    for (const v of node.inputs) if (v?.producer) this.removedProducers.push(v.producer);
    node.graph!.removeNode(node);
  }

  /** Whether anything was built (a rewrite that declines must not have). */
  get built(): boolean {
    return this.created.length > 0 || this.constants > 0 || this.touched.length > 0 || this.removed.length > 0;
  }
}
