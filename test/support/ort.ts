/**
 * onnxruntime-node as the external executor that proves ONNX outputs. Converts between our
 * Tensor and ORT tensors. Only used by tests and the benchmark (it is a devDependency).
 */
import ort from "onnxruntime-node";
import type { DTypeName } from "../../src/ir/dtype.js";
import { Tensor } from "../../src/ir/tensor.js";

const ORT_TYPES: Partial<Record<DTypeName, string>> = {
  float32: "float32",
  float64: "float64",
  float16: "float16",
  int8: "int8",
  uint8: "uint8",
  int16: "int16",
  uint16: "uint16",
  int32: "int32",
  uint32: "uint32",
  int64: "int64",
  uint64: "uint64",
  bool: "bool",
  string: "string",
};

export function ortSupports(dtype: DTypeName): boolean {
  return ORT_TYPES[dtype] !== undefined;
}

export function toOrt(t: Tensor): ort.Tensor {
  const type = ORT_TYPES[t.dtype];
  if (!type) throw new Error(`onnxruntime-node cannot take ${t.dtype} tensors from JS`);
  if (t.dtype === "string") return new ort.Tensor("string", t.strings(), [...t.dims]);
  return new ort.Tensor(type as "float32", t.data() as Float32Array, [...t.dims]);
}

export function fromOrt(o: ort.Tensor): Tensor {
  const entry = Object.entries(ORT_TYPES).find(([, v]) => v === o.type);
  if (!entry) throw new Error(`unexpected onnxruntime output type ${o.type}`);
  const dtype = entry[0] as DTypeName;
  if (dtype === "string") return Tensor.fromStrings(o.dims, o.data as string[]);
  const data = o.data as unknown as ArrayBufferView;
  return Tensor.fromBytes(dtype, o.dims, new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
}

const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  // One thread: deterministic reductions, and two cores are shared with vitest workers.
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  logSeverityLevel: 4,
};

/** Runs a model given as bytes; feeds are matched to the model's inputs in order. */
export async function runOrt(model: Uint8Array, feeds: readonly Tensor[]): Promise<Tensor[]> {
  const session = await ort.InferenceSession.create(model, SESSION_OPTIONS);
  try {
    const inputs: Record<string, ort.Tensor> = {};
    session.inputNames.forEach((name, i) => {
      const t = feeds[i];
      if (t) inputs[name] = toOrt(t);
    });
    const result = await session.run(inputs);
    return session.outputNames.map((n) => fromOrt(result[n]!));
  } finally {
    await session.release();
  }
}

export { bitwiseEqual } from "./compare.js";
