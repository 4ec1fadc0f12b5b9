/**
 * ONNX → OpenVINO lowering, one rule per ONNX op: which OpenVINO ops (opset1–opset10, the
 * versions the MYRIAD plugin of 2022.3 accepts where there is a choice) compute it. A rule
 * returns the OpenVINO values for the node's outputs, or fails with the reason.
 */
import type { DTypeName } from "../ir/dtype.js";
import { dtypeFromOnnx } from "../ir/dtype.js";
import { shapeSize } from "../ir/shape.js";
import { Tensor } from "../ir/tensor.js";
import type { Value } from "../ir/value.js";
import { ndToTensor } from "../ops/ndarray.js";
import { constantNodeValue } from "../ops/onnx/shape.js";
import { elementTypeOf } from "../ops/openvino/element-types.js";
import type { LowerContext } from "./context.js";
import { INDEXING_LOWERING } from "./onnx-rules-indexing.js";
import { MATH_LOWERING } from "./onnx-rules-math.js";
import { NN_LOWERING } from "./onnx-rules-nn.js";
import { QUANTIZATION_LOWERING } from "./onnx-rules-quantization.js";
import { RECURRENT_LOWERING } from "./onnx-rules-recurrent.js";
import { binary, combine, type LoweringRule, reshaped, same } from "./rule-helpers.js";

export type { LoweringRule };

function spatialAttrs(c: LowerContext, rank: number): Record<string, string | number[]> {
  const n = rank - 2;
  const pads = c.node.getInts("pads") ?? new Array<number>(2 * n).fill(0);
  const autoPad = c.node.getString("auto_pad", "NOTSET");
  return {
    strides: c.node.getInts("strides") ?? new Array<number>(n).fill(1),
    pads_begin: pads.slice(0, n),
    pads_end: pads.slice(n),
    auto_pad:
      autoPad === "SAME_UPPER" ? "same_upper" : autoPad === "SAME_LOWER" ? "same_lower" : autoPad === "VALID" ? "valid" : "explicit",
  };
}

/** Conv → Convolution or GroupConvolution (weights reshaped to [G, O/G, C/G, k…]), plus bias. */
const conv: LoweringRule = (c) => {
  const x = c.shape(0);
  const w = c.shape(1);
  const group = c.node.getInt("group", 1);
  const n = x.length - 2;
  const attrs = { ...spatialAttrs(c, x.length), dilations: c.node.getInts("dilations") ?? new Array<number>(n).fill(1) };
  const y =
    group === 1
      ? c.one("Convolution", 1, [c.input(0), c.input(1)], attrs)
      : c.one("GroupConvolution", 1, [c.input(0), reshaped(c, 1, [group, w[0]! / group, ...w.slice(1)], "weights")], attrs);
  if (!c.node.inputs[2]) return [y];
  return [combine(c, "Add", y, reshaped(c, 2, [1, w[0]!, ...new Array<number>(n).fill(1)], "bias"))];
};

/** Pooling: MaxPool-1/AvgPool-1, or MaxPool-8 when dilations or the indices output are needed. */
const pool =
  (kind: "MaxPool" | "AvgPool"): LoweringRule =>
  (c) => {
    const x = c.shape(0);
    const dilated = (c.node.getInts("dilations") ?? []).some((d) => d !== 1);
    const wantsIndices = kind === "MaxPool" && Boolean(c.node.outputs[1]?.uses.length || c.node.outputs[1]?.isGraphOutput());
    if (dilated && kind === "AvgPool") c.fail("dilated average pooling has no OpenVINO op before opset14");
    if (wantsIndices && c.node.getInt("storage_order", 0) === 1) c.fail("column-major (storage_order=1) indices are not supported");
    const attrs: Record<string, string | number[]> = {
      ...spatialAttrs(c, x.length),
      kernel: c.node.getInts("kernel_shape") ?? c.fail("kernel_shape is missing"),
      rounding_type: c.node.getInt("ceil_mode", 0) === 1 ? "ceil" : "floor",
    };
    if (kind === "AvgPool") attrs["exclude-pad"] = c.node.getInt("count_include_pad", 0) === 1 ? "false" : "true";
    if (!dilated && !wantsIndices) return [c.one(kind, 1, [c.input(0)], attrs)];
    const dilations = c.node.getInts("dilations") ?? x.slice(2).map(() => 1);
    return c.op("MaxPool", 8, [c.input(0)], { ...attrs, dilations, index_element_type: "i64", axis: 0 }, 2);
  };

