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
import { elementTypeOf } from "../ops/openvino/element-types.js";
import type { LowerContext } from "./context.js";

export type LoweringRule = (c: LowerContext) => (Value | undefined)[];

const same = (type: string, version = 1): LoweringRule => (c) => [c.one(type, version, [c.input(0)])];
const binary = (type: string): LoweringRule => (c) => [c.one(type, 1, [c.input(0), c.input(1)], { auto_broadcast: "numpy" })];

function spatialAttrs(c: LowerContext, rank: number): Record<string, string | number[]> {
  const n = rank - 2;
  const pads = c.node.getInts("pads") ?? new Array<number>(2 * n).fill(0);
  const autoPad = c.node.getString("auto_pad", "NOTSET");
  return {
    strides: c.node.getInts("strides") ?? new Array<number>(n).fill(1),
    pads_begin: pads.slice(0, n),
    pads_end: pads.slice(n),
    auto_pad: autoPad === "SAME_UPPER" ? "same_upper" : autoPad === "SAME_LOWER" ? "same_lower" : autoPad === "VALID" ? "valid" : "explicit",
  };
}

/** Conv → Convolution or GroupConvolution (weights reshaped to [G, O/G, C/G, k…]), plus bias. */
const conv: LoweringRule = (c) => {
  const x = c.shape(0);
  const w = c.constant(1) ?? c.fail("the weights must be a constant");
  const group = c.node.getInt("group", 1);
  const n = x.length - 2;
  const attrs = { ...spatialAttrs(c, x.length), dilations: c.node.getInts("dilations") ?? new Array<number>(n).fill(1) };
  let y: Value;
  if (group === 1) y = c.one("Convolution", 1, [c.input(0), c.input(1)], attrs);
  else {
    const dims = [group, w.dims[0]! / group, ...w.dims.slice(1)];
    const grouped = c.constTensor("weights", Tensor.fromBytes(w.dtype, dims, w.bytes()));
    y = c.one("GroupConvolution", 1, [c.input(0), grouped], attrs);
  }
  const b = c.constant(2);
  if (c.node.inputs[2]) {
    if (!b) c.fail("a computed bias is not supported");
    const bias = c.constTensor("bias", Tensor.fromBytes(b!.dtype, [1, b!.size, ...new Array<number>(n).fill(1)], b!.bytes()));
    y = c.one("Add", 1, [y, bias], { auto_broadcast: "numpy" });
  }
  return [y];
};

const pool = (kind: "MaxPool" | "AvgPool"): LoweringRule => (c) => {
  const x = c.shape(0);
  if ((c.node.getInts("dilations") ?? []).some((d) => d !== 1)) c.fail("dilated pooling is not supported");
  if (kind === "MaxPool" && c.node.outputs[1]?.uses.length) c.fail("the indices output is not supported");
  const attrs: Record<string, string | number[]> = {
    ...spatialAttrs(c, x.length),
    kernel: c.node.getInts("kernel_shape") ?? c.fail("kernel_shape is missing"),
    rounding_type: c.node.getInt("ceil_mode", 0) === 1 ? "ceil" : "floor",
  };
  if (kind === "AvgPool") attrs["exclude-pad"] = c.node.getInt("count_include_pad", 0) === 1 ? "false" : "true";
  return [c.one(kind, 1, [c.input(0)], attrs)];
};

const globalPool = (reduce: string): LoweringRule => (c) => {
  const rank = c.shape(0).length;
  const axes = Array.from({ length: rank - 2 }, (_, i) => i + 2);
  return [c.one(reduce, 1, [c.input(0), c.i64("axes", axes)], { keep_dims: "true" })];
};

const gemm: LoweringRule = (c) => {
  const alpha = c.node.getFloat("alpha", 1);
  const beta = c.node.getFloat("beta", 1);
  let y = c.one("MatMul", 1, [c.input(0), c.input(1)], { transpose_a: c.node.getInt("transA", 0) === 1, transpose_b: c.node.getInt("transB", 0) === 1 });
  const dtype = c.dtype(0);
  if (alpha !== 1) y = c.one("Multiply", 1, [y, c.floats("alpha", [alpha], dtype, [])], { auto_broadcast: "numpy" });
  if (c.node.inputs[2]) {
    let bias = c.input(2);
    if (beta !== 1) bias = c.one("Multiply", 1, [bias, c.floats("beta", [beta], dtype, [])], { auto_broadcast: "numpy" });
    y = c.one("Add", 1, [y, bias], { auto_broadcast: "numpy" });
  }
  return [y];
};

const reshapeTo = (c: LowerContext, dims: readonly number[], specialZero: boolean): Value => c.one("Reshape", 1, [c.input(0), c.i64("shape", dims)], { special_zero: specialZero });

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

