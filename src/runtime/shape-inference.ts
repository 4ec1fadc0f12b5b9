/**
 * OpenVINO-dialect shape and type inference over a whole model: each node's output types
 * from its op's inference rule (src/ops/openvino), in topological order, working on dims
 * and never on tensors of activations. Values that decide later shapes (ShapeOf results and
 * the small integer arithmetic on them: Gather, Concat, Convert …) are computed by the op's
 * kernel when all its inputs are known and everything involved is small. Sizes that depend
 * on the data (NonMaxSuppression's selected boxes) are -1, and so is what follows from them.
 */
import type { DTypeName } from "../ir/dtype.js";
import type { Model } from "../ir/model.js";
import { shapeSize } from "../ir/shape.js";
import { topologicalOrder } from "../ir/topo.js";
import type { Value } from "../ir/value.js";
import type { NdArray } from "../ops/ndarray.js";
import { constantPort, type OvOpDef, type OvPortInfo, type OvPortType, type OvRunContext } from "../ops/openvino/op-def.js";
import { openvinoOp } from "../ops/openvino/registry.js";
import { MyriadcError } from "../util/errors.js";
import { nodeError, noKernelError } from "./op-errors.js";
import { roundResult } from "./rounding.js";

export interface InferredType {
  readonly dtype: DTypeName;
  /** -1 where the size is only known at run time. */
  readonly dims: readonly number[];
}

export interface InferOptions {
  /** Named in error messages. */
  file?: string;
  /**
   * Keep going where a node cannot be inferred (no rule for its op, a wrong or run-time
   * dependent shape): its outputs, and what depends on them, are left out of the result.
   * Without it such a node is an error.
   */
  partial?: boolean;
}

/** Values computed while inferring stay this small (elements per input and output). */
const MAX_INPUT_ELEMENTS = 1 << 16;
const MAX_OUTPUT_ELEMENTS = 1 << 12;

/** What is known about one value: its type and, for constants and shape arithmetic, its value. */
interface Port {
  readonly info: OvPortInfo;
  /** Whether the value is known (without decoding a constant). */
  readonly known: boolean;
}

const computedPort = (t: OvPortType, value: NdArray | undefined): Port => ({
  info: { dtype: t.dtype, dims: t.dims, value: () => value },
  known: value !== undefined,
});

const elements = (dims: readonly number[]) => (dims.every((d) => d >= 0) ? shapeSize(dims) : Infinity);

/** dtype and dims of every value of an OpenVINO-dialect model (inputs, constants, node outputs). */
export function inferOpenvinoTypes(model: Model, options: InferOptions = {}): Map<Value, InferredType> {
  const { file, partial = false } = options;
  const g = model.graph;
  const ports = new Map<Value, Port>();
  for (const v of g.initializers.values()) ports.set(v, { info: constantPort(v.initializer!), known: true });
  for (const v of g.inputs) {
    if (v.isInitializer) continue;
    const dtype = v.dtype;
    if (!dtype || !v.shape) {
      if (partial) continue;
      throw new MyriadcError("usage", `input ${JSON.stringify(v.name)} has no known type`, { file });
    }
    ports.set(v, computedPort({ dtype, dims: v.shape.map((d) => (typeof d === "number" ? d : -1)) }, undefined));
  }
  for (const node of topologicalOrder(g)) {
    const def = openvinoOp(node.opType);
    if (!def) {
      if (partial) continue;
      throw noKernelError(node, file);
    }
    const inputs = node.inputs.map((v) => (v ? ports.get(v) : undefined));
    if (inputs.some((p, i) => p === undefined && node.inputs[i])) continue; // after a node left out (partial)
    const ctx = { node, version: node.version ?? 1 };
    let types: OvPortType[];
    try {
      types = def.infer(
        inputs.map((p) => p?.info),
        ctx,
      );
    } catch (e) {
      if (partial) continue;
      throw nodeError(node, e, file);
    }
    if (types.length < node.outputs.filter(Boolean).length && node.outputs.slice(types.length).some(Boolean))
      throw new Error(`${node.describe()}: inference gave ${types.length} outputs for ${node.outputs.length}`);
    const values = computedValues(def, inputs, types, ctx);
    node.outputs.forEach((v, i) => {
      if (v) ports.set(v, computedPort(types[i]!, values?.[i] ?? types[i]!.value));
    });
  }
  const result = new Map<Value, InferredType>();
  for (const [v, p] of ports) result.set(v, { dtype: p.info.dtype, dims: p.info.dims });
  return result;
}

/**
 * The outputs' values when the node is cheap shape arithmetic on known values (every input
 * known, everything small), rounded as a run stores them; else undefined.
 */
function computedValues(
  def: OvOpDef,
  inputs: readonly (Port | undefined)[],
  types: readonly OvPortType[],
  ctx: OvRunContext,
): NdArray[] | undefined {
  if (inputs.some((p) => p && (!p.known || elements(p.info.dims) > MAX_INPUT_ELEMENTS))) return undefined;
  if (types.some((t) => elements(t.dims) > MAX_OUTPUT_ELEMENTS)) return undefined;
  try {
    const values = inputs.map((p) => p?.info.value());
    const outs = def.run(values as NdArray[], ctx);
    if (!def.exact) for (const o of outs) if (!values.some((a) => a?.data === o.data)) roundResult(o, false);
    return outs;
  } catch {
    return undefined; // left to run time (division by zero in a constant, an unsupported mode …)
  }
}
