/**
 * The TFLite model as plain objects, read from a schema-v3 flatbuffer. Accessors are written
 * by hand from tensorflow/compiler/mlir/lite/schema/schema.fbs (field slots are facts of that
 * schema); nothing here is generated. Constant data stays a view on the file's bytes.
 */
import { builtinOpName } from "./builtin-ops.js";
import { type FlatBuffer, FlatError, type FlatTable } from "./flat.js";

/** Field slots of the schema tables this reader uses. */
const MODEL = { version: 0, operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4, metadata: 6, signatureDefs: 7 } as const;
const SUBGRAPH = { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 } as const;
const TENSOR = {
  shape: 0,
  type: 1,
  buffer: 2,
  name: 3,
  quantization: 4,
  isVariable: 5,
  sparsity: 6,
  shapeSignature: 7,
  hasRank: 8,
} as const;
const BUFFER = { data: 0, offset: 1, size: 2 } as const;
const QUANTIZATION = { min: 0, max: 1, scale: 2, zeroPoint: 3, detailsType: 4, quantizedDimension: 6 } as const;
const SPARSITY = { traversalOrder: 0, blockMap: 1, dimMetadata: 2 } as const;
const DIM_METADATA = { format: 0, denseSize: 1, segmentsType: 2, segments: 3, indicesType: 4, indices: 5 } as const;
const OPERATOR_CODE = { deprecatedBuiltinCode: 0, customCode: 1, version: 2, builtinCode: 3 } as const;
const OPERATOR = {
  opcodeIndex: 0,
  inputs: 1,
  outputs: 2,
  builtinOptionsType: 3,
  builtinOptions: 4,
  customOptions: 5,
  intermediates: 8,
  largeCustomOptionsOffset: 9,
  largeCustomOptionsSize: 10,
} as const;
const METADATA = { name: 0, buffer: 1 } as const;
const TENSOR_MAP = { name: 0, tensorIndex: 1 } as const;
const SIGNATURE_DEF = { inputs: 0, outputs: 1, signatureKey: 2, subgraphIndex: 4 } as const;
/** SparseIndexVector union members: 1 Int32Vector, 2 Uint16Vector, 3 Uint8Vector; each has `values` in slot 0. */
const INDEX_VECTOR_READERS: Record<number, (t: FlatTable) => number[] | undefined> = {
  1: (t) => t.int32s(0),
  2: (t) => t.uint16s(0),
  3: (t) => t.uint8s(0),
};

/** TensorType enum value → name (schema order). */
export const TFLITE_TENSOR_TYPES = [
  "FLOAT32",
  "FLOAT16",
  "INT32",
  "UINT8",
  "INT64",
  "STRING",
  "BOOL",
  "INT16",
  "COMPLEX64",
  "INT8",
  "FLOAT64",
  "COMPLEX128",
  "UINT64",
  "RESOURCE",
  "VARIANT",
  "UINT32",
  "UINT16",
  "INT4",
  "BFLOAT16",
] as const;
export type TfliteTensorType = (typeof TFLITE_TENSOR_TYPES)[number];

export interface TfliteQuantization {
  scale: number[];
  zeroPoint: bigint[];
  quantizedDimension: number;
  min: number[] | undefined;
  max: number[] | undefined;
  /** A custom quantization (details union set): the scales above do not apply. */
  custom: boolean;
}

export interface TfliteDimMetadata {
  dense: boolean;
  denseSize: number;
  segments: number[] | undefined;
  indices: number[] | undefined;
}

export interface TfliteSparsity {
  traversalOrder: number[];
  blockMap: number[];
  dimMetadata: TfliteDimMetadata[];
}

export interface TfliteTensor {
  index: number;
  name: string;
  type: TfliteTensorType;
  shape: number[];
  /** −1 marks a dynamic dimension; undefined when the file has no signature. */
  shapeSignature: number[] | undefined;
  buffer: number;
  quantization: TfliteQuantization | undefined;
  sparsity: TfliteSparsity | undefined;
  isVariable: boolean;
}

export interface TfliteOperatorCode {
  /** The builtin operator's name (the larger of deprecated_builtin_code and builtin_code), or "CUSTOM". */
  name: string;
  code: number;
  customCode: string | undefined;
  version: number;
}

export interface TfliteOperator {
  index: number;
  opcode: TfliteOperatorCode;
  /** Tensor indices; −1 marks an omitted optional input. */
  inputs: number[];
  outputs: number[];
  intermediates: number[];
  /** The builtin options table (read through options.ts), absent when the op has none. */
  options: FlatTable | undefined;
  optionsType: number;
  customOptions: Uint8Array | undefined;
}

