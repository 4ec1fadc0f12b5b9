/**
 * Quantized ONNX as the float and I32 arithmetic MYRIAD runs (it has no integer convolution,
 * and its FakeQuantize does not exist on the device): QuantizeLinear/DequantizeLinear,
 * DynamicQuantizeLinear (ReduceMin/ReduceMax, Round, Clamp), ConvInteger/MatMulInteger,
 * QLinearConv/QLinearMatMul, and onnxruntime's com.microsoft QLinear* operators.
 *
 * Exactness: integer accumulations Σ(x − x_zp)(w − w_zp) are computed in float on
 * integer-valued operands, pre-scaled by a power of two 2^-shift so that no partial sum can
 * pass FP16's 65504 (squeezenet's ConvInteger sums reach 523,385); the requantization
 * multiplier (x_scale·w_scale/y_scale, as onnxruntime computes it) absorbs 2^shift exactly.
 * In float32 the results are onnxruntime's bit for bit: every operand is exact, and each
 * rounding happens where onnxruntime rounds. The com.microsoft element-wise ops
 * (QLinearAdd, …) dequantize, compute and requantize in float as onnxruntime's portable
 * kernels do; its x86 kernels use fixed-point arithmetic, so they may differ by one step.
 *
 * Quantized tensors stay integer-valued floats between these ops (FP16 holds 0…255 exactly):
 * each rule records the float form of the integer values it makes, and readers take that
 * form instead of converting, so no FP16→U8 Convert (which the MYRIAD Convert stage lacks)
 * appears between quantized ops.
 *
 * `--dequantize` (LowerOptions.dequantize): every rule also records the float value a
 * quantized tensor stands for, and dequantizing reads that value: activation quantization
 * is dropped, weights are dequantized into float constants.
 */
import { type DTypeName, dtypeFromOnnx, dtypeInfo } from "../../ir/dtype.js";
import type { Node } from "../../ir/node.js";
import { shapeSize } from "../../ir/shape.js";
import { Tensor } from "../../ir/tensor.js";
import { tensorType } from "../../ir/types.js";
import type { Value } from "../../ir/value.js";
import { dtypeAttr, normalizeAxis } from "../../ops/onnx/op-def.js";
import { QUANTIZED_RANGE, quantizedType } from "../../ops/onnx/quantization.js";
import { strAttr } from "../../ops/openvino/op-def.js";
import type { LowerContext, Operand } from "../context.js";
import { combine, type LoweringRule } from "../rule-helpers.js";

const F32: DTypeName = "float32";

/** Lowered integer tensors → the integer-valued float they were converted from. */
const FLOAT_FORM = new WeakMap<Value, Value>();
/** With --dequantize: lowered quantized tensors → the float value they stand for. */
const UNQUANTIZED = new WeakMap<Value, Value>();

/** FP16's smallest normal number: a scale below it loses precision in FP16, or becomes 0. */
const FP16_MIN_NORMAL = 2 ** -14;

/** Largest partial sum allowed in an integer accumulation computed in float (FP16 tops out at 65504). */
const ACCUMULATION_LIMIT = 2 ** 15;

/** Layout ops a quantized tensor may pass through between quantized ops (their float form follows). */
const LAYOUT_OPS = new Set(["Reshape", "Squeeze", "Unsqueeze", "Transpose"]);

/** The saturation bounds of an integer quantized type (8-bit float and sub-byte types are refused). */
function range(c: LowerContext, dtype: DTypeName): readonly [number, number] {
  const r = QUANTIZED_RANGE[dtype];
  if (!r || dtypeInfo(dtype).kind === "float" || dtypeInfo(dtype).bits < 8) c.fail(`${dtype} quantized data is not supported`);
  return r;
}

/** The integer-valued float form of a lowered integer tensor, following it through layout ops. */
function floatForm(c: LowerContext, v: Value): Value {
  const known = FLOAT_FORM.get(v);
  if (known) return known;
  const p = v.producer;
  if (p && LAYOUT_OPS.has(p.opType) && p.inputs[0] && FLOAT_FORM.has(p.inputs[0])) {
    const attrs = Object.fromEntries([...p.attributes.keys()].map((k) => [k, strAttr(p, k, "")]));
    const f = c.one(p.opType, p.version ?? 1, [floatForm(c, p.inputs[0]), ...p.inputs.slice(1)], attrs);
    FLOAT_FORM.set(v, f);
    return f;
  }
  return c.convert(v, F32);
}