const globalPool =
  (reduce: string): LoweringRule =>
  (c) => {
    const rank = c.shape(0).length;
    const axes = Array.from({ length: rank - 2 }, (_, i) => i + 2);
    return [c.one(reduce, 1, [c.input(0), c.i64("axes", axes)], { keep_dims: "true" })];
  };

const gemm: LoweringRule = (c) => {
  const alpha = c.node.getFloat("alpha", 1);
  const beta = c.node.getFloat("beta", 1);
  let y = c.one("MatMul", 1, [c.input(0), c.input(1)], {
    transpose_a: c.node.getInt("transA", 0) === 1,
    transpose_b: c.node.getInt("transB", 0) === 1,
  });
  const dtype = c.dtype(0);
  if (alpha !== 1) y = c.one("Multiply", 1, [y, c.floats("alpha", [alpha], dtype, [])], { auto_broadcast: "numpy" });
  if (c.node.inputs[2]) {
    let bias = c.input(2);
    if (beta !== 1) bias = c.one("Multiply", 1, [bias, c.floats("beta", [beta], dtype, [])], { auto_broadcast: "numpy" });
    y = c.one("Add", 1, [y, bias], { auto_broadcast: "numpy" });
  }
  return [y];
};

const reshapeTo = (c: LowerContext, dims: readonly number[], specialZero: boolean): Value =>
  c.one("Reshape", 1, [c.input(0), c.i64("shape", dims)], { special_zero: specialZero });

const flatten: LoweringRule = (c) => {
  const s = c.shape(0);
  const a = c.node.getInt("axis", 1);
  const axis = a < 0 ? a + s.length : a;
  return [reshapeTo(c, [shapeSize(s.slice(0, axis)), shapeSize(s.slice(axis))], false)];
};

const reshape: LoweringRule = (c) => {
  const target = c.opset < 5 ? (c.node.getInts("shape") ?? c.fail("shape is missing")) : c.constInts(1, "the target shape");
  return [reshapeTo(c, target, c.node.getInt("allowzero", 0) === 0)];
};

function axesOf(c: LowerContext, inputIndex: number, sinceInput: number): number[] | undefined {
  if (c.opset < sinceInput) return c.node.getInts("axes");
  return c.node.inputs[inputIndex] ? c.constInts(inputIndex, "axes") : undefined;
}

const squeezeLike =
  (type: "Squeeze" | "Unsqueeze"): LoweringRule =>
  (c) => {
    const axes = axesOf(c, 1, 13);
    if (!axes) {
      if (type === "Unsqueeze") c.fail("axes are missing");
      return [c.one("Squeeze", 1, [c.input(0)])];
    }
    return [c.one(type, 1, [c.input(0), c.i64("axes", axes)])];
  };

/**
 * Reduce ops: `pre` transforms the input (x², exp x) and `post` the result (log) for the
 * ONNX reductions OpenVINO has no single op for.
 */
const reduce =
  (
    type: string,
    inputSince: number,
    version = 1,
    pre?: (c: LowerContext, x: Value) => Value,
    post?: (c: LowerContext, y: Value) => Value,
  ): LoweringRule =>
  (c) => {
    const rank = c.shape(0).length;
    const axes = axesOf(c, 1, inputSince) ?? Array.from({ length: rank }, (_, i) => i);
    if (axes.length === 0 && c.node.getInt("noop_with_empty_axes", 0) === 1) return [c.input(0)];
    const x = pre ? pre(c, c.input(0)) : c.input(0);
    const y = c.one(type, version, [x, c.i64("axes", axes.length ? axes : Array.from({ length: rank }, (_, i) => i))], {
      keep_dims: c.node.getInt("keepdims", 1) === 1,
    });
    return [post ? post(c, y) : y];
  };
const square = (c: LowerContext, x: Value) => combine(c, "Multiply", x, x);
const exp = (c: LowerContext, x: Value) => c.one("Exp", 1, [x]);
const log = (c: LowerContext, x: Value) => c.one("Log", 1, [x]);