export interface TfliteSubgraph {
  index: number;
  name: string;
  tensors: TfliteTensor[];
  inputs: number[];
  outputs: number[];
  operators: TfliteOperator[];
}

export interface TfliteSignature {
  key: string;
  subgraph: number;
  inputs: { name: string; tensor: number }[];
  outputs: { name: string; tensor: number }[];
}

export interface TfliteModel {
  version: number;
  description: string;
  subgraphs: TfliteSubgraph[];
  /** Buffer contents as views on the file (empty for buffer 0 and for tensors without data). */
  buffers: Uint8Array[];
  metadata: { name: string; buffer: number }[];
  signatures: TfliteSignature[];
}

function readQuantization(t: FlatTable): TfliteQuantization | undefined {
  const scale = t.float32s(QUANTIZATION.scale) ?? [];
  const custom = t.uint8(QUANTIZATION.detailsType) !== 0;
  if (scale.length === 0 && !custom) return undefined;
  return {
    scale,
    zeroPoint: t.int64s(QUANTIZATION.zeroPoint) ?? [],
    quantizedDimension: t.int32(QUANTIZATION.quantizedDimension),
    min: t.float32s(QUANTIZATION.min),
    max: t.float32s(QUANTIZATION.max),
    custom,
  };
}

function readIndexVector(dim: FlatTable, typeSlot: number, valueSlot: number, what: string): number[] | undefined {
  const type = dim.uint8(typeSlot);
  if (type === 0) return undefined;
  const reader = INDEX_VECTOR_READERS[type];
  if (!reader) throw new FlatError(`${what} has an unknown index vector type ${type}`);
  const table = dim.table(valueSlot, what);
  return table ? reader(table) : undefined;
}

function readSparsity(t: FlatTable): TfliteSparsity {
  return {
    traversalOrder: t.int32s(SPARSITY.traversalOrder) ?? [],
    blockMap: t.int32s(SPARSITY.blockMap) ?? [],
    dimMetadata: t.tables(SPARSITY.dimMetadata, "sparsity dim_metadata").map((d) => ({
      dense: d.int8(DIM_METADATA.format) === 0,
      denseSize: d.int32(DIM_METADATA.denseSize),
      segments: readIndexVector(d, DIM_METADATA.segmentsType, DIM_METADATA.segments, d.what),
      indices: readIndexVector(d, DIM_METADATA.indicesType, DIM_METADATA.indices, d.what),
    })),
  };
}

function readTensor(t: FlatTable, index: number): TfliteTensor {
  const typeId = t.int8(TENSOR.type);
  const type = TFLITE_TENSOR_TYPES[typeId];
  if (!type) throw new FlatError(`tensor ${index} has an unknown type ${typeId}`);
  const q = t.table(TENSOR.quantization, `quantization of tensor ${index}`);
  const s = t.table(TENSOR.sparsity, `sparsity of tensor ${index}`);
  const shape = t.int32s(TENSOR.shape) ?? [];
  if (shape.some((d) => d < -1)) throw new FlatError(`tensor ${index} has a negative dimension in [${shape.join(",")}]`);
  return {
    index,
    name: t.string(TENSOR.name) ?? `tensor_${index}`,
    type,
    shape,
    shapeSignature: t.int32s(TENSOR.shapeSignature),
    buffer: t.uint32(TENSOR.buffer),
    quantization: q ? readQuantization(q) : undefined,
    sparsity: s ? readSparsity(s) : undefined,
    isVariable: t.bool(TENSOR.isVariable),
  };
}

function readOperatorCode(t: FlatTable): TfliteOperatorCode {
  // Codes above 127 do not fit the old byte field, which then holds 127 (a placeholder).
  const code = Math.max(t.int8(OPERATOR_CODE.deprecatedBuiltinCode), t.int32(OPERATOR_CODE.builtinCode));
  const name = builtinOpName(code);
  if (!name) throw new FlatError(`operator code ${code} is not a TFLite builtin operator this reader knows`);
  return { name, code, customCode: t.string(OPERATOR_CODE.customCode), version: t.int32(OPERATOR_CODE.version, 1) };
}