/** ONNX input i (an integer tensor) as integer-valued float: constants directly, computed values by their float form. */
function intAsFloat(c: LowerContext, i: number, dims?: readonly number[]): Value {
  const t = c.constant(i);
  if (t) return c.floats(`input${i}_float`, Array.from(t.toFloat32()), F32, dims ?? t.dims);
  const v = floatForm(c, c.input(i));
  return dims ? c.one("Reshape", 1, [v, c.i64(`input${i}_shape`, dims)], { special_zero: false }) : v;
}

/** Dims that put a per-channel parameter of `len` values on `axis` of a rank-`rank` tensor (scalars stay scalars). */
function channelDims(c: LowerContext, i: number, rank: number, axis: number): number[] | undefined {
  const s = c.shape(i);
  const n = shapeSize(s);
  if (n === 1) return undefined;
  if (s.length !== 1) c.fail(`input ${i} must be a scalar or a vector (blocked quantization is not supported)`);
  return Array.from({ length: rank }, (_, k) => (k === axis ? n : 1));
}

/** A scale (float input i), placed to broadcast along `axis` of a rank-`rank` tensor. */
function scale(c: LowerContext, i: number, rank: number, axis: number): Value {
  const dims = channelDims(c, i, rank, axis);
  if (!dims) return c.input(i);
  const t = c.constant(i);
  if (t) return c.constTensor("scale", Tensor.fromBytes(t.dtype, dims, t.bytes()));
  return c.one("Reshape", 1, [c.input(i), c.i64("scale_shape", dims)], { special_zero: false });
}

/** A zero point (integer input i) as a float that broadcasts along `axis`; undefined when omitted. */
function zeroPoint(c: LowerContext, i: number, rank: number, axis: number): Value | undefined {
  if (!c.node.inputs[i]) return undefined;
  return intAsFloat(c, i, channelDims(c, i, rank, axis));
}

/** q − zero_point as an integer-valued float (exact). */
function centered(c: LowerContext, q: number, zp: number, rank: number, axis: number): Value {
  const z = zeroPoint(c, zp, rank, axis);
  const x = intAsFloat(c, q);
  return z ? combine(c, "Subtract", x, z) : x;
}

/** The float a quantized input (q, scale, zero point) stands for: (q − zp)·scale, or with --dequantize the float it came from. */
function dequantized(c: LowerContext, [q, s, zp]: readonly [number, number, number], axis = 1): Value {
  const before = c.session.options.dequantize ? UNQUANTIZED.get(c.input(q)) : undefined;
  if (before) return before;
  const rank = c.shape(q).length;
  const a = normalizeAxis(axis, rank);
  return combine(c, "Multiply", centered(c, q, zp, rank, a), scale(c, s, rank, a));
}

/** The integer type a node's quantized output has. */
function outputType(c: LowerContext, zp: number): DTypeName {
  return c.node.outputs[0]?.dtype ?? (c.node.inputs[zp] ? c.dtype(zp) : "uint8");
}

/** An integer-valued float result as the integer type `to`, remembering its float form (and, with --dequantize, its float meaning). */
function asInteger(c: LowerContext, integral: Value, to: DTypeName, meaning?: Value): Value {
  const out = c.convert(integral, to);
  FLOAT_FORM.set(out, integral);
  if (meaning && c.session.options.dequantize) UNQUANTIZED.set(out, meaning);
  return out;
}

/** saturate(round_half_even(y) + zero_point): y already divided by the output scale. */
function requantize(c: LowerContext, y: Value, zp: Value | undefined, to: DTypeName, meaning?: Value): Value {
  const [lo, hi] = range(c, to);
  let q = c.one("Round", 5, [y], { mode: "half_to_even" });
  if (zp) q = combine(c, "Add", q, zp);
  return asInteger(c, c.one("Clamp", 1, [q], { min: lo, max: hi }), to, meaning);
}

/**
 * What survives of quantizing x when --dequantize drops the rounding: the saturation to the
 * quantized range, [(lo − zp)·scale, (hi − zp)·scale]. Quantizers fold a ReLU (or ReLU6)
 * into that range, so it must stay.
 */