const slice: LoweringRule = (c) => {
  const shape = c.source[0]?.shape ?? c.fail("input 0 has an unknown rank");
  const rank = shape.length;
  const starts = c.opset < 10 ? c.node.getInts("starts")! : c.constInts(1, "starts");
  const ends = c.opset < 10 ? c.node.getInts("ends")! : c.constInts(2, "ends");
  const axes = (c.opset < 10 ? c.node.getInts("axes") : c.node.inputs[3] ? c.constInts(3, "axes") : undefined) ?? starts.map((_, i) => i);
  const steps = c.opset >= 10 && c.node.inputs[4] ? c.constInts(4, "steps") : starts.map(() => 1);
  const begin = new Array<number>(rank).fill(0);
  const end = new Array<number>(rank).fill(0);
  const stride = new Array<number>(rank).fill(1);
  const beginMask = new Array<number>(rank).fill(1);
  const endMask = new Array<number>(rank).fill(1);
  // ONNX's "to the end" sentinels (±INT64_MAX) are clamped to a known dimension, or become
  // an end mask when the dimension is only known at run time (I32 could not hold them).
  const HUGE = 2 ** 31 - 1;
  axes.forEach((a, i) => {
    const axis = a < 0 ? a + rank : a;
    const size = shape[axis];
    const clamp = (v: number) => (typeof size === "number" ? Math.max(-size - 1, Math.min(size, v)) : Math.max(-HUGE, Math.min(HUGE, v)));
    begin[axis] = clamp(starts[i]!);
    end[axis] = clamp(ends[i]!);
    stride[axis] = steps[i]!;
    beginMask[axis] = 0;
    endMask[axis] = typeof size !== "number" && Math.abs(ends[i]!) >= HUGE ? 1 : 0;
  });
  return [
    c.one("StridedSlice", 1, [c.input(0), c.i64("begin", begin), c.i64("end", end), c.i64("stride", stride)], {
      begin_mask: beginMask,
      end_mask: endMask,
      new_axis_mask: [],
      shrink_axis_mask: [],
      ellipsis_mask: [],
    }),
  ];
};

const resize: LoweringRule = (c) => {
  const x = c.shape(0);
  const out = c.node.outputs[0]?.shape;
  const mode = c.node.getString("mode", "nearest");
  const upsample = c.node.opType === "Upsample";
  // Resize-10 and Upsample-9 read scales from input 1, Resize-11+ from input 2, Upsample-7 from an attribute.
  const scalesIdx = upsample || c.opset < 11 ? 1 : 2;
  const given = upsample && c.opset < 9 ? c.node.getFloats("scales") : c.constant(scalesIdx)?.toFloat32();
  // Resize-18 may list scales for some axes only; the others keep their size.
  const onAxes = c.opset >= 18 ? c.node.getInts("axes")?.map((a) => (a < 0 ? a + x.length : a)) : undefined;
  const scales = given && onAxes ? x.map((_, i) => (onAxes.includes(i) ? given[onAxes.indexOf(i)]! : 1)) : given;
  // Sizes computed at run time stay computed (fix folds them when the shapes are static).
  const computedSizes = !upsample && c.opset >= 11 && c.node.inputs[3] !== undefined && !c.constant(3);
  const sizes = !upsample && c.opset >= 11 && c.node.inputs[3] && !computedSizes ? c.constInts(3, "sizes") : undefined;
  const useSizes = computedSizes || (sizes !== undefined && sizes.length > 0);
  if (c.node.getInt("antialias", 0) === 1) c.fail("antialiasing is not supported");
  if (mode === "cubic" && c.node.getInt("exclude_outside", 0) === 1) c.fail("cubic exclude_outside=1 has no Interpolate-4 equivalent");
  const staticOut = out && out.every((d) => typeof d === "number") ? (out as number[]) : undefined;
  // Given sizes (possibly for some axes, possibly adjusted by keep_aspect_ratio_policy) are
  // resolved by shape inference: the static output shape is the full list of sizes.
  const targetSizes = computedSizes
    ? x
    : useSizes
      ? (staticOut ?? c.fail("the output shape is not static"))
      : (staticOut ?? (scales ? x.map((d, i) => Math.floor(d * scales[i]!)) : c.fail("output size unknown")));
  const scaleValues = useSizes
    ? targetSizes.map((d, i) => d / x[i]!)
    : scales && scales.length === x.length
      ? Array.from(scales)
      : c.fail("scales must be constant and cover every axis");
  const axes = x.map((_, i) => i);
  const attrs = {
    mode: mode === "linear" ? "linear_onnx" : mode,
    shape_calculation_mode: useSizes ? "sizes" : "scales",
    coordinate_transformation_mode: c.node.getString("coordinate_transformation_mode", c.opset < 11 ? "asymmetric" : "half_pixel"),
    nearest_mode: c.node.getString("nearest_mode", c.opset < 11 ? "floor" : "round_prefer_floor"),
    antialias: "false", // refused above when set
    pads_begin: x.map(() => 0),
    pads_end: x.map(() => 0),
    cube_coeff: String(c.node.getFloat("cubic_coeff_a", -0.75)),
  };
  const ctm = attrs.coordinate_transformation_mode;
  if (ctm === "tf_crop_and_resize" || ctm === "half_pixel_symmetric")
    c.fail(`coordinate_transformation_mode ${ctm} has no Interpolate-4 equivalent`);
  // ONNX's align_corners divides by the unrounded in·scale; Interpolate-4 by the output size.
  if (ctm === "align_corners" && !useSizes && scaleValues.some((f, i) => !Number.isInteger(f * x[i]!)))
    c.fail("align_corners with scales that give a fractional size has no Interpolate-4 equivalent (give sizes instead)");
  const sizesInput = computedSizes ? c.input(3) : c.i64("sizes", targetSizes);
  return [c.one("Interpolate", 4, [c.input(0), sizesInput, c.floats("scales", scaleValues, "float32"), c.i64("axes", axes)], attrs)];
};

