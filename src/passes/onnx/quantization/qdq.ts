/**
 * What the quantization passes share: finding the activation QuantizeLinear → DequantizeLinear
 * pairs of a QDQ graph (a float value quantized and read back with the same scale, zero point
 * and axis), and dequantizing constant integer weights into float constants once, at
 * conversion time (MYRIAD has no int8 data).
 */
import type { DTypeName } from "../../../ir/dtype.js";
import type { Graph } from "../../../ir/graph.js";
import type { Node } from "../../../ir/node.js";
import { float32ArrayToFp16 } from "../../../ir/numeric/float-bits.js";
import { stridesOf } from "../../../ir/shape.js";
import { Tensor } from "../../../ir/tensor.js";
import { tensorType } from "../../../ir/types.js";
import { Value } from "../../../ir/value.js";
import { constantOf, isOnnxDomain } from "../op-context.js";

/** The integer range of each quantized type QuantizeLinear saturates to. */
export const QUANTIZED_RANGE: Readonly<Partial<Record<DTypeName, readonly [number, number]>>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
};

const FLOATS: ReadonlySet<DTypeName | undefined> = new Set<DTypeName | undefined>(["float32", "float16"]);

export const isQuantizeNode = (n: Node | undefined): n is Node => n?.opType === "QuantizeLinear" && isOnnxDomain(n);
export const isDequantizeNode = (n: Node | undefined): n is Node => n?.opType === "DequantizeLinear" && isOnnxDomain(n);

/** Same value, or constants with the same type, shape and bytes. */
function sameParameter(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  const ta = constantOf(a);
  const tb = constantOf(b);
  if (!ta || !tb || ta.dtype !== tb.dtype || ta.size !== tb.size) return false;
  const ba = ta.bytes();
  const bb = tb.bytes();
  return ba.length === bb.length && ba.every((x, i) => x === bb[i]);
}

/** A quantize node and the dequantize nodes reading its result back with the same parameters. */
export interface QdqPair {
  quantize: Node;
  dequantize: Node;
}

/** Blocked quantization (opset 21) and float8 types are left alone: they are not activation QDQ. */
function plainParameters(n: Node): boolean {
  return n.getInt("block_size", 0) === 0 && (n.getInt("output_dtype", 0) === 0 || n.opType === "DequantizeLinear");
}

/** The integer type a QuantizeLinear produces: its zero point's, uint8 without one. */
export function quantizedType(q: Node): DTypeName {
  return q.outputs[0]?.dtype ?? q.inputs[2]?.dtype ?? "uint8";
}

/**
 * Every DequantizeLinear whose data is a QuantizeLinear of a float value with the same scale,
 * zero point and axis: the pair stands for "x rounded to the quantization grid".
 */
export function activationPairs(graph: Graph): QdqPair[] {
  const pairs: QdqPair[] = [];
  for (const dq of graph.nodes) {
    if (!isDequantizeNode(dq) || !plainParameters(dq)) continue;
    const q = dq.inputs[0]?.producer;
    if (!isQuantizeNode(q) || !plainParameters(q)) continue;
    const x = q.inputs[0];
    if (!x || !FLOATS.has(x.dtype)) continue;
    if (!QUANTIZED_RANGE[quantizedType(q)]) continue;
    if (!sameParameter(q.inputs[1], dq.inputs[1]) || !sameParameter(q.inputs[2], dq.inputs[2])) continue;
    if (q.getInt("axis", 1) !== dq.getInt("axis", 1)) continue;
    pairs.push({ quantize: q, dequantize: dq });
  }
  return pairs;
}

/** (q − zero_point)·scale of constant data, per tensor or per axis, in the scale's float type. */
function dequantizeTensor(q: Tensor, scale: Tensor, zeroPoint: Tensor | undefined, axis: number): Tensor {
  const values = q.toFloat32();
  const scales = scale.toFloat32();
  const zps = zeroPoint ? zeroPoint.toFloat32() : new Float32Array(scales.length);
  const perAxis = scales.length > 1;
  const dims = q.dims;
  const a = axis < 0 ? axis + dims.length : axis;
  const inner = perAxis ? stridesOf([...dims])[a]! : 1;
  const channels = perAxis ? dims[a]! : 1;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const c = perAxis ? Math.floor(i / inner) % channels : 0;
    out[i] = Math.fround((values[i]! - zps[c]!) * scales[c]!);
  }
  return scale.dtype === "float16" ? Tensor.fromArray("float16", dims, float32ArrayToFp16(out)) : Tensor.fromArray("float32", dims, out);
}

/**
 * DequantizeLinear of constant weights becomes the float constant it computes (computed once
 * here, so the weights reach MYRIAD as float). Returns how many were folded.
 */
export function foldConstantDequantize(graph: Graph): number {
  let folded = 0;
  for (const dq of [...graph.nodes]) {
    if (!isDequantizeNode(dq) || !plainParameters(dq)) continue;
    const [data, scale, zeroPoint] = dq.inputs.map(constantOf);
    const out = dq.outputs[0];
    if (!data || !scale || !out || (dq.inputs[2] && !zeroPoint)) continue;
    if ((scale.size > 1 && data.dims.length === 0) || out.isGraphOutput()) continue;
    const tensor = dequantizeTensor(data, scale, zeroPoint, dq.getInt("axis", 1)!);
    const v = new Value(graph.uniqueName(`${out.name}/dequantized`), tensorType(tensor.dtype, tensor.dims));
    tensor.name = v.name;
    graph.addInitializer(v, tensor);
    graph.replaceValue(out, v);
    graph.removeNode(dq, { force: true });
    folded++;
  }
  return folded;
}