function saturated(c: LowerContext, x: Value, s: Value, zp: Value | undefined, to: DTypeName): Value | undefined {
  if (!c.session.options.dequantize) return undefined;
  const [lo, hi] = range(c, to);
  const sv = s.initializer?.toFloat32();
  const zv = zp ? zp.initializer?.toFloat32() : Float32Array.of(0);
  if (sv?.length === 1 && zv?.length === 1) {
    const f = (q: number) => Math.fround((q - zv[0]!) * sv[0]!);
    return c.one("Clamp", 1, [x], { min: f(lo), max: f(hi) });
  }
  const bound = (v: number, what: string) => {
    const level = c.floats(what, [v], F32, []);
    return combine(c, "Multiply", zp ? combine(c, "Subtract", level, zp) : level, s);
  };
  return combine(c, "Minimum", combine(c, "Maximum", x, bound(lo, "lowest")), bound(hi, "highest"));
}

/**
 * x / scale. A constant scale below FP16's normal range (a dead channel's 8.8e-9 in TFLite's
 * int8 mobilenet) would be 0 in FP16 and make 0/0: numerator and scale are multiplied by the
 * same power of two first, which changes nothing in float32 and lets FP16 saturate instead.
 */
function divideByScale(c: LowerContext, x: Value, s: Value): Value {
  const values = s.initializer?.toFloat32();
  const smallest = values ? Math.min(...Array.from(values, Math.abs)) : 0;
  if (!values || smallest === 0 || smallest >= FP16_MIN_NORMAL) return combine(c, "Divide", x, s);
  const k = 2 ** Math.ceil(Math.log2(FP16_MIN_NORMAL / smallest));
  const scaled = c.constTensor(
    "scale_normal",
    floatTensor(
      Array.from(values, (v) => v * k),
      s.initializer!.dims,
    ),
  );
  return combine(c, "Divide", combine(c, "Multiply", x, c.floats("scale_up", [k], F32, [])), scaled);
}

/** Quantizes float x with output scale s and zero point zp (inputs of the node), per tensor. */
function quantized(c: LowerContext, x: Value, s: number, zp: number, to: DTypeName): Value {
  const rank = c.node.outputs[0]?.shape?.length ?? 0;
  const sv = scale(c, s, rank, 0);
  const z = zeroPoint(c, zp, rank, 0);
  return requantize(c, divideByScale(c, x, sv), z, to, saturated(c, x, sv, z, to));
}

/** The largest |q − zp| input q can have: from its values when constant, else from its type's range. */
function maxCentered(c: LowerContext, q: number, zp: number): number {
  const z = c.node.inputs[zp] ? c.constant(zp)?.toFloat32() : Float32Array.of(0);
  const t = c.constant(q);
  if (t && z) {
    const v = t.toFloat32();
    const per = z.length > 1 ? v.length / z.length : v.length;
    let m = 0;
    for (let k = 0; k < v.length; k++) m = Math.max(m, Math.abs(v[k]! - z[z.length > 1 ? Math.floor(k / per) : 0]!));
    return m;
  }
  const [lo, hi] = range(c, c.dtype(q));
  if (!z) return hi - lo;
  return Math.max(...Array.from(z, (zz) => Math.max(Math.abs(hi - zz), Math.abs(lo - zz))));
}

/** 2^-shift keeps `bound` within the accumulation limit. */
const shiftFor = (bound: number): number => (bound > ACCUMULATION_LIMIT ? Math.ceil(Math.log2(bound / ACCUMULATION_LIMIT)) : 0);

interface Quantized {
  q: number;
  zp: number;
}

/**
 * The accumulation Σ(x − x_zp)(w − w_zp) (+ an int32 bias) of a convolution or matrix
 * product, as float value·2^shift: x is pre-scaled by 2^-shift (exact), w stays integral
 * (a float constant when it is one), the product then runs through the float op's rule.
 */