/** Clip: Clamp for constant bounds; Maximum/Minimum for computed ones. */
const clip: LoweringRule = (c) => {
  const F32_MAX = 3.4028234663852886e38;
  if (c.opset < 11)
    return [c.one("Clamp", 1, [c.input(0)], { min: c.node.getFloat("min", -F32_MAX), max: c.node.getFloat("max", F32_MAX) })];
  const bound = (i: number) => (c.node.inputs[i] ? c.constant(i)?.toFloat32()[0] : undefined);
  const computed = [1, 2].some((i) => c.node.inputs[i] && !c.constant(i));
  if (!computed) return [c.one("Clamp", 1, [c.input(0)], { min: bound(1) ?? -F32_MAX, max: bound(2) ?? F32_MAX })];
  let y = c.input(0);
  if (c.node.inputs[1]) y = combine(c, "Maximum", y, c.input(1));
  if (c.node.inputs[2]) y = combine(c, "Minimum", y, c.input(2));
  return [y];
};

const hardSigmoid: LoweringRule = (c) => {
  const dtype = c.dtype(0);
  return [
    c.one("HardSigmoid", 1, [
      c.input(0),
      c.floats("alpha", [c.node.getFloat("alpha", 0.2)], dtype, []),
      c.floats("beta", [c.node.getFloat("beta", 0.5)], dtype, []),
    ]),
  ];
};

const pad: LoweringRule = (c) => {
  const rank = c.shape(0).length;
  let pads = c.opset < 11 ? (c.node.getInts("pads") ?? c.fail("pads are missing")) : c.constInts(1, "pads");
  if (c.opset >= 18 && c.node.inputs[3]) {
    // Pad-18 axes: pads list begins then ends for the given axes only.
    const axes = c.constInts(3, "axes").map((a) => (a < 0 ? a + rank : a));
    const full = new Array<number>(2 * rank).fill(0);
    axes.forEach((a, i) => {
      full[a] = pads[i]!;
      full[rank + a] = pads[axes.length + i]!;
    });
    pads = full;
  }
  const mode = c.node.getString("mode", "constant");
  if (mode === "wrap") c.fail("wrap padding has no OpenVINO equivalent");
  const inputs = [c.input(0), c.i64("pads_begin", pads.slice(0, rank)), c.i64("pads_end", pads.slice(rank))];
  if (mode === "constant") {
    const computed = c.opset >= 11 && c.node.inputs[2] !== undefined && !c.constant(2);
    // A computed pad value is passed on as a scalar (ONNX allows shape [] or [1]).
    if (computed) inputs.push(c.one("Reshape", 1, [c.input(2), c.i64("scalar", [], [0])], { special_zero: false }));
    else {
      const value = c.opset < 11 ? c.node.getFloat("value", 0) : c.node.inputs[2] ? (c.constant(2)!.toFloat32()[0] ?? 0) : 0;
      inputs.push(c.floats("pad_value", [value], c.dtype(0), []));
    }
  }
  return [c.one("Pad", 1, inputs, { pad_mode: mode })];
};

function convertTo(c: LowerContext, to: DTypeName): Value {
  const et = elementTypeOf(to) ?? c.fail(`${to} has no OpenVINO element type`);
  return c.one("Convert", 1, [c.input(0)], { destination_type: et });
}