const squeezeLike = (type: "Squeeze" | "Unsqueeze"): LoweringRule => (c) => {
  const axes = axesOf(c, 1, 13);
  if (!axes) {
    if (type === "Unsqueeze") c.fail("axes are missing");
    return [c.one("Squeeze", 1, [c.input(0)])];
  }
  return [c.one(type, 1, [c.input(0), c.i64("axes", axes)])];
};

const reduce = (type: string, inputSince: number): LoweringRule => (c) => {
  const rank = c.shape(0).length;
  const axes = axesOf(c, 1, inputSince) ?? Array.from({ length: rank }, (_, i) => i);
  if (axes.length === 0 && c.node.getInt("noop_with_empty_axes", 0) === 1) return [c.input(0)];
  return [c.one(type, 1, [c.input(0), c.i64("axes", axes.length ? axes : Array.from({ length: rank }, (_, i) => i))], { keep_dims: c.node.getInt("keepdims", 1) === 1 })];
};

const slice: LoweringRule = (c) => {
  const dims = c.shape(0);
  const rank = dims.length;
  const starts = c.opset < 10 ? c.node.getInts("starts")! : c.constInts(1, "starts");
  const ends = c.opset < 10 ? c.node.getInts("ends")! : c.constInts(2, "ends");
  const axes = (c.opset < 10 ? c.node.getInts("axes") : c.node.inputs[3] ? c.constInts(3, "axes") : undefined) ?? starts.map((_, i) => i);
  const steps = c.opset >= 10 && c.node.inputs[4] ? c.constInts(4, "steps") : starts.map(() => 1);
  const begin = new Array<number>(rank).fill(0);
  const end = new Array<number>(rank).fill(0);
  const stride = new Array<number>(rank).fill(1);
  const beginMask = new Array<number>(rank).fill(1);
  const endMask = new Array<number>(rank).fill(1);
  axes.forEach((a, i) => {
    const axis = a < 0 ? a + rank : a;
    const size = dims[axis]!;
    // Clamp ONNX's "to the end" sentinels (INT64_MAX) to the dimension.
    const clamp = (v: number) => Math.max(-size - 1, Math.min(size, v));
    begin[axis] = clamp(starts[i]!);
    end[axis] = clamp(ends[i]!);
    stride[axis] = steps[i]!;
    beginMask[axis] = 0;
    endMask[axis] = 0;
  });
  return [c.one("StridedSlice", 1, [c.input(0), c.i64("begin", begin), c.i64("end", end), c.i64("stride", stride)], { begin_mask: beginMask, end_mask: endMask, new_axis_mask: [], shrink_axis_mask: [], ellipsis_mask: [] })];
};

const resize: LoweringRule = (c) => {
  const x = c.shape(0);
  const out = c.node.outputs[0]?.shape;
  const mode = c.node.getString("mode", "nearest");
  const scalesIdx = c.node.opType === "Upsample" ? 1 : 2;
  const scales = c.constant(scalesIdx)?.toFloat32();
  const sizes = c.node.opType === "Resize" && c.node.inputs[3] ? c.constInts(3, "sizes") : undefined;
  const useSizes = sizes !== undefined && sizes.length > 0;
  if (c.node.getInt("antialias", 0) === 1) c.fail("antialiasing is not supported");
  const staticOut = out && out.every((d) => typeof d === "number") ? (out as number[]) : undefined;
  // Given sizes (possibly for some axes, possibly adjusted by keep_aspect_ratio_policy) are
  // resolved by shape inference: the static output shape is the full list of sizes.
  const targetSizes = useSizes ? (staticOut ?? c.fail("the output shape is not static")) : staticOut ?? (scales ? x.map((d, i) => Math.floor(d * scales[i]!)) : c.fail("output size unknown"));
  const scaleValues = useSizes ? targetSizes.map((d, i) => d / x[i]!) : scales && scales.length === x.length ? Array.from(scales) : c.fail("scales must be constant and cover every axis");
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
  if (attrs.coordinate_transformation_mode === "tf_crop_and_resize") c.fail("tf_crop_and_resize is not supported");
  return [c.one("Interpolate", 4, [c.input(0), c.i64("sizes", targetSizes), c.floats("scales", scaleValues, "float32"), c.i64("axes", axes)], attrs)];
};

const softmax: LoweringRule = (c) => {
  const rank = c.shape(0).length;
  const axis = c.node.getInt("axis", c.opset < 13 ? 1 : -1);
  const a = axis < 0 ? axis + rank : axis;
  if (c.opset < 13 && a !== rank - 1) c.fail("Softmax before op set 13 over more than the last axis (convert the model to op set 13 with fix --opset 13)");
  return [c.one("SoftMax", 1, [c.input(0)], { axis: a })];
};

const clip: LoweringRule = (c) => {
  const lo = c.opset < 11 ? c.node.getFloat("min", -3.4028234663852886e38) : c.node.inputs[1] ? (c.constant(1) ?? c.fail("min must be a constant")).toFloat32()[0]! : -3.4028234663852886e38;
  const hi = c.opset < 11 ? c.node.getFloat("max", 3.4028234663852886e38) : c.node.inputs[2] ? (c.constant(2) ?? c.fail("max must be a constant")).toFloat32()[0]! : 3.4028234663852886e38;
  return [c.one("Clamp", 1, [c.input(0)], { min: lo, max: hi })];
};