function integerProduct(c: LowerContext, op: "Conv" | "MatMul", x: Quantized, w: Quantized, bias?: number): { acc: Value; shift: number } {
  const xRank = c.shape(x.q).length;
  const wShape = c.shape(w.q);
  // Weights: zero points per output channel (Conv: axis 0 of [O, C/G, k…]; MatMul: the last axis of B).
  const wAxis = op === "Conv" ? 0 : wShape.length - 1;
  const taps = op === "Conv" ? shapeSize(wShape.slice(1)) : wShape[wShape.length - 2]!;
  const biasMax =
    bias !== undefined && c.node.inputs[bias] ? Math.max(0, ...Array.from(c.constant(bias)?.toFloat32() ?? [0], Math.abs)) : 0;
  const shift = shiftFor(taps * maxCentered(c, x.q, x.zp) * maxCentered(c, w.q, w.zp) + biasMax);
  let xs = centered(c, x.q, x.zp, xRank, 1);
  if (shift) xs = combine(c, "Multiply", xs, c.floats("pre_scale", [2 ** -shift], F32, []));
  const operands: (Operand | undefined)[] = [{ value: xs, type: tensorType(F32, c.shape(x.q)) }, centeredWeights(c, w, wShape, wAxis)];
  if (bias !== undefined && c.node.inputs[bias]) {
    const t = c.constant(bias);
    const type = tensorType(F32, c.shape(bias));
    if (t) {
      const scaled = floatTensor(
        Array.from(t.toFloat32(), (v) => v * 2 ** -shift),
        t.dims,
      );
      operands.push({ value: c.constTensor("bias", scaled), type, constant: scaled });
    } else operands.push({ value: combine(c, "Multiply", intAsFloat(c, bias), c.floats("bias_scale", [2 ** -shift], F32, [])), type });
  }
  return { acc: c.lowerAs(op, operands)[0]!, shift };
}

const floatTensor = (values: ArrayLike<number>, dims: readonly number[]) => Tensor.fromArray("float32", dims, Float32Array.from(values));

/** w − w_zp as a float operand: a constant when both are (the weights dequantized into the IR), else computed. */
function centeredWeights(c: LowerContext, w: Quantized, dims: readonly number[], axis: number): Operand {
  const t = c.constant(w.q);
  const z = c.node.inputs[w.zp] ? c.constant(w.zp) : undefined;
  if (t && (z || !c.node.inputs[w.zp])) {
    const values = Float32Array.from(t.toFloat32());
    const zv = z?.toFloat32() ?? Float32Array.of(0);
    const inner = shapeSize(dims.slice(axis + 1));
    for (let k = 0; k < values.length; k++) values[k]! -= zv[zv.length > 1 ? Math.floor(k / inner) % dims[axis]! : 0]!;
    const tensor = floatTensor(values, dims);
    return { value: c.constTensor("weights", tensor), type: tensorType(F32, dims), constant: tensor };
  }
  return { value: centered(c, w.q, w.zp, dims.length, axis), type: tensorType(F32, dims) };
}

/**
 * x_scale·w_scale/y_scale·2^shift (onnxruntime's requantization multiplier, in its order of
 * operations), per output channel along `axis` of the rank-`rank` result.
 */
function multiplier(c: LowerContext, xs: number, ws: number, ys: number | undefined, shift: number, rank: number, axis: number): Value {
  let m = combine(c, "Multiply", c.input(xs), scale(c, ws, rank, axis));
  if (ys !== undefined) m = combine(c, "Divide", m, c.input(ys));
  return shift ? combine(c, "Multiply", m, c.floats("post_scale", [2 ** shift], F32, [])) : m;
}

/**
 * quantize_dynamic writes ConvInteger/MatMulInteger → Cast(float) → Mul(scale): that Mul is
 * computed from the scaled accumulation (acc·2^-shift)·(scale·2^shift), never holding acc
 * itself in a float (which FP16 cannot). With --dequantize, when the scale is x_scale·w_scale
 * of a DynamicQuantizeLinear x and constant weight scales, it is the float product of x and
 * the dequantized weights instead.
 */
function fuseRescale(c: LowerContext, acc: Value, shift: number, dequantizedProduct: (wScale: Tensor) => Value | undefined): void {
  const use = soleUse(c.node.outputs[0]);
  const castTo = use?.opType === "Cast" ? dtypeFromOnnx(use.getInt("to", 0)) : undefined;
  if (!use || (castTo !== "float32" && castTo !== "float16")) return;
  const mul = soleUse(use.outputs[0]);
  if (mul?.opType !== "Mul" || (mul.domain !== "" && mul.domain !== "ai.onnx")) return;
  const k = mul.inputs[0] === use.outputs[0] ? 1 : 0;
  const s = mul.inputs[k];
  const wScale = c.session.options.dequantize ? weightScale(c.node, s) : undefined;
  const product = wScale ? dequantizedProduct(wScale) : undefined;
  if (c.session.options.dequantize && !product)
    c.note(
      "myriad/dequantize-incomplete",
      "kept quantized under --dequantize: its rescaling is not x_scale·w_scale of a DynamicQuantizeLinear input and constant weight scales",
    );
  c.session.lowerLater(mul, (mc) => {
    if (product) return [product];
    const scaleBy = shift ? combine(mc, "Multiply", mc.input(k), mc.floats("post_scale", [2 ** shift], F32, [])) : mc.input(k);
    return [combine(mc, "Multiply", acc, scaleBy)];
  });
}

