/**
 * The exact form of a QDQ model for a device without integer tensors (MYRIAD): each
 * activation QuantizeLinear → DequantizeLinear pair becomes the float arithmetic it computes,
 *   y = clamp(round_half_even(x / scale), qmin − zp, qmax − zp) · scale,
 * which equals (saturate(round(x / scale) + zp) − zp) · scale exactly (the rounded value is an
 * integer, so adding and removing zp changes nothing), with no int8/uint8 value in between.
 * Constant weights are dequantized into float constants. Scales and zero points may be
 * computed at run time (the per-batch input quantization of TFLite's hybrid kernels); per-axis
 * ones are reshaped to broadcast along their axis. Quantization at the graph's integer inputs
 * and outputs stays.
 */
import { type Attribute, attr } from "../../../ir/attribute.js";
import { dtypeToOnnx } from "../../../ir/dtype.js";
import type { Graph } from "../../../ir/graph.js";
import type { Model } from "../../../ir/model.js";
import { Node } from "../../../ir/node.js";
import { Tensor } from "../../../ir/tensor.js";
import { tensorType } from "../../../ir/types.js";
import { Value } from "../../../ir/value.js";
import type { Pass, PassResult } from "../../pass.js";
import { constantOf } from "../op-context.js";
import { activationPairs, foldConstantDequantize, QUANTIZED_RANGE, quantizedType } from "./qdq.js";

/** Builds the float nodes of one pair, right after its QuantizeLinear (whose inputs exist there). */
class Builder {
  private last: Node;

  constructor(
    private readonly graph: Graph,
    private readonly q: Node,
  ) {
    this.last = q;
  }

  /** The op-set version of the new nodes: the quantize node's. */
  get version(): number {
    return this.q.version ?? 13;
  }

  node(opType: string, inputs: (Value | undefined)[], attributes: Record<string, Attribute> = {}): Value {
    const base = `${this.q.name || "qdq"}/${opType}`;
    const out = new Value(this.graph.uniqueName(base));
    const n = new Node({ opType, version: this.version, inputs, outputs: [out], attributes, name: this.graph.uniqueNodeName(base) });
    this.graph.insertAfter(this.last, n);
    this.last = n;
    return out;
  }

  constant(t: Tensor): Value {
    const v = new Value(this.graph.uniqueName(`${this.q.name || "qdq"}/const`), tensorType(t.dtype, t.dims));
    t.name = v.name;
    return this.graph.addInitializer(v, t);
  }
}

/** The float type of the pair (the scale's). */
const floatTypeOf = (q: Node) => (q.inputs[1]?.dtype === "float16" ? "float16" : "float32");

function floatScalar(b: Builder, value: number, dtype: "float32" | "float16"): Value {
  const t = Tensor.fromArray("float32", [], Float32Array.of(value));
  return dtype === "float32" ? b.constant(t) : b.node("Cast", [b.constant(t)], { to: attr.int(dtypeToOnnx("float16")) });
}

/** A per-axis 1-D parameter reshaped to [1,…,C,…,1] for rank-`rank` data; scalars stay. */
function broadcastable(b: Builder, v: Value, axis: number, rank: number): Value {
  const dims = v.shape;
  if (!dims || dims.length === 0 || (dims.length === 1 && dims[0] === 1)) return v;
  const others = Array.from({ length: rank }, (_, k) => k).filter((k) => k !== axis);
  const t = constantOf(v);
  if (t)
    return b.constant(
      Tensor.fromBytes(
        t.dtype,
        Array.from({ length: rank }, (_, k) => (k === axis ? t.size : 1)),
        t.bytes(),
      ),
    );
  if (b.version < 13) return b.node("Unsqueeze", [v], { axes: attr.ints(others) });
  const axes = b.constant(
    Tensor.fromArray(
      "int64",
      [others.length],
      BigInt64Array.from(others, (k) => BigInt(k)),
    ),
  );
  return b.node("Unsqueeze", [v, axes]);
}

/**
 * The zero point as a float value: constants directly; a value computed at run time as
 * Cast(float → integer) of an integral float (how TFLite's hybrid quantization is written)
 * is read before the Cast, so no integer tensor remains.
 */
function zeroPointAsFloat(b: Builder, zp: Value, dtype: "float32" | "float16"): Value {
  const t = constantOf(zp);
  if (t) return b.constant(Tensor.fromArray("float32", t.dims, t.toFloat32()));
  const cast = zp.producer;
  const source = cast?.opType === "Cast" ? cast.inputs[0] : undefined;
  if (source && source.dtype === dtype) return source;
  return b.node("Cast", [zp], { to: attr.int(dtypeToOnnx(dtype)) });
}

