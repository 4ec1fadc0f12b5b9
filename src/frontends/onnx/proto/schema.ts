/**
 * The ONNX protobuf messages, written for this project from the ONNX IR specification
 * (docs/IR.md and the published message/field numbers). This is a protobufjs JSON
 * descriptor: protobufjs builds its reflection decoder/encoder from it at start-up.
 *
 * Coverage: IR version 13 (ONNX 1.20–1.22), including the multi-device configuration
 * messages (IR 11) so that such models decode without losing fields.
 *
 * ONNX's schema is proto2. In protobufjs's JSON form a repeated scalar is packed unless
 * told otherwise, so every repeated scalar that ONNX declares without `packed = true`
 * carries `packed: false` here; the five TensorProto data fields that ONNX declares packed
 * are left packed. Readers accept both encodings; this only matters for what we write.
 */

type FieldRule = "repeated" | "optional";

interface FieldDef {
  type: string;
  id: number;
  rule?: FieldRule;
  options?: { packed?: boolean };
}

interface MessageDef {
  fields: Record<string, FieldDef>;
  oneofs?: Record<string, { oneof: string[] }>;
  nested?: Record<string, MessageDef | EnumDef>;
}

interface EnumDef {
  values: Record<string, number>;
}

const UNPACKED = { packed: false } as const;

/** A singular proto2 field (presence is tracked by protobufjs through own properties). */
function one(type: string, id: number): FieldDef {
  return { type, id, rule: "optional" };
}

/** A repeated field; scalars are unpacked unless `packed` is set. */
function many(type: string, id: number, packed = false): FieldDef {
  const scalar = SCALARS.has(type);
  if (!scalar || packed) return { type, id, rule: "repeated" };
  return { type, id, rule: "repeated", options: UNPACKED };
}

const SCALARS = new Set(["float", "double", "int32", "int64", "uint64", "bool"]);

const StringStringEntryProto: MessageDef = {
  fields: { key: one("string", 1), value: one("string", 2) },
};

const OperatorSetIdProto: MessageDef = {
  fields: { domain: one("string", 1), version: one("int64", 2) },
};

/** TensorProto.DataType: element types. The numbers are mirrored in src/ir/dtype.ts. */
const DataType: EnumDef = {
  values: {
    UNDEFINED: 0,
    FLOAT: 1,
    UINT8: 2,
    INT8: 3,
    UINT16: 4,
    INT16: 5,
    INT32: 6,
    INT64: 7,
    STRING: 8,
    BOOL: 9,
    FLOAT16: 10,
    DOUBLE: 11,
    UINT32: 12,
    UINT64: 13,
    COMPLEX64: 14,
    COMPLEX128: 15,
    BFLOAT16: 16,
    FLOAT8E4M3FN: 17,
    FLOAT8E4M3FNUZ: 18,
    FLOAT8E5M2: 19,
    FLOAT8E5M2FNUZ: 20,
    UINT4: 21,
    INT4: 22,
    FLOAT4E2M1: 23,
    FLOAT8E8M0: 24,
    UINT2: 25,
    INT2: 26,
  },
};

const TensorProto: MessageDef = {
  fields: {
    dims: many("int64", 1),
    // data_type is declared int32 (not the enum) so that unknown numbers survive decoding
    // and can be reported by the loader instead of being silently coerced.
    data_type: one("int32", 2),
    segment: one("Segment", 3),
    float_data: many("float", 4, true),
    int32_data: many("int32", 5, true),
    string_data: many("bytes", 6),
    int64_data: many("int64", 7, true),
    name: one("string", 8),
    doc_string: one("string", 12),
    raw_data: one("bytes", 9),
    external_data: many("StringStringEntryProto", 13),
    data_location: one("int32", 14),
    double_data: many("double", 10, true),
    uint64_data: many("uint64", 11, true),
    metadata_props: many("StringStringEntryProto", 16),
  },
  nested: {
    Segment: { fields: { begin: one("int64", 1), end: one("int64", 2) } },
    DataType,
    DataLocation: { values: { DEFAULT: 0, EXTERNAL: 1 } },
  },
};

