/**
 * Reference interpreter for graphs in the OpenVINO dialect: runs the op table's kernels in
 * topological order. Before each kernel the op's shape inference gives the output shapes,
 * so a wrong model is reported at its node and a tensor above the size limit is refused
 * before it is allocated. Float results are rounded once per op output (see rounding.ts);
 * with `fp16` every floating-point result is rounded to float16 (as an FP16 IR computes on
 * MYRIAD), so precision loss and overflow show.
 */
import { dtypeInfo } from "../ir/dtype.js";
import type { Model } from "../ir/model.js";
import type { Node } from "../ir/node.js";
import { shapeSize } from "../ir/shape.js";
import type { Tensor } from "../ir/tensor.js";
import { topologicalOrder } from "../ir/topo.js";
import type { Value } from "../ir/value.js";
import { type RunBuffers, withRunBuffers } from "../ops/kernels/buffers.js";
import { fp16BitsOf } from "../ops/kernels/fp16-constant.js";
import { MAX_TENSOR_ELEMENTS, type NdArray, ndCast, ndToTensor } from "../ops/ndarray.js";
import type { OvPortInfo, OvPortType } from "../ops/openvino/op-def.js";
import { openvinoOp } from "../ops/openvino/registry.js";
import { MyriadcError } from "../util/errors.js";
import { checkTensorSize } from "../util/limits.js";
import { applyConvTail, convTailOf } from "./conv-epilogue.js";
import { LiveBuffers } from "./live-buffers.js";
import { nodeError, noKernelError } from "./op-errors.js";
import { roundResult, runValueOf } from "./rounding.js";

export interface RunOptions {
  /** Round floating-point results to float16 after every op. */
  fp16?: boolean;
  /** Called with every computed value (inputs and constants included): shapes, types, statistics. */
  observe?: (value: Value, result: NdArray) => void;
  /** Named in error messages. */
  file?: string;
}

/** A computed value as inference sees it: everything is known. */
function portOf(a: NdArray): OvPortInfo {
  return { dtype: a.dtype, dims: a.dims, value: () => a };
}

/**
 * Refuses an output before its kernel allocates it: above the shared per-tensor limit
 * (src/util/limits.ts, `--max-tensor-bytes`), or more elements than the kernels can index.
 * Sizes only known at run time (-1) are the kernel's to check.
 */
function checkOutputSize(node: Node, index: number, t: OvPortType, file: string | undefined): void {
  if (t.dims.some((d) => d < 0)) return;
  const what = `${node.describe()}: output ${index}`;
  checkTensorSize({ dtype: t.dtype, dims: t.dims, what, file });
  const n = shapeSize(t.dims);
  if (n > MAX_TENSOR_ELEMENTS)
    throw new MyriadcError(
      "too-large",
      `${what}: ${t.dtype}[${t.dims.join(",")}] has ${n} elements, more than the ${MAX_TENSOR_ELEMENTS} the interpreter can index`,
      {
        file,
      },
    );
}

/**
 * Every computed output has the type inference gave it (where inference knew the size), so
 * each run also checks the shape inference that convert and lint rely on. A difference is a
 * bug in one of the two, not a problem of the model.
 */
function checkInferred(node: Node, types: readonly OvPortType[], outs: readonly NdArray[]): void {
  node.outputs.forEach((v, i) => {
    const t = types[i];
    const r = outs[i];
    if (!v || !t || !r) return;
    const same = t.dtype === r.dtype && t.dims.length === r.dims.length && t.dims.every((d, k) => d < 0 || d === r.dims[k]);
    if (!same)
      throw new Error(
        `${node.describe()}: output ${i} is ${r.dtype}[${r.dims.join(",")}] but inference gave ${t.dtype}[${t.dims.join(",")}]`,
      );
  });
}

const isInteger = (dtype: NdArray["dtype"]) => dtypeInfo(dtype).kind === "int" || dtypeInfo(dtype).kind === "uint";

export function runOpenvinoModel(model: Model, feeds: ReadonlyMap<string, Tensor>, options: RunOptions = {}): Map<string, Tensor> {
  return withRunBuffers((pool) => runWithBuffers(model, feeds, options, pool));
}