function soleUse(v: Value | undefined): Node | undefined {
  return v && v.uses.length === 1 && !v.isGraphOutput() ? v.uses[0]!.node : undefined;
}

/** The constant weight scale b of s = Mul(x_scale, b) where x_scale is the scale output of the DynamicQuantizeLinear that made input 0. */
function weightScale(node: Node, s: Value | undefined): Tensor | undefined {
  const dql = node.inputs[0]?.producer;
  const p = s?.producer;
  if (dql?.opType !== "DynamicQuantizeLinear" || p?.opType !== "Mul") return undefined;
  const k = p.inputs.indexOf(dql.outputs[1]);
  const b = k >= 0 ? p.inputs[1 - k] : undefined;
  return b?.initializer && !b.isGraphInput() ? b.initializer : undefined;
}

/** (w − w_zp)·w_scale as a float constant, for --dequantize. */
function dequantizedWeights(c: LowerContext, w: Quantized, wScale: Tensor, axis: number): Operand | undefined {
  const centeredW = centeredWeights(c, w, c.shape(w.q), axis);
  if (!centeredW.constant) return undefined;
  const dims = centeredW.constant.dims;
  const sv = wScale.toFloat32();
  const inner = shapeSize(dims.slice(axis + 1));
  const values = Float32Array.from(
    centeredW.constant.toFloat32(),
    (v, k) => v * sv[sv.length > 1 ? Math.floor(k / inner) % dims[axis]! : 0]!,
  );
  const tensor = floatTensor(values, dims);
  return { value: c.constTensor("weights_dequantized", tensor), type: tensorType(F32, dims), constant: tensor };
}

/** ConvInteger / MatMulInteger: the int32 accumulation (exact in FP32), and the fused rescaling after it. */
const integerOp =
  (op: "Conv" | "MatMul"): LoweringRule =>
  (c) => {
    const x = { q: 0, zp: 2 };
    const w = { q: 1, zp: 3 };
    const { acc, shift } = integerProduct(c, op, x, w);
    const wAxis = op === "Conv" ? 0 : c.shape(1).length - 1;
    fuseRescale(c, acc, shift, (wScale) => {
      const unq = UNQUANTIZED.get(c.input(0));
      const weights = unq ? dequantizedWeights(c, w, wScale, wAxis) : undefined;
      return unq && weights ? c.lowerAs(op, [{ value: unq, type: tensorType(F32, c.shape(0)) }, weights])[0] : undefined;
    });
    const exact = shift ? combine(c, "Multiply", acc, c.floats("post_scale", [2 ** shift], F32, [])) : acc;
    return [c.convert(exact, "int32")];
  };

/** QLinearConv (x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B) / QLinearMatMul (a, …, b, …, y_scale, y_zp). */
const qlinearOp =
  (op: "Conv" | "MatMul"): LoweringRule =>
  (c) => {
    const to = outputType(c, 7);
    const rank = c.shape(0).length;
    const axis = op === "Conv" ? 1 : rank - 1;
    if (c.session.options.dequantize) {
      const wAxis = op === "Conv" ? 0 : c.shape(3).length - 1;
      const weights = dequantized(c, [3, 4, 5], wAxis);
      const operands: (Operand | undefined)[] = [
        { value: dequantized(c, [0, 1, 2]), type: tensorType(F32, c.shape(0)) },
        { value: weights, type: tensorType(F32, c.shape(3)) },
      ];
      if (op === "Conv" && c.node.inputs[8]) {
        const b = combine(c, "Multiply", intAsFloat(c, 8), combine(c, "Multiply", c.input(1), c.input(4)));
        operands.push({ value: b, type: tensorType(F32, c.shape(8)) });
      }
      return [quantized(c, c.lowerAs(op, operands)[0]!, 6, 7, to)];
    }
    const { acc, shift } = integerProduct(c, op, { q: 0, zp: 2 }, { q: 3, zp: 5 }, op === "Conv" ? 8 : undefined);
    const y = combine(c, "Multiply", acc, multiplier(c, 1, 4, 6, shift, rank, axis));
    return [requantize(c, y, zeroPoint(c, 7, rank, 0), to)];
  };