const SparseTensorProto: MessageDef = {
  fields: {
    values: one("TensorProto", 1),
    indices: one("TensorProto", 2),
    dims: many("int64", 3),
  },
};

const TensorShapeProto: MessageDef = {
  fields: { dim: many("Dimension", 1) },
  nested: {
    Dimension: {
      fields: {
        dim_value: one("int64", 1),
        dim_param: one("string", 2),
        denotation: one("string", 3),
      },
      oneofs: { value: { oneof: ["dim_value", "dim_param"] } },
    },
  },
};

const TypeProto: MessageDef = {
  fields: {
    tensor_type: one("Tensor", 1),
    sequence_type: one("Sequence", 4),
    map_type: one("Map", 5),
    optional_type: one("Optional", 9),
    sparse_tensor_type: one("SparseTensor", 8),
    opaque_type: one("Opaque", 7),
    denotation: one("string", 6),
  },
  oneofs: {
    value: {
      oneof: ["tensor_type", "sequence_type", "map_type", "optional_type", "sparse_tensor_type", "opaque_type"],
    },
  },
  nested: {
    Tensor: { fields: { elem_type: one("int32", 1), shape: one("TensorShapeProto", 2) } },
    Sequence: { fields: { elem_type: one("TypeProto", 1) } },
    Map: { fields: { key_type: one("int32", 1), value_type: one("TypeProto", 2) } },
    Optional: { fields: { elem_type: one("TypeProto", 1) } },
    SparseTensor: { fields: { elem_type: one("int32", 1), shape: one("TensorShapeProto", 2) } },
    Opaque: { fields: { domain: one("string", 1), name: one("string", 2) } },
  },
};

const ValueInfoProto: MessageDef = {
  fields: {
    name: one("string", 1),
    type: one("TypeProto", 2),
    doc_string: one("string", 3),
    metadata_props: many("StringStringEntryProto", 4),
  },
};

const AttributeProto: MessageDef = {
  fields: {
    name: one("string", 1),
    ref_attr_name: one("string", 21),
    doc_string: one("string", 13),
    type: one("int32", 20),
    f: one("float", 2),
    i: one("int64", 3),
    s: one("bytes", 4),
    t: one("TensorProto", 5),
    g: one("GraphProto", 6),
    sparse_tensor: one("SparseTensorProto", 22),
    tp: one("TypeProto", 14),
    floats: many("float", 7),
    ints: many("int64", 8),
    strings: many("bytes", 9),
    tensors: many("TensorProto", 10),
    graphs: many("GraphProto", 11),
    sparse_tensors: many("SparseTensorProto", 23),
    type_protos: many("TypeProto", 15),
  },
  nested: {
    AttributeType: {
      values: {
        UNDEFINED: 0,
        FLOAT: 1,
        INT: 2,
        STRING: 3,
        TENSOR: 4,
        GRAPH: 5,
        SPARSE_TENSOR: 11,
        TYPE_PROTO: 13,
        FLOATS: 6,
        INTS: 7,
        STRINGS: 8,
        TENSORS: 9,
        GRAPHS: 10,
        SPARSE_TENSORS: 12,
        TYPE_PROTOS: 14,
      },
    },
  },
};

// Multi-device execution (IR 11). Kept so that such models round-trip.
const SimpleShardedDimProto: MessageDef = {
  fields: { dim_value: one("int64", 1), dim_param: one("string", 2), num_shards: one("int64", 3) },
  oneofs: { dim: { oneof: ["dim_value", "dim_param"] } },
};
const ShardedDimProto: MessageDef = {
  fields: { axis: one("int64", 1), simple_sharding: many("SimpleShardedDimProto", 2) },
};
const IntIntListEntryProto: MessageDef = {
  fields: { key: one("int64", 1), value: many("int64", 2) },
};
const ShardingSpecProto: MessageDef = {
  fields: {
    tensor_name: one("string", 1),
    device: many("int64", 2),
    index_to_device_group_map: many("IntIntListEntryProto", 3),
    sharded_dim: many("ShardedDimProto", 4),
  },
};
const NodeDeviceConfigurationProto: MessageDef = {
  fields: {
    configuration_id: one("string", 1),
    sharding_spec: many("ShardingSpecProto", 2),
    pipeline_stage: one("int32", 3),
  },
};
const DeviceConfigurationProto: MessageDef = {
  fields: { name: one("string", 1), num_devices: one("int32", 2), device: many("string", 3) },
};