const cast: LoweringRule = (c) => [convertTo(c, dtypeFromOnnx(c.node.getInt("to", 1)) ?? c.fail("unknown target type"))];

const split: LoweringRule = (c) => {
  const s = c.shape(0);
  const axis = (c.node.getInt("axis", 0) + s.length) % s.length;
  const n = c.node.outputs.length;
  const explicit = c.opset < 13 ? c.node.getInts("split") : c.node.inputs[1] ? c.constInts(1, "split") : undefined;
  const chunk = Math.ceil(s[axis]! / n);
  const lengths = explicit ?? Array.from({ length: n }, (_, k) => Math.max(0, Math.min(chunk, s[axis]! - k * chunk)));
  return c.op("VariadicSplit", 1, [c.input(0), c.i64("axis", [axis], []), c.i64("split_lengths", lengths)], {}, n);
};

const batchNorm: LoweringRule = (c) => {
  // Inference BatchNormalization as y = x·s + o, s = scale/sqrt(var + ε), o = bias − mean·s,
  // folded into per-channel constants when the parameters are constants.
  if (c.node.getInt("training_mode", 0) === 1) c.fail("training-mode BatchNormalization (batch statistics) is not supported");
  const eps = c.node.getFloat("epsilon", 1e-5);
  const rank = c.shape(0).length;
  const channels = c.shape(0)[1]!;
  const dims = [1, channels, ...new Array<number>(rank - 2).fill(1)];
  const dtype: DTypeName = c.dtype(0);
  const params = [1, 2, 3, 4].map((i) => c.constant(i)?.toFloat32());
  if (params.every((p) => p)) {
    const [scale, bias, mean, variance] = params as Float32Array[];
    const s = Array.from(scale!, (g, i) => g / Math.sqrt(variance![i]! + eps));
    const o = Array.from(bias!, (b, i) => b - mean![i]! * s[i]!);
    const y = combine(c, "Multiply", c.input(0), c.floats("scale", s, dtype, dims));
    return [combine(c, "Add", y, c.floats("shift", o, dtype, dims))];
  }
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => reshaped(c, i, dims, ["scale", "bias", "mean", "variance"][i - 1]!));
  const std = c.one("Sqrt", 1, [combine(c, "Add", variance!, c.floats("epsilon", [eps], dtype, []))]);
  const normalized = combine(c, "Divide", combine(c, "Subtract", c.input(0), mean!), std);
  return [combine(c, "Add", combine(c, "Multiply", normalized, scale!), bias!)];
};