/**
 * DynamicQuantizeLinear: scale = (max(x, 0) − min(x, 0))/255, zero point =
 * saturate(round(−min/scale)), y = saturate(round(x/scale) + zero point), each step a
 * float32 operation as in onnxruntime.
 */
const dynamicQuantizeLinear: LoweringRule = (c) => {
  const x = c.input(0);
  const all = c.i64(
    "axes",
    c.shape(0).map((_, i) => i),
  );
  const zero = c.floats("zero", [0], F32, []);
  const lo = combine(c, "Minimum", c.one("ReduceMin", 1, [x, all], { keep_dims: false }), zero);
  const hi = combine(c, "Maximum", c.one("ReduceMax", 1, [x, all], { keep_dims: false }), zero);
  const s = combine(c, "Divide", combine(c, "Subtract", hi, lo), c.floats("levels", [255], F32, []));
  const zpFloat = combine(c, "Multiply", combine(c, "Divide", lo, s), c.floats("minus_one", [-1], F32, []));
  const zpIntegral = c.one("Clamp", 1, [c.one("Round", 5, [zpFloat], { mode: "half_to_even" })], { min: 0, max: 255 });
  const zp = asInteger(c, zpIntegral, "uint8");
  const q = c.one("Round", 5, [combine(c, "Divide", x, s)], { mode: "half_to_even" });
  const y = asInteger(c, c.one("Clamp", 1, [combine(c, "Add", q, zpIntegral)], { min: 0, max: 255 }), "uint8", x);
  return [y, s, zp];
};

/** DequantizeLinear: (x − zero_point)·scale, per tensor or per axis; with --dequantize, the float x was quantized from. */
const dequantizeLinear: LoweringRule = (c) => {
  range(c, c.dtype(0));
  if (c.node.getInt("block_size", 0) > 0) c.fail("blocked quantization is not supported");
  return [dequantized(c, [0, 1, 2], c.node.getInt("axis", 1))];
};

/** QuantizeLinear: saturate(round_half_even(x / scale) + zero_point), per tensor or per axis. */
const quantizeLinear: LoweringRule = (c) => {
  const to = quantizedType(dtypeAttr(c.node, "output_dtype"), c.node.inputs[2] ? c.dtype(2) : undefined);
  if (c.node.getInt("block_size", 0) > 0) c.fail("blocked quantization is not supported");
  const rank = c.shape(0).length;
  const axis = normalizeAxis(c.node.getInt("axis", 1), rank);
  const x = c.input(0);
  const s = scale(c, 1, rank, axis);
  const z = zeroPoint(c, 2, rank, axis);
  return [requantize(c, divideByScale(c, x, s), z, to, saturated(c, x, s, z, to))];
};

export const QUANTIZATION_LOWERING: Readonly<Record<string, LoweringRule>> = {
  QuantizeLinear: quantizeLinear,
  DequantizeLinear: dequantizeLinear,
  DynamicQuantizeLinear: dynamicQuantizeLinear,
  ConvInteger: integerOp("Conv"),
  MatMulInteger: integerOp("MatMul"),
  QLinearConv: qlinearOp("Conv"),
  QLinearMatMul: qlinearOp("MatMul"),
};

/** A com.microsoft QLinear op computed as: dequantize the inputs, the float op, quantize (output scale/zero point at `out`). */
const throughFloat =
  (
    inputs: readonly (readonly [number, number, number])[],
    out: readonly [number, number],
    float: (c: LowerContext, xs: Value[]) => Value,
  ): LoweringRule =>
  (c) => [
    quantized(
      c,
      float(
        c,
        inputs.map((t) => dequantized(c, t)),
      ),
      out[0],
      out[1],
      outputType(c, out[1]),
    ),
  ];

