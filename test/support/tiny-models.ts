/**
 * Small ONNX models written directly as protobuf messages (not through our IR), so tests
 * can produce files the IR would never build: cycles, unknown dtypes, hostile external-data
 * locations.
 */
import Long from "long";
import { encodeModelProto, type PModel, type PTensor } from "../../src/frontends/onnx/proto/codec.js";

const long = (n: number) => Long.fromNumber(n);

function floatType(dims: number[]) {
  return { tensor_type: { elem_type: 1, shape: { dim: dims.map((d) => ({ dim_value: long(d) })) } } };
}

/** x → Relu → y, with optional initializers; float32[2]. */
export function reluModel(initializers: PTensor[] = [], extraNodes: PModel["graph"] = {}): Uint8Array {
  return encodeModelProto({
    ir_version: long(8),
    opset_import: [{ domain: "", version: long(13) }],
    graph: {
      name: "g",
      node: [{ op_type: "Relu", input: ["x"], output: ["y"], name: "relu" }, ...(extraNodes.node ?? [])],
      input: [{ name: "x", type: floatType([2]) }],
      output: [{ name: "y", type: floatType([2]) }],
      initializer: initializers,
    },
  });
}

/** Two Add nodes reading each other's outputs. */
export function cycleModel(): Uint8Array {
  return encodeModelProto({
    ir_version: long(8),
    opset_import: [{ domain: "", version: long(13) }],
    graph: {
      name: "g",
      node: [
        { op_type: "Add", input: ["x", "b"], output: ["a"], name: "first" },
        { op_type: "Add", input: ["x", "a"], output: ["b"], name: "second" },
      ],
      input: [{ name: "x", type: floatType([2]) }],
      output: [{ name: "b", type: floatType([2]) }],
    },
  });
}

export function unknownDtypeModel(): Uint8Array {
  return reluModel([{ name: "w", data_type: 99, dims: [long(1)], raw_data: new Uint8Array(4) }]);
}

export function externalModel(location: string, length = 8, offset = 0): Uint8Array {
  return reluModel([
    {
      name: "w",
      data_type: 1,
      dims: [long(length / 4)],
      data_location: 1,
      external_data: [
        { key: "location", value: location },
        { key: "offset", value: String(offset) },
        { key: "length", value: String(length) },
      ],
    },
  ]);
}