const BASIC_LOWERING: Readonly<Record<string, LoweringRule>> = {
  Identity: (c) => [c.input(0)],
  Dropout: (c) => {
    // Inference Dropout passes its input through; training mode is random.
    const training = c.node.inputs[2] ? c.constant(2) : undefined;
    if (c.node.inputs[2] && (!training || training.bytes()[0] !== 0))
      c.fail("training-mode Dropout is random and has no inference equivalent");
    return [c.input(0)];
  },
  Relu: same("ReLU"),
  Sigmoid: same("Sigmoid"),
  Tanh: same("Tanh"),
  Exp: same("Exp"),
  Log: same("Log"),
  Sqrt: same("Sqrt"),
  Abs: same("Abs"),
  Neg: same("Negative"),
  Floor: same("Floor"),
  Ceil: same("Ceiling"),
  Erf: same("Erf"),
  Sin: same("Sin"),
  Cos: same("Cos"),
  Softplus: same("SoftPlus", 4),
  Not: same("LogicalNot"),
  HardSwish: same("HSwish", 4),
  Mish: same("Mish", 4),
  HardSigmoid: hardSigmoid,
  Add: binary("Add"),
  Sub: binary("Subtract"),
  Mul: binary("Multiply"),
  Div: binary("Divide"),
  Pow: binary("Power"),
  Equal: binary("Equal"),
  Less: binary("Less"),
  Greater: binary("Greater"),
  LessOrEqual: binary("LessEqual"),
  GreaterOrEqual: binary("GreaterEqual"),
  And: binary("LogicalAnd"),
  Or: binary("LogicalOr"),
  Where: (c) => [c.one("Select", 1, [c.input(0), c.input(1), c.input(2)], { auto_broadcast: "numpy" })],
  PRelu: (c) => {
    // ONNX broadcasts the slope numpy-style; OpenVINO's PRelu reads a 1-D slope per channel,
    // so a constant slope is reshaped to the input's rank to keep numpy semantics.
    const rank = c.shape(0).length;
    const slope = c.constant(1);
    if (!slope) return [c.one("PRelu", 1, [c.input(0), c.input(1)])];
    const dims = [...new Array<number>(Math.max(0, rank - slope.rank)).fill(1), ...slope.dims];
    return [c.one("PRelu", 1, [c.input(0), c.constTensor("slope", Tensor.fromBytes(slope.dtype, dims, slope.bytes()))])];
  },
  LeakyRelu: (c) => [c.one("PRelu", 1, [c.input(0), c.floats("slope", [c.node.getFloat("alpha", 0.01)], c.dtype(0), [1])])],
  Clip: clip,
  Conv: conv,
  MaxPool: pool("MaxPool"),
  AveragePool: pool("AvgPool"),
  GlobalAveragePool: globalPool("ReduceMean"),
  GlobalMaxPool: globalPool("ReduceMax"),
  Gemm: gemm,
  MatMul: (c) => [c.one("MatMul", 1, [c.input(0), c.input(1)], { transpose_a: false, transpose_b: false })],
  Flatten: flatten,
  Reshape: reshape,
  Squeeze: squeezeLike("Squeeze"),
  Unsqueeze: squeezeLike("Unsqueeze"),
  Transpose: (c) => [
    c.one("Transpose", 1, [c.input(0), c.i64("order", c.node.getInts("perm") ?? c.shape(0).map((_, i, a) => a.length - 1 - i))]),
  ],
  Concat: (c) => [
    c.one(
      "Concat",
      1,
      c.node.inputs.map((_, i) => c.input(i)),
      { axis: c.node.getInt("axis", 0) },
    ),
  ],
  Slice: slice,
  Gather: (c) => [c.one("Gather", 8, [c.input(0), c.input(1), c.i64("axis", [c.node.getInt("axis", 0)], [])], { batch_dims: 0 })],
  Resize: resize,
  Upsample: resize,
  ReduceMean: reduce("ReduceMean", 18),
  ReduceMax: reduce("ReduceMax", 18),
  ReduceMin: reduce("ReduceMin", 18),
  ReduceProd: reduce("ReduceProd", 18),
  ReduceSum: reduce("ReduceSum", 13),
  ReduceL1: reduce("ReduceL1", 18, 4),
  ReduceL2: reduce("ReduceL2", 18, 4),
  ReduceSumSquare: reduce("ReduceSum", 18, 1, square),
  ReduceLogSum: reduce("ReduceSum", 18, 1, undefined, log),
  ReduceLogSumExp: reduce("ReduceSum", 18, 1, exp, log),
  Pad: pad,
  Cast: cast,
  CastLike: (c) => [convertTo(c, c.dtype(1))],
  // Constant nodes are usually folded into initializers by fix; a stray one becomes a Const.
  Constant: (c) => [c.constTensor("value", ndToTensor(constantNodeValue(c.node) ?? c.fail("the value is missing or sparse")))],
  Split: split,
  BatchNormalization: batchNorm,
  Shape: (c) => {
    const shape = c.one("ShapeOf", 3, [c.input(0)], { output_type: "i64" });
    const start = c.node.getInt("start");
    const end = c.node.getInt("end");
    if (start === undefined && end === undefined) return [shape];
    // Shape-15 start/end: a slice of the full shape.
    const rank = c.shape(0).length;
    const clamp = (v: number) => Math.max(0, Math.min(rank, v < 0 ? v + rank : v));
    const b = clamp(start ?? 0);
    const e = Math.max(b, clamp(end ?? rank));
    return [
      c.one("StridedSlice", 1, [shape, c.i64("begin", [b]), c.i64("end", [e]), c.i64("stride", [1])], {
        begin_mask: [0],
        end_mask: [0],
        new_axis_mask: [],
        shrink_axis_mask: [],
        ellipsis_mask: [],
      }),
    ];
  },
};

/** Every ONNX op with a lowering rule, by type. */
export const ONNX_LOWERING: Readonly<Record<string, LoweringRule>> = {
  ...BASIC_LOWERING,
  ...MATH_LOWERING,
  ...INDEXING_LOWERING,
  ...NN_LOWERING,
  ...RECURRENT_LOWERING,
  ...QUANTIZATION_LOWERING,
};