/** The float op's own rule on a dequantized input (attributes are the QLinear op's, named as the float op names them). */
const viaRule =
  (op: string) =>
  (c: LowerContext, [x]: Value[]): Value =>
    c.lowerAs(op, [{ value: x!, type: tensorType(F32, c.shape(0)) }])[0]!;

/**
 * QLinearGlobalAveragePool as onnxruntime computes it: Σ(x − x_zp) over the image (exact,
 * pre-scaled by 2^-shift), times x_scale/(y_scale·N), requantized.
 */
const qlinearGlobalAveragePool: LoweringRule = (c) => {
  const shape = c.shape(0);
  const rank = shape.length;
  const last = c.node.getInt("channels_last", 0) === 1;
  const axes = last ? shape.slice(1, -1).map((_, i) => i + 1) : shape.slice(2).map((_, i) => i + 2);
  const n = shapeSize(axes.map((a) => shape[a]!));
  const to = outputType(c, 4);
  if (c.session.options.dequantize)
    return [quantized(c, c.one("ReduceMean", 1, [dequantized(c, [0, 1, 2]), c.i64("axes", axes)], { keep_dims: true }), 3, 4, to)];
  const shift = shiftFor(n * maxCentered(c, 0, 2));
  let x = centered(c, 0, 2, rank, 0);
  if (shift) x = combine(c, "Multiply", x, c.floats("pre_scale", [2 ** -shift], F32, []));
  const sum = c.one("ReduceSum", 1, [x, c.i64("axes", axes)], { keep_dims: true });
  let m = combine(c, "Divide", c.input(1), combine(c, "Multiply", c.input(3), c.floats("count", [n], F32, [])));
  if (shift) m = combine(c, "Multiply", m, c.floats("post_scale", [2 ** shift], F32, []));
  return [requantize(c, combine(c, "Multiply", sum, m), zeroPoint(c, 4, rank, 0), to)];
};

/** QLinearConcat (y_scale, y_zp, then x, x_scale, x_zp per input): each input requantized to the output's parameters, then concatenated. */
const qlinearConcat: LoweringRule = (c) => {
  const to = outputType(c, 1);
  const rank = c.shape(2).length;
  const triples = Array.from({ length: Math.floor((c.node.inputs.length - 2) / 3) }, (_, k) => [2 + 3 * k, 3 + 3 * k, 4 + 3 * k] as const);
  const axis = normalizeAxis(c.node.getInt("axis", 0), rank);
  const floats = triples.map((t) => dequantized(c, t));
  if (c.session.options.dequantize) return [quantized(c, c.one("Concat", 1, floats, { axis }), 0, 1, to)];
  const [lo, hi] = range(c, to);
  const zp = zeroPoint(c, 1, rank, 0);
  const parts = floats.map((f) => {
    let q = c.one("Round", 5, [divideByScale(c, f, scale(c, 0, rank, 0))], { mode: "half_to_even" });
    if (zp) q = combine(c, "Add", q, zp);
    return c.one("Clamp", 1, [q], { min: lo, max: hi });
  });
  return [asInteger(c, c.one("Concat", 1, parts, { axis }), to)];
};

/** onnxruntime's com.microsoft quantized operators (contrib op schemas), lowered through the lowering's dialect table. */
export const MICROSOFT_LOWERING: Readonly<Record<string, LoweringRule>> = {
  QLinearAdd: throughFloat(
    [
      [0, 1, 2],
      [3, 4, 5],
    ],
    [6, 7],
    (c, [a, b]) => combine(c, "Add", a!, b!),
  ),
  QLinearMul: throughFloat(
    [
      [0, 1, 2],
      [3, 4, 5],
    ],
    [6, 7],
    (c, [a, b]) => combine(c, "Multiply", a!, b!),
  ),
  QLinearGlobalAveragePool: qlinearGlobalAveragePool,
  QLinearAveragePool: (c) => {
    if (c.node.getInt("channels_last", 0) === 1) c.fail("channels_last average pooling is not supported");
    return throughFloat([[0, 1, 2]], [3, 4], viaRule("AveragePool"))(c);
  },
  QLinearSigmoid: throughFloat([[0, 1, 2]], [3, 4], viaRule("Sigmoid")),
  QLinearLeakyRelu: throughFloat([[0, 1, 2]], [3, 4], viaRule("LeakyRelu")),
  QLinearConcat: qlinearConcat,
};
