/**
 * Builds replacement nodes in front of a node being rewritten: each emitted node gets a
 * fresh unique output name and the target op-set version; constants become initializers.
 */
import type { AttributeValue } from "../../../ir/attribute.js";
import type { Graph } from "../../../ir/graph.js";
import { Node } from "../../../ir/node.js";
import { Tensor } from "../../../ir/tensor.js";
import { tensorType } from "../../../ir/types.js";
import { Value } from "../../../ir/value.js";

export class Emitter {
  constructor(
    readonly graph: Graph,
    /** Emitted nodes go before this one. */
    readonly anchor: Node,
    readonly version: number,
  ) {}

  private base(): string {
    return this.anchor.name || this.anchor.opType;
  }

  op(opType: string, inputs: readonly (Value | undefined)[], attributes: Record<string, AttributeValue> = {}, outputs = 1): Value[] {
    const outs = Array.from(
      { length: outputs },
      (_, k) => new Value(this.graph.uniqueName(`${this.base()}/${opType}_out${outputs === 1 ? "" : k}`)),
    );
    const node = new Node({
      opType,
      version: this.version,
      name: this.graph.uniqueNodeName(`${this.base()}/${opType}`),
      inputs,
      outputs: outs,
      attributes,
    });
    this.graph.insertBefore(this.anchor, node);
    return outs;
  }

  one(opType: string, inputs: readonly (Value | undefined)[], attributes: Record<string, AttributeValue> = {}): Value {
    return this.op(opType, inputs, attributes, 1)[0]!;
  }

  private constant(name: string, t: Tensor): Value {
    const v = new Value(this.graph.uniqueName(`${this.base()}/${name}`), tensorType(t.dtype, t.dims));
    t.name = v.name;
    return this.graph.addInitializer(v, t);
  }

  floats(name: string, values: readonly number[], dims: readonly number[] = [values.length]): Value {
    return this.constant(name, Tensor.fromArray("float32", dims, Float32Array.from(values)));
  }

  /** A scalar of the given float dtype (float16 stored as its bits). */
  scalarLike(name: string, value: number, dtype: Value["dtype"]): Value {
    if (dtype === "float64") return this.constant(name, Tensor.fromArray("float64", [], Float64Array.of(value)));
    return this.floats(name, [value], []);
  }

  ints(name: string, values: readonly number[], dims: readonly number[] = [values.length]): Value {
    return this.constant(
      name,
      Tensor.fromArray(
        "int64",
        dims,
        BigInt64Array.from(values, (v) => BigInt(v)),
      ),
    );
  }

  /** Moves every use of `from` (and its graph-output slots) to `to`, keeping the output name. */
  replace(from: Value, to: Value): void {
    this.graph.replaceValue(from, to);
  }
}