function readOperator(buf: FlatBuffer, t: FlatTable, index: number, codes: TfliteOperatorCode[]): TfliteOperator {
  const opcodeIndex = t.uint32(OPERATOR.opcodeIndex);
  const opcode = codes[opcodeIndex];
  if (!opcode) throw new FlatError(`operator ${index} uses operator code ${opcodeIndex}, but the model has ${codes.length}`);
  let customOptions = t.vectorBytes(OPERATOR.customOptions, 1, `custom options of operator ${index}`);
  const largeOffset = Number(t.uint64(OPERATOR.largeCustomOptionsOffset));
  if (!customOptions && largeOffset > 1) {
    const size = Number(t.uint64(OPERATOR.largeCustomOptionsSize));
    buf.check(largeOffset, size, `the custom options of operator ${index}`);
    customOptions = buf.bytes.subarray(largeOffset, largeOffset + size);
  }
  return {
    index,
    opcode,
    inputs: t.int32s(OPERATOR.inputs) ?? [],
    outputs: t.int32s(OPERATOR.outputs) ?? [],
    intermediates: t.int32s(OPERATOR.intermediates) ?? [],
    options: t.table(OPERATOR.builtinOptions, `options of operator ${index} (${opcode.name})`),
    optionsType: t.uint8(OPERATOR.builtinOptionsType),
    customOptions,
  };
}

function readSubgraph(buf: FlatBuffer, t: FlatTable, index: number, codes: TfliteOperatorCode[]): TfliteSubgraph {
  const tensors = t.tables(SUBGRAPH.tensors, `tensors of subgraph ${index}`).map(readTensor);
  const checkIndices = (list: number[], what: string, optional: boolean): number[] => {
    for (const i of list) {
      if ((optional && i === -1) || (i >= 0 && i < tensors.length)) continue;
      throw new FlatError(`${what} refers to tensor ${i}, but subgraph ${index} has ${tensors.length}`);
    }
    return list;
  };
  const operators = t.tables(SUBGRAPH.operators, `operators of subgraph ${index}`).map((o, i) => {
    const op = readOperator(buf, o, i, codes);
    checkIndices(op.inputs, `operator ${i} (${op.opcode.name})`, true);
    checkIndices(op.outputs, `operator ${i} (${op.opcode.name})`, true);
    return op;
  });
  return {
    index,
    name: t.string(SUBGRAPH.name) ?? "",
    tensors,
    inputs: checkIndices(t.int32s(SUBGRAPH.inputs) ?? [], `the inputs of subgraph ${index}`, false),
    outputs: checkIndices(t.int32s(SUBGRAPH.outputs) ?? [], `the outputs of subgraph ${index}`, false),
    operators,
  };
}

function readBuffer(buf: FlatBuffer, t: FlatTable, index: number): Uint8Array {
  const inline = t.vectorBytes(BUFFER.data, 1, `buffer ${index}`);
  if (inline) return inline;
  // Models above 2 GiB keep constants after the flatbuffer: offset/size from the file start.
  const offset = Number(t.uint64(BUFFER.offset));
  if (offset <= 1) return new Uint8Array(0);
  const size = Number(t.uint64(BUFFER.size));
  buf.check(offset, size, `buffer ${index}`);
  return buf.bytes.subarray(offset, offset + size);
}

/** Reads the whole model structure; throws FlatError on any structural problem. */
export function readTfliteModel(buf: FlatBuffer): TfliteModel {
  const root = buf.root("the model");
  const version = root.uint32(MODEL.version);
  const codes = root.tables(MODEL.operatorCodes, "operator codes").map(readOperatorCode);
  const subgraphs = root.tables(MODEL.subgraphs, "subgraphs").map((t, i) => readSubgraph(buf, t, i, codes));
  if (subgraphs.length === 0) throw new FlatError("the model has no subgraph");
  const buffers = root.tables(MODEL.buffers, "buffers").map((t, i) => readBuffer(buf, t, i));
  for (const sg of subgraphs)
    for (const tensor of sg.tensors)
      if (tensor.buffer >= buffers.length && tensor.buffer !== 0)
        throw new FlatError(`tensor ${tensor.index} (${tensor.name}) uses buffer ${tensor.buffer}, but the model has ${buffers.length}`);
  const metadata = root.tables(MODEL.metadata, "metadata").map((t) => ({
    name: t.string(METADATA.name) ?? "",
    buffer: t.uint32(METADATA.buffer),
  }));
  const tensorMaps = (t: FlatTable, slot: number, what: string) =>
    t.tables(slot, what).map((m) => ({ name: m.string(TENSOR_MAP.name) ?? "", tensor: m.uint32(TENSOR_MAP.tensorIndex) }));
  const signatures = root.tables(MODEL.signatureDefs, "signature defs").map((t) => ({
    key: t.string(SIGNATURE_DEF.signatureKey) ?? "",
    subgraph: t.uint32(SIGNATURE_DEF.subgraphIndex),
    inputs: tensorMaps(t, SIGNATURE_DEF.inputs, "signature inputs"),
    outputs: tensorMaps(t, SIGNATURE_DEF.outputs, "signature outputs"),
  }));
  return { version, description: root.string(MODEL.description) ?? "", subgraphs, buffers, metadata, signatures };
}