export interface ArithmeticOptions {
  /**
   * The graph will compute in FP16 (MYRIAD): a constant scale below FP16's smallest normal
   * value (2^-14) would round to 0 or a subnormal the device may flush, and x/0 is NaN; such a
   * pair is written as the clamp it amounts to (its grid is finer than FP16 resolves there).
   */
  fp16?: boolean;
}

const FP16_MIN_NORMAL = 2 ** -14;

/** The float value of one Q → DQ pair, or undefined when the data's rank is unknown and per-axis parameters need it. */
function arithmetic(graph: Graph, q: Node, options: ArithmeticOptions): Value | undefined {
  const [x, scale, zp] = q.inputs;
  const range = QUANTIZED_RANGE[quantizedType(q)]!;
  const dtype = floatTypeOf(q);
  const perAxis = (v: Value | undefined) => v !== undefined && (v.shape === undefined || v.shape.some((d) => d !== 1));
  const rank = x!.shape?.length;
  // Round exists from op set 11; older QDQ models keep their pairs (lowered with Converts).
  if ((q.version ?? 13) < 11 || ((perAxis(scale) || perAxis(zp)) && rank === undefined)) return undefined;
  const axis = (() => {
    const a = q.getInt("axis", 1)!;
    return rank !== undefined && a < 0 ? a + rank : a;
  })();
  const b = new Builder(graph, q);
  const scaleConst = constantOf(scale);
  const zpConst = constantOf(zp);
  if (options.fp16 && scaleConst && scaleConst.size === 1 && (!zp || zpConst?.size === 1)) {
    const sv = scaleConst.toFloat32()[0]!;
    const z = zpConst ? zpConst.toFloat32()[0]! : 0;
    if (Math.abs(sv) < FP16_MIN_NORMAL)
      return b.node("Clip", [x, floatScalar(b, (range[0] - z) * sv, dtype), floatScalar(b, (range[1] - z) * sv, dtype)]);
  }
  const s = rank === undefined ? scale! : broadcastable(b, scale!, axis, rank);
  // A unit scale (values already divided by their scale) needs no division.
  const unit =
    constantOf(scale)
      ?.toFloat32()
      .every((v) => v === 1) === true;
  const rounded = b.node("Round", [unit ? x! : b.node("Div", [x, s])]);
  const rescale = (v: Value) => (unit ? v : b.node("Mul", [v, s]));
  let lo: Value;
  let hi: Value;
  if (!zp || (zpConst && zpConst.size === 1)) {
    const z = zpConst ? zpConst.toFloat32()[0]! : 0;
    lo = floatScalar(b, range[0] - z, dtype);
    hi = floatScalar(b, range[1] - z, dtype);
    return rescale(b.node("Clip", [rounded, lo, hi]));
  }
  const z = zeroPointAsFloat(b, rank === undefined ? zp : broadcastable(b, zp, axis, rank), dtype);
  lo = b.node("Sub", [floatScalar(b, range[0], dtype), z]);
  hi = b.node("Sub", [floatScalar(b, range[1], dtype), z]);
  return rescale(b.node("Min", [b.node("Max", [rounded, lo]), hi]));
}

/** Rewrites the pairs of a graph and its subgraphs; returns how many pairs and weights it changed. */
export function qdqToArithmetic(graph: Graph, options: ArithmeticOptions = {}): { pairs: number; weights: number } {
  let pairs = 0;
  let weights = 0;
  for (const node of graph.nodes)
    for (const sg of node.subgraphs()) {
      const inner = qdqToArithmetic(sg, options);
      pairs += inner.pairs;
      weights += inner.weights;
    }
  // One float computation per QuantizeLinear, shared by all its DequantizeLinear readers.
  const computed = new Map<Node, Value | undefined>();
  for (const { quantize, dequantize } of activationPairs(graph)) {
    const y = dequantize.outputs[0];
    if (!y) continue;
    if (!computed.has(quantize)) computed.set(quantize, arithmetic(graph, quantize, options));
    const f = computed.get(quantize);
    if (!f || (y.isGraphOutput() && !graph.canTakeOverName(f))) continue;
    graph.replaceValue(y, f);
    graph.removeNode(dequantize, { force: true });
    const qOut = quantize.outputs[0];
    if (qOut && qOut.uses.length === 0 && !qOut.isGraphOutput()) graph.removeNode(quantize);
    pairs++;
  }
  weights += foldConstantDequantize(graph);
  return { pairs, weights };
}

/** The MYRIAD form (FP16-safe): what `fix --target myriad` and lint apply. */
export const qdqArithmeticPass: Pass = {
  name: "qdq-arithmetic",
  reachesFixedPoint: true,
  run(model: Model): PassResult {
    const { pairs, weights } = qdqToArithmetic(model.graph, { fp16: true });
    return { changed: pairs + weights > 0 };
  },
};
