/**
 * A convolution followed by a per-channel bias Add, and maybe a ReLU, as networks exported to
 * an IR have them (20 of ResNet-18's 20 convolutions): the interpreter stores the
 * convolution's result as the last of these nodes would leave it, in one pass
 * (biasAndActivation), instead of three passes and two more tensors. The values are the
 * same, as that pass performs the same roundings and additions; the Add and the ReLU are
 * then skipped, their outputs never being read by anything else.
 *
 * Whether a tail applies is decided once the convolution has run: each absorbed node's own
 * inference must accept its inputs and give the convolution's dims and dtype, and the other
 * Add input must be known and vary along the channel axis at most. Otherwise the nodes run
 * one by one as usual.
 */
import { isFloatDType } from "../ir/dtype.js";
import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";
import { biasAndActivation, type ResultRounding } from "../ops/kernels/rounding.js";
import type { NdArray } from "../ops/ndarray.js";
import type { OvPortInfo } from "../ops/openvino/op-def.js";
import { openvinoOp } from "../ops/openvino/registry.js";

const CONVOLUTIONS: ReadonlySet<string> = new Set(["Convolution", "GroupConvolution"]);

/** The nodes after a convolution that its result can absorb. */
export interface ConvTail {
  readonly add: Node;
  /** The Add's input that is not the convolution. */
  readonly bias: Value;
  readonly relu: Node | undefined;
  /** The value the fused result is stored as (the ReLU's output, else the Add's). */
  readonly result: Value;
}

/** The only reader of v, when exactly one node input reads it (`readers` counts them) and it is no graph output. */
function onlyReader(v: Value | undefined, readers: ReadonlyMap<Value, number>, outputs: ReadonlySet<Value>): Node | undefined {
  if (!v || outputs.has(v) || readers.get(v) !== 1 || v.uses.length !== 1) return undefined;
  return v.uses[0]!.node;
}

/** The Add (and ReLU) after a convolution node, read off the graph; undefined when there is none. */
export function convTailOf(node: Node, readers: ReadonlyMap<Value, number>, outputs: ReadonlySet<Value>): ConvTail | undefined {
  if (!CONVOLUTIONS.has(node.opType) || node.outputs.length !== 1) return undefined;
  const convOut = node.outputs[0];
  const add = onlyReader(convOut, readers, outputs);
  if (!add || add.opType !== "Add" || add.inputs.length !== 2 || add.outputs.length !== 1 || !add.outputs[0]) return undefined;
  const bias = add.inputs[0] === convOut ? add.inputs[1] : add.inputs[0];
  if (!bias || bias === convOut) return undefined;
  const addOut = add.outputs[0];
  const next = onlyReader(addOut, readers, outputs);
  const relu = next?.opType === "ReLU" && next.inputs.length === 1 && next.outputs.length === 1 && next.outputs[0] ? next : undefined;
  return { add, bias, relu, result: relu ? relu.outputs[0]! : addOut };
}

const portOf = (dtype: NdArray["dtype"], dims: readonly number[]): OvPortInfo => ({ dtype, dims, value: () => undefined });

/** Whether a node's inference gives exactly `dims` and `dtype` for these inputs (false if it refuses them). */
function infersSame(node: Node, inputs: readonly OvPortInfo[], dtype: NdArray["dtype"], dims: readonly number[]): boolean {
  const def = openvinoOp(node.opType);
  if (!def) return false;
  try {
    const [t] = def.infer(inputs, { node, version: node.version ?? 1 });
    return t !== undefined && t.dtype === dtype && t.dims.length === dims.length && t.dims.every((d, i) => d === dims[i]);
  } catch {
    return false;
  }
}

/** The bias per channel of `dims` [N, C, …] when `b` broadcasts along the channel axis only, else undefined. */
function perChannel(b: NdArray, dims: readonly number[]): Float64Array | undefined {
  if (!(b.data instanceof Float64Array) || b.dims.length > dims.length || dims.length < 2) return undefined;
  const channels = dims[1]!;
  const lead = dims.length - b.dims.length;
  let varies = false;
  for (let k = 0; k < b.dims.length; k++) {
    const d = b.dims[k]!;
    if (d === 1) continue;
    if (k + lead !== 1 || d !== channels) return undefined;
    varies = true;
  }
  const data = b.data;
  return Float64Array.from({ length: channels }, (_, c) => data[varies ? c : 0]!);
}

/**
 * Applies the tail to the convolution's freshly computed (unrounded) result `r` in place and
 * returns true; false (r untouched) when the tail does not apply to these values.
 */
export function applyConvTail(tail: ConvTail, r: NdArray, bias: NdArray | undefined, fp16: boolean): boolean {
  if (!bias || !(r.data instanceof Float64Array) || !isFloatDType(r.dtype)) return false;
  const convFirst = tail.add.inputs[0] !== tail.bias;
  const ports = [portOf(r.dtype, r.dims), portOf(bias.dtype, bias.dims)];
  if (!infersSame(tail.add, convFirst ? ports : ports.reverse(), r.dtype, r.dims)) return false;
  if (tail.relu && !infersSame(tail.relu, [portOf(r.dtype, r.dims)], r.dtype, r.dims)) return false;
  const perChannelBias = perChannel(bias, r.dims);
  if (!perChannelBias) return false;
  // As the interpreter rounds a float result (rounding.ts): Add's output has the convolution's dtype.
  const rounding: ResultRounding = fp16 ? "float16" : r.dtype === "float32" ? "float32" : "none";
  const channels = r.dims[1]!;
  const plane = r.dims.slice(2).reduce((p, d) => p * d, 1);
  biasAndActivation(r.data, channels, plane, perChannelBias, tail.relu !== undefined, rounding);
  return true;
}