const NodeProto: MessageDef = {
  fields: {
    input: many("string", 1),
    output: many("string", 2),
    name: one("string", 3),
    op_type: one("string", 4),
    domain: one("string", 7),
    overload: one("string", 8),
    attribute: many("AttributeProto", 5),
    doc_string: one("string", 6),
    metadata_props: many("StringStringEntryProto", 9),
    device_configurations: many("NodeDeviceConfigurationProto", 10),
  },
};

const TensorAnnotation: MessageDef = {
  fields: {
    tensor_name: one("string", 1),
    quant_parameter_tensor_names: many("StringStringEntryProto", 2),
  },
};

const GraphProto: MessageDef = {
  fields: {
    node: many("NodeProto", 1),
    name: one("string", 2),
    initializer: many("TensorProto", 5),
    sparse_initializer: many("SparseTensorProto", 15),
    doc_string: one("string", 10),
    input: many("ValueInfoProto", 11),
    output: many("ValueInfoProto", 12),
    value_info: many("ValueInfoProto", 13),
    quantization_annotation: many("TensorAnnotation", 14),
    metadata_props: many("StringStringEntryProto", 16),
  },
};

const TrainingInfoProto: MessageDef = {
  fields: {
    initialization: one("GraphProto", 1),
    algorithm: one("GraphProto", 2),
    initialization_binding: many("StringStringEntryProto", 3),
    update_binding: many("StringStringEntryProto", 4),
  },
};

const FunctionProto: MessageDef = {
  fields: {
    name: one("string", 1),
    input: many("string", 4),
    output: many("string", 5),
    attribute: many("string", 6),
    attribute_proto: many("AttributeProto", 11),
    node: many("NodeProto", 7),
    doc_string: one("string", 8),
    opset_import: many("OperatorSetIdProto", 9),
    domain: one("string", 10),
    overload: one("string", 13),
    value_info: many("ValueInfoProto", 12),
    metadata_props: many("StringStringEntryProto", 14),
  },
};

const ModelProto: MessageDef = {
  fields: {
    ir_version: one("int64", 1),
    opset_import: many("OperatorSetIdProto", 8),
    producer_name: one("string", 2),
    producer_version: one("string", 3),
    domain: one("string", 4),
    model_version: one("int64", 5),
    doc_string: one("string", 6),
    graph: one("GraphProto", 7),
    metadata_props: many("StringStringEntryProto", 14),
    training_info: many("TrainingInfoProto", 20),
    functions: many("FunctionProto", 25),
    configuration: many("DeviceConfigurationProto", 26),
  },
};

/** The descriptor handed to protobufjs `Root.fromJSON`. */
export const ONNX_PROTO_JSON = {
  options: { syntax: "proto2" },
  nested: {
    onnx: {
      nested: {
        StringStringEntryProto,
        OperatorSetIdProto,
        TensorProto,
        SparseTensorProto,
        TensorShapeProto,
        TypeProto,
        ValueInfoProto,
        AttributeProto,
        SimpleShardedDimProto,
        ShardedDimProto,
        IntIntListEntryProto,
        ShardingSpecProto,
        NodeDeviceConfigurationProto,
        DeviceConfigurationProto,
        NodeProto,
        TensorAnnotation,
        GraphProto,
        TrainingInfoProto,
        FunctionProto,
        ModelProto,
      },
    },
  },
} as const;

/** AttributeProto.AttributeType numbers, used by the loader and saver. */
export const ATTRIBUTE_TYPE = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

/** Highest IR version whose fields this schema knows. */
export const MAX_KNOWN_IR_VERSION = 13;