const hardSigmoid: LoweringRule = (c) => {
  const dtype = c.dtype(0);
  return [c.one("HardSigmoid", 1, [c.input(0), c.floats("alpha", [c.node.getFloat("alpha", 0.2)], dtype, []), c.floats("beta", [c.node.getFloat("beta", 0.5)], dtype, [])])];
};

const pad: LoweringRule = (c) => {
  const rank = c.shape(0).length;
  const pads = c.opset < 11 ? (c.node.getInts("pads") ?? c.fail("pads are missing")) : c.constInts(1, "pads");
  if (c.opset >= 18 && c.node.inputs[3]) c.fail("Pad axes are not supported (run fix --opset 13 first)");
  const mode = c.node.getString("mode", "constant");
  if (mode === "wrap") c.fail("wrap padding has no OpenVINO equivalent");
  const value = c.opset < 11 ? c.node.getFloat("value", 0) : c.node.inputs[2] ? (c.constant(2) ?? c.fail("the pad value must be a constant")).toFloat32()[0] ?? 0 : 0;
  const inputs = [c.input(0), c.i64("pads_begin", pads.slice(0, rank)), c.i64("pads_end", pads.slice(rank))];
  if (mode === "constant") inputs.push(c.floats("pad_value", [value], c.dtype(0), []));
  return [c.one("Pad", 1, inputs, { pad_mode: mode })];
};

const cast: LoweringRule = (c) => {
  const to = dtypeFromOnnx(c.node.getInt("to", 1)) ?? c.fail("unknown target type");
  const et = elementTypeOf(to) ?? c.fail(`${to} has no OpenVINO element type`);
  return [c.one("Convert", 1, [c.input(0)], { destination_type: et })];
};

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
  // Inference BatchNormalization as y = x·s + o with per-channel constants.
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => c.constant(i)?.toFloat32() ?? c.fail("its parameters must be constants"));
  const eps = c.node.getFloat("epsilon", 1e-5);
  const rank = c.shape(0).length;
  const s = Array.from(scale!, (g, i) => g / Math.sqrt(variance![i]! + eps));
  const o = Array.from(bias!, (b, i) => b - mean![i]! * s[i]!);
  const dims = [1, s.length, ...new Array<number>(rank - 2).fill(1)];
  const dtype: DTypeName = c.dtype(0);
  const y = c.one("Multiply", 1, [c.input(0), c.floats("scale", s, dtype, dims)], { auto_broadcast: "numpy" });
  return [c.one("Add", 1, [y, c.floats("shift", o, dtype, dims)], { auto_broadcast: "numpy" })];
};

export const ONNX_LOWERING: Readonly<Record<string, LoweringRule>> = {
  Identity: (c) => [c.input(0)],
  Dropout: (c) => {
    // Inference Dropout passes its input through; training mode is random.
    const training = c.node.inputs[2] ? c.constant(2) : undefined;
    if (c.node.inputs[2] && (!training || training.bytes()[0] !== 0)) c.fail("training-mode Dropout is random and has no inference equivalent");
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
  Max: (c) => (c.node.inputs.length === 2 ? binary("Maximum")(c) : c.fail("Max of more than two inputs is not supported")),
  Min: (c) => (c.node.inputs.length === 2 ? binary("Minimum")(c) : c.fail("Min of more than two inputs is not supported")),
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
  Transpose: (c) => [c.one("Transpose", 1, [c.input(0), c.i64("order", c.node.getInts("perm") ?? c.shape(0).map((_, i, a) => a.length - 1 - i))])],
  Concat: (c) => [c.one("Concat", 1, c.node.inputs.map((_, i) => c.input(i)), { axis: c.node.getInt("axis", 0) })],
  Slice: slice,
  Gather: (c) => [c.one("Gather", 8, [c.input(0), c.input(1), c.i64("axis", [c.node.getInt("axis", 0)], [])], { batch_dims: 0 })],
  Resize: resize,
  Upsample: resize,
  Softmax: softmax,
  ReduceMean: reduce("ReduceMean", 18),
  ReduceMax: reduce("ReduceMax", 18),
  ReduceMin: reduce("ReduceMin", 18),
  ReduceProd: reduce("ReduceProd", 18),
  ReduceSum: reduce("ReduceSum", 13),
  Pad: pad,
  Cast: cast,
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
    return [c.one("StridedSlice", 1, [shape, c.i64("begin", [b]), c.i64("end", [e]), c.i64("stride", [1])], { begin_mask: [0], end_mask: [0], new_axis_mask: [], shrink_axis_mask: [], ellipsis_mask: [] })];
  },
};
