/**
 * What a lowering rule works with: the ONNX node, its inputs already lowered, and helpers to
 * emit OpenVINO ops (opset1–opset10 only) and constants into the new graph.
 */
import { attr } from "../ir/attribute.js";
import { dtypeInfo, type DTypeName } from "../ir/dtype.js";
import type { Graph } from "../ir/graph.js";
import { Node } from "../ir/node.js";
import { isStaticShape } from "../ir/shape.js";
import { Tensor } from "../ir/tensor.js";
import { tensorType } from "../ir/types.js";
import { Value } from "../ir/value.js";
import { ndCast, ndToTensor } from "../ops/ndarray.js";

export const OPENVINO = "openvino";

export class LoweringError extends Error {}

/**
 * A number as the IR writes it. ONNX float attributes are float32 and OpenVINO reads its
 * float attributes as float32, so the shortest decimal that reads back as the same float32
 * ("0.0002", not "0.00019999999494757503").
 */
export function formatNumber(v: number): string {
  if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === f) return String(s);
  }
  return String(v);
}

export class LowerContext {
  constructor(
    readonly graph: Graph,
    /** The ONNX node being lowered. */
    readonly node: Node,
    /** Its inputs, already lowered (undefined for omitted optional inputs). */
    readonly inputs: readonly (Value | undefined)[],
    /** The ONNX values the node reads (for types, shapes and constant values). */
    readonly source: readonly (Value | undefined)[],
    readonly opset: number,
  ) {}

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

  constInts(i: number, what: string): number[] {
    const t = this.constant(i) ?? this.fail(`${what} (input ${i}) must be a constant`);
    // Some ops take integer parameters in any numeric type (OneHot's depth): truncate floats.
    if (dtypeInfo(t.dtype).kind === "float") return Array.from(t.toFloat32(), (v) => Math.trunc(v));
    return t.toBigInts().map((b) => (b > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : b < BigInt(Number.MIN_SAFE_INTEGER) ? Number.MIN_SAFE_INTEGER : Number(b)));
  }

  private name(suffix: string): string {
    return this.graph.uniqueName(`${this.node.name || this.node.opType}/${suffix}`);
  }

  /** Emits an OpenVINO op; attributes are written as the IR writes them (strings). */
  op(type: string, version: number, inputs: readonly (Value | undefined)[], attributes: Record<string, string | number | boolean | readonly number[]> = {}, outputs = 1): Value[] {
    const attrs = Object.fromEntries(
      Object.entries(attributes).map(([k, v]) => [k, attr.string(Array.isArray(v) ? v.map(formatNumber).join(",") : typeof v === "number" ? formatNumber(v) : String(v))]),
    );
    // Fresh names are only reserved on insertion, so outputs of one op are told apart by index.
    const outs = Array.from({ length: outputs }, (_, k) => new Value(this.name(outputs === 1 ? `${type}_out` : `${type}_out${k}`)));
    this.graph.appendNode(new Node({ opType: type, domain: OPENVINO, version, name: this.graph.uniqueNodeName(this.name(type)), inputs, outputs: outs, attributes: attrs }));
    return outs;
  }

  one(type: string, version: number, inputs: readonly (Value | undefined)[], attributes: Record<string, string | number | boolean | readonly number[]> = {}): Value {
    return this.op(type, version, inputs, attributes)[0]!;
  }

  constTensor(suffix: string, t: Tensor): Value {
    const v = new Value(this.name(suffix), tensorType(t.dtype, t.dims));
    t.name = v.name;
    return this.graph.addInitializer(v, t);
  }

  i64(suffix: string, values: readonly number[], dims: readonly number[] = [values.length]): Value {
    return this.constTensor(suffix, Tensor.fromArray("int64", dims, BigInt64Array.from(values, (x) => BigInt(x))));
  }

  /** A float constant of the given float dtype (float16 stored as bits). */
  floats(suffix: string, values: readonly number[], dtype: DTypeName, dims: readonly number[] = [values.length]): Value {
    return this.constTensor(suffix, ndToTensor(ndCast({ dtype: "float64", dims, data: Float64Array.from(values) }, dtype)));
  }
}
