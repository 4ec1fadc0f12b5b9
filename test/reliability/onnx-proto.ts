/**
 * A terse way to write ONNX models as protobuf messages, for models our IR would never build
 * (wrong attribute types, cycles, dangling names, unknown domains). Dims may be numbers or
 * symbolic names; int64 values are bigints so that extremes (±2^63) survive.
 */
import Long from "long";
import {
  encodeModelProto,
  type PAttribute,
  type PNode,
  type PTensor,
  type PValueInfo,
  toLong,
} from "../../src/frontends/onnx/proto/codec.js";
import { ATTRIBUTE_TYPE } from "../../src/frontends/onnx/proto/schema.js";
import { type DTypeName, dtypeToOnnx } from "../../src/ir/dtype.js";

const long = (n: number | bigint) => (typeof n === "bigint" ? toLong(n) : Long.fromNumber(n));

export function valueInfo(name: string, dtype: DTypeName, dims?: readonly (number | string)[]): PValueInfo {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: dtypeToOnnx(dtype),
        ...(dims ? { shape: { dim: dims.map((d) => (typeof d === "number" ? { dim_value: long(d) } : { dim_param: d })) } } : {}),
      },
    },
  };
}

export const attr = {
  int: (name: string, v: number | bigint): PAttribute => ({ name, type: ATTRIBUTE_TYPE.INT, i: long(v) }),
  ints: (name: string, v: readonly (number | bigint)[]): PAttribute => ({ name, type: ATTRIBUTE_TYPE.INTS, ints: v.map(long) }),
  float: (name: string, v: number): PAttribute => ({ name, type: ATTRIBUTE_TYPE.FLOAT, f: v }),
  floats: (name: string, v: readonly number[]): PAttribute => ({ name, type: ATTRIBUTE_TYPE.FLOATS, floats: [...v] }),
  string: (name: string, v: string): PAttribute => ({ name, type: ATTRIBUTE_TYPE.STRING, s: new TextEncoder().encode(v) }),
  strings: (name: string, v: readonly string[]): PAttribute => ({
    name,
    type: ATTRIBUTE_TYPE.STRINGS,
    strings: v.map((s) => new TextEncoder().encode(s)),
  }),
  tensor: (name: string, t: PTensor): PAttribute => ({ name, type: ATTRIBUTE_TYPE.TENSOR, t }),
};

export function int64Tensor(name: string, dims: readonly number[], values: readonly (number | bigint)[]): PTensor {
  return { name, data_type: dtypeToOnnx("int64"), dims: dims.map(long), int64_data: values.map(long) };
}

export function floatTensor(name: string, dims: readonly number[], values: readonly number[]): PTensor {
  return { name, data_type: dtypeToOnnx("float32"), dims: dims.map(long), float_data: [...values] };
}

export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: PAttribute[] = [],
  extra: Partial<PNode> = {},
): PNode {
  return {
    op_type: opType,
    input: inputs,
    output: outputs,
    name: extra.name ?? `${opType.toLowerCase()}_node`,
    attribute: attributes,
    ...extra,
  };
}

export interface ModelParts {
  nodes: PNode[];
  inputs: PValueInfo[];
  outputs: PValueInfo[];
  initializers?: PTensor[];
  opset?: number;
  /** Extra op-set imports ({domain: version}). */
  imports?: Record<string, number>;
  name?: string;
}

export function onnxModel(p: ModelParts): Uint8Array {
  return encodeModelProto({
    ir_version: long(8),
    producer_name: "myriadc-reliability",
    opset_import: [
      { domain: "", version: long(p.opset ?? 13) },
      ...Object.entries(p.imports ?? {}).map(([domain, version]) => ({ domain, version: long(version) })),
    ],
    graph: { name: p.name ?? "g", node: p.nodes, input: p.inputs, output: p.outputs, initializer: p.initializers ?? [] },
  });
}
