/**
 * Reference interpreter for graphs in the OpenVINO dialect: runs the op table's kernels in
 * topological order. With `fp16`, every floating-point result is rounded to float16 after
 * each op (as an FP16 IR would compute on MYRIAD), so precision loss and overflow show.
 */

import { dtypeInfo } from "../ir/dtype.js";
import type { Model } from "../ir/model.js";
import { f16round } from "../ir/numeric/float-bits.js";
import { shapeSize } from "../ir/shape.js";
import type { Tensor } from "../ir/tensor.js";
import { topologicalOrder } from "../ir/topo.js";
import type { Value } from "../ir/value.js";
import { type NdArray, ndAlloc, ndCast, ndFromTensor, ndToTensor } from "../ops/ndarray.js";
import { openvinoOp } from "../ops/openvino/registry.js";
import { MyriadcError } from "../util/errors.js";

export interface RunOptions {
  /** Round floating-point results to float16 after every op. */
  fp16?: boolean;
  /** Called with every computed value (inputs and constants included): shapes, types, statistics. */
  observe?: (value: Value, result: NdArray) => void;
  /**
   * Only the types matter (type observation): ops that can tell their output types without
   * computing (convolution, pooling, MatMul) produce zeros of the right shape instead.
   */
  typesOnly?: boolean;
}

/**
 * Integer and boolean results may be shapes, indices or conditions whose values decide later
 * shapes: they are always computed. Float results never are (value-dependent output sizes
 * such as NonMaxSuppression's are reported as dynamic).
 */
function mayHoldShapes(dtype: NdArray["dtype"]): boolean {
  const kind = dtypeInfo(dtype).kind;
  return kind !== "float";
}

/**
 * float32 results are rounded to float32 after every op, as a float32 kernel stores them: the
 * kernels compute in double, and chained ops (Divide then Round, in quantization) would
 * otherwise see more precision than OpenVINO's.
 */
function roundFp32(a: NdArray): NdArray {
  if (a.dtype !== "float32" || !(a.data instanceof Float64Array)) return a;
  const d = a.data;
  for (let i = 0; i < d.length; i++) d[i] = Math.fround(d[i]!);
  return a;
}

const isInteger = (dtype: NdArray["dtype"]) => dtypeInfo(dtype).kind === "int" || dtypeInfo(dtype).kind === "uint";

function roundFp16(a: NdArray): NdArray {
  if (!(a.data instanceof Float64Array) || !/^(float|bfloat)/.test(a.dtype)) return a;
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = f16round(a.data[i]!);
  return { ...a, data: out };
}

export function runOpenvinoModel(model: Model, feeds: ReadonlyMap<string, Tensor>, options: RunOptions = {}): Map<string, Tensor> {
  const g = model.graph;
  const values = new Map<Value, NdArray>();
  for (const v of g.initializers.values()) {
    // An FP16 IR stores its weights as float16: round them too.
    const a = ndFromTensor(v.initializer!);
    values.set(v, options.fp16 ? roundFp16(a) : a);
  }
  for (const v of g.inputs) {
    if (v.isInitializer) continue;
    const t = feeds.get(v.name);
    if (!t)
      throw new MyriadcError(
        "usage",
        `no value given for input ${JSON.stringify(v.name)} (inputs: ${g.inputs.map((i) => i.name).join(", ")})`,
      );
    // An integer feed takes the input's declared type, as the device converts it (I64 inputs become I32 on MYRIAD).
    const given = ndFromTensor(t);
    const a = v.dtype && v.dtype !== given.dtype && isInteger(v.dtype) && isInteger(given.dtype) ? ndCast(given, v.dtype) : given;
    values.set(v, options.fp16 ? roundFp16(a) : a);
  }
  for (const node of topologicalOrder(g)) {
    const def = openvinoOp(node.opType);
    if (!def) throw new MyriadcError("unsupported", `the interpreter has no kernel for ${node.describe()}`);
    const inputs = node.inputs.map((v) => {
      if (!v) return undefined;
      const a = values.get(v);
      if (!a) throw new Error(`${node.describe()} reads ${v.name} before it is computed`);
      return a;
    });
    let outs: NdArray[];
    try {
      const ctx = { node, version: node.version ?? 1, fp16: options.fp16 ?? false };
      const types = options.typesOnly ? def.outputTypes?.(inputs as NdArray[], ctx) : undefined;
      outs =
        types && types.every((t) => !mayHoldShapes(t.dtype))
          ? types.map((t) => ({ dtype: t.dtype, dims: t.dims, data: ndAlloc(t.dtype, shapeSize(t.dims)) }))
          : def.run(inputs as NdArray[], ctx);
    } catch (e) {
      throw new MyriadcError("unsupported", `${node.describe()}: ${(e as Error).message}`, { cause: e });
    }
    node.outputs.forEach((v, i) => {
      const r = outs[i];
      if (v && r) values.set(v, options.fp16 ? roundFp16(r) : roundFp32(r));
    });
  }
  if (options.observe) for (const [v, a] of values) options.observe(v, a);
  const result = new Map<string, Tensor>();
  for (const v of g.outputs) {
    const a = values.get(v);
    if (!a) throw new Error(`output ${v.name} was not computed`);
    result.set(v.name, ndToTensor(a));
  }
  return result;
}
