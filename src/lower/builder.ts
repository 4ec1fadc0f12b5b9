/**
 * Building OpenVINO-dialect nodes and constants in a graph: the lowering rules and the
 * MYRIAD legalization passes both create ops through this. Names derive from a base (the
 * ONNX node being lowered, or the node being rewritten) and are made unique.
 */
import { attr } from "../ir/attribute.js";
import type { DTypeName } from "../ir/dtype.js";
import type { Graph } from "../ir/graph.js";
import { Node } from "../ir/node.js";
import { Tensor } from "../ir/tensor.js";
import { tensorType } from "../ir/types.js";
import { Value } from "../ir/value.js";
import { ndCast, ndToTensor } from "../ops/ndarray.js";

export const OPENVINO = "openvino";

export type OvAttributes = Record<string, string | number | boolean | readonly number[]>;

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

export class OvBuilder {
  constructor(
    readonly graph: Graph,
    /** Prefix of the names of everything built ("<base>/<Type>"). */
    private readonly base: string,
  ) {}

  protected name(suffix: string): string {
    return this.graph.uniqueName(`${this.base}/${suffix}`);
  }

  /** Emits an OpenVINO op; attributes are written as the IR writes them (strings). */
  op(type: string, version: number, inputs: readonly (Value | undefined)[], attributes: OvAttributes = {}, outputs = 1): Value[] {
    const attrs = Object.fromEntries(
      Object.entries(attributes).map(([k, v]) => [
        k,
        attr.string(Array.isArray(v) ? v.map(formatNumber).join(",") : typeof v === "number" ? formatNumber(v) : String(v)),
      ]),
    );
    // Fresh names are only reserved on insertion, so outputs of one op are told apart by index.
    const outs = Array.from({ length: outputs }, (_, k) => new Value(this.name(outputs === 1 ? `${type}_out` : `${type}_out${k}`)));
    this.graph.appendNode(
      new Node({
        opType: type,
        domain: OPENVINO,
        version,
        name: this.graph.uniqueNodeName(this.name(type)),
        inputs,
        outputs: outs,
        attributes: attrs,
      }),
    );
    return outs;
  }

  one(type: string, version: number, inputs: readonly (Value | undefined)[], attributes: OvAttributes = {}): Value {
    return this.op(type, version, inputs, attributes)[0]!;
  }

  constTensor(suffix: string, t: Tensor): Value {
    const v = new Value(this.name(suffix), tensorType(t.dtype, t.dims));
    t.name = v.name;
    return this.graph.addInitializer(v, t);
  }

  i64(suffix: string, values: readonly number[], dims: readonly number[] = [values.length]): Value {
    return this.constTensor(
      suffix,
      Tensor.fromArray(
        "int64",
        dims,
        BigInt64Array.from(values, (x) => BigInt(x)),
      ),
    );
  }

  /** A float constant of the given float dtype (float16 stored as bits). */
  floats(suffix: string, values: readonly number[], dtype: DTypeName, dims: readonly number[] = [values.length]): Value {
    return this.constTensor(suffix, ndToTensor(ndCast({ dtype: "float64", dims, data: Float64Array.from(values) }, dtype)));
  }
}
