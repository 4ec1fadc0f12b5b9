/**
 * What a lowering rule works with: the ONNX node, its inputs already lowered, and helpers to
 * emit OpenVINO ops (opset1–opset10 only) and constants into the new graph.
 */
import type { DTypeName } from "../ir/dtype.js";
import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import { isStaticShape } from "../ir/shape.js";
import type { Tensor } from "../ir/tensor.js";
import type { Value } from "../ir/value.js";
import { tensorInts } from "../ops/onnx/op-def.js";
import { elementTypeOf } from "../ops/openvino/element-types.js";
import { OvBuilder } from "./builder.js";

export { formatNumber, OPENVINO } from "./builder.js";

export class LoweringError extends Error {}

export class LowerContext extends OvBuilder {
  constructor(
    graph: Graph,
    /** The ONNX node being lowered. */
    readonly node: Node,
    /** Its inputs, already lowered (undefined for omitted optional inputs). */
    readonly inputs: readonly (Value | undefined)[],
    /** The ONNX values the node reads (for types, shapes and constant values). */
    readonly source: readonly (Value | undefined)[],
    readonly opset: number,
  ) {
    super(graph, node.name || node.opType);
  }

  fail(reason: string): never {
    throw new LoweringError(reason);
  }

  input(i: number): Value {
    return this.inputs[i] ?? this.fail(`input ${i} is missing`);
  }

  /** Static shape of ONNX input i, or a failure naming why a static shape is needed. */
  shape(i: number): number[] {
    const s = this.source[i]?.shape;
    if (!isStaticShape(s)) this.fail(`input ${i} has no static shape (run fix with --input-shape first)`);
    return [...s];
  }

  dtype(i: number): DTypeName {
    return this.source[i]?.dtype ?? this.fail(`input ${i} has an unknown type`);
  }

  /** The constant value of ONNX input i, or undefined. */
  constant(i: number): Tensor | undefined {
    const v = this.source[i];
    return v?.initializer && !v.isGraphInput() ? v.initializer : undefined;
  }

  /** The whole-number values of constant ONNX input i (see tensorInts), or a failure naming `what` must be constant. */
  constInts(i: number, what: string): number[] {
    return tensorInts(this.constant(i) ?? this.fail(`${what} (input ${i}) must be a constant`));
  }

  /** A Convert of v to the given type, or a failure when OpenVINO has no such element type. */
  convert(v: Value, to: DTypeName): Value {
    const et = elementTypeOf(to) ?? this.fail(`${to} has no OpenVINO element type`);
    return this.one("Convert", 1, [v], { destination_type: et });
  }
}
