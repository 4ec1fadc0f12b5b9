/**
 * What a lowering rule works with: the ONNX node, its inputs already lowered, and helpers to
 * emit OpenVINO ops (opset1–opset10 only) and constants into the new graph.
 */
import type { DTypeName } from "../ir/dtype.js";
import type { Graph } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import { isStaticShape } from "../ir/shape.js";
import type { Tensor } from "../ir/tensor.js";
import type { ValueType } from "../ir/types.js";
import type { Value } from "../ir/value.js";
import { tensorInts } from "../ops/onnx/op-def.js";
import { elementTypeOf } from "../ops/openvino/element-types.js";
import { OvBuilder } from "./builder.js";

export { formatNumber, OPENVINO } from "./builder.js";

export class LoweringError extends Error {}

/** An input handed to another op's rule (LowerContext.lowerAs): the lowered value, and what the rule may ask of its ONNX side. */
export interface Operand {
  readonly value: Value;
  readonly type?: ValueType | undefined;
  /** The value when it is a constant (rules read weights, axes and shapes from it). */
  readonly constant?: Tensor | undefined;
}

/** What the lowering run offers rules beyond their own node (implemented in lower.ts). */
export interface LoweringSession {
  readonly options: { readonly dequantize?: boolean };
  /** Lowers a subgraph's nodes into the graph being built; its outputs' values, or a LoweringError naming `what` failed. */
  lowerSubgraph(sg: Graph, what: string): Value[];
  /** Lowers a later ONNX node with `rule` instead of its own (a chain lowered as one; each value stays right). */
  lowerLater(node: Node, rule: (c: LowerContext) => (Value | undefined)[]): void;
  /** A note for the user about how a node was lowered: a rule id (documented with the lint rules), the message, what to do. */
  note(node: Node, rule: string, message: string, suggestion?: string): void;
  /** The outputs of ONNX op `opType` on these inputs, built by that op's rule with the current node's attributes. */
  lowerAs(c: LowerContext, opType: string, operands: readonly (Operand | undefined)[], outputs?: number): (Value | undefined)[];
}

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
    readonly session: LoweringSession,
  ) {
    super(graph, node.name || node.opType);
  }

  /** Tells the user something about how this node was lowered (convert prints it, lint reports it as a warning). */
  note(rule: string, message: string, suggestion?: string): void {
    this.session.note(this.node, rule, message, suggestion);
  }

  /** The outputs of ONNX op `opType` on these operands (the current node's attributes apply). */
  lowerAs(opType: string, operands: readonly (Operand | undefined)[], outputs = 1): (Value | undefined)[] {
    return this.session.lowerAs(this, opType, operands, outputs);
  }

  /** The lowered value of input i as an operand for lowerAs (same type and constant). */
  operand(i: number): Operand {
    return { value: this.input(i), type: this.source[i]?.type, constant: this.constant(i) };
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
    if (!isStaticShape(s))
      this.fail(`input ${i} has no static shape; give the model's dynamic inputs one with --input-shape name=[dims] (inspect lists them)`);
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