function runWithBuffers(model: Model, feeds: ReadonlyMap<string, Tensor>, options: RunOptions, pool: RunBuffers): Map<string, Tensor> {
  const g = model.graph;
  const fp16 = options.fp16 ?? false;
  const order = topologicalOrder(g);
  // Without an observer a value is dropped after its last reader, so a run holds only live
  // tensors, and their buffers are reused for later results.
  const keepAll = options.observe !== undefined;
  const readers = new Map<Value, number>();
  if (!keepAll) for (const n of order) for (const v of n.inputs) if (v) readers.set(v, (readers.get(v) ?? 0) + 1);
  const outputs = new Set(g.outputs);
  const live = new LiveBuffers(pool);
  const values = new Map<Value, NdArray>();
  const initializers = new Map<Value, NdArray>();
  const store = (v: Value, a: NdArray) => {
    values.set(v, a);
    live.hold(a);
  };
  const drop = (v: Value) => {
    for (const held of [values, initializers]) {
      const a = held.get(v);
      if (!a) continue;
      held.delete(v);
      live.release(a);
    }
  };
  const read = (v: Value): NdArray | undefined => {
    let a = values.get(v);
    if (!a && v.initializer) {
      a = initializers.get(v);
      if (!a) {
        a = runValueOf(v.initializer, fp16);
        initializers.set(v, a);
        live.hold(a);
      }
    }
    return a;
  };
  for (const v of g.inputs) {
    if (v.isInitializer) continue;
    const t = feeds.get(v.name);
    if (!t)
      throw new MyriadcError(
        "usage",
        `no value given for input ${JSON.stringify(v.name)} (inputs: ${g.inputs.map((i) => i.name).join(", ")})`,
        { file: options.file },
      );
    // An integer feed takes the input's declared type, as the device converts it (I64 inputs become I32 on MYRIAD).
    const given = runValueOf(t, fp16);
    store(v, v.dtype && v.dtype !== given.dtype && isInteger(v.dtype) && isInteger(given.dtype) ? ndCast(given, v.dtype) : given);
  }
  const release = (node: Node) => {
    if (keepAll) return;
    for (const v of node.inputs) {
      if (!v) continue;
      const left = readers.get(v)! - 1;
      readers.set(v, left);
      if (left === 0 && !outputs.has(v)) drop(v);
    }
  };
  const keep = (v: Value) => keepAll || outputs.has(v) || readers.has(v);
  // Nodes whose result a convolution before them already stored (conv-epilogue.ts).
  const absorbed = new Set<Node>();
  for (const node of order) {
    if (absorbed.has(node)) {
      release(node);
      continue;
    }
    const def = openvinoOp(node.opType);
    if (!def) throw noKernelError(node);
    const inputs = node.inputs.map((v) => {
      if (!v) return undefined;
      const a = read(v);
      if (!a) throw new Error(`${node.describe()} reads ${v.name} before it is computed`);
      return a;
    });
    const ctx = { node, version: node.version ?? 1, fp16 };
    let types: OvPortType[];
    let outs: NdArray[];
    try {
      types = def.infer(
        inputs.map((a) => a && portOf(a)),
        ctx,
      );
      types.forEach((t, i) => {
        if (node.outputs[i]) checkOutputSize(node, i, t, options.file);
      });
      outs = def.run(inputs as NdArray[], ctx);
    } catch (e) {
      throw nodeError(node, e, options.file);
    }
    checkInferred(node, types, outs);
    // With an observer every value is kept, so nothing is fused.
    const tail = keepAll ? undefined : convTailOf(node, readers, outputs);
    node.outputs.forEach((v, i) => {
      const r = outs[i];
      if (!v || !r) return;
      // Results made of input elements (and results sharing their input's data) are rounded
      // already. A float16 constant is compared by identity, so that its bits stay undecoded
      // (rounding a copy of its doubles again would change nothing).
      const shared = inputs.some((a) => a !== undefined && (a === r || (!fp16BitsOf(a) && a.data === r.data)));
      if (tail && !def.exact && !shared && applyConvTail(tail, r, read(tail.bias), fp16)) {
        absorbed.add(tail.add);
        if (tail.relu) absorbed.add(tail.relu);
        if (keep(tail.result)) store(tail.result, r);
        return;
      }
      if (!def.exact && !shared) roundResult(r, fp16);
      // An output nothing reads is dropped at once (MaxPool's indices, for one).
      if (keep(v)) store(v, r);
    });
    release(node);
  }
  if (options.observe) {
    for (const v of g.initializers.values()) options.observe(v, read(v)!);
    for (const [v, a] of values) options.observe(v, a);
  }
  const result = new Map<string, Tensor>();
  for (const v of g.outputs) {
    const a = read(v);
    if (!a) throw new Error(`output ${v.name} was not computed`);
    result.set(v.name, ndToTensor(a));
  }
  return result;
}
