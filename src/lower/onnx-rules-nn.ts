/**
 * Lowering of ONNX normalization layers, ConvTranspose and LogSoftmax. The normalizations
 * become MVN-6 (which MYRIAD runs natively) followed by the affine Multiply/Add.
 */
import type { Value } from "../ir/value.js";
import type { LowerContext } from "./context.js";
import { combine, type LoweringRule, positiveAxis, reshaped } from "./rule-helpers.js";

function mvn(c: LowerContext, axes: number[], eps: number, inside: boolean): Value {
  return c.one("MVN", 6, [c.input(0), c.i64("axes", axes)], {
    normalize_variance: true,
    eps,
    eps_mode: inside ? "inside_sqrt" : "outside_sqrt",
  });
}

/** An ONNX op set before 13 applies (Log)Softmax to the input flattened to 2-D at `axis`. */
const softmaxLike =
  (type: "SoftMax" | "LogSoftmax", version: number): LoweringRule =>
  (c) => {
    const dims = c.shape(0);
    const rank = dims.length;
    const axis = positiveAxis(c.node.getInt("axis", c.opset < 13 ? 1 : -1), rank);
    if (c.opset >= 13 || axis === rank - 1) return [c.one(type, version, [c.input(0)], { axis })];
    const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
    const flat = c.one("Reshape", 1, [c.input(0), c.i64("shape", [outer, -1])], { special_zero: false });
    const y = c.one(type, version, [flat], { axis: 1 });
    return [c.one("Reshape", 1, [y, c.i64("shape", dims)], { special_zero: false })];
  };

/**
 * ConvTranspose → (Group)ConvolutionBackpropData with explicit pads. ONNX's output_shape and
 * SAME_* auto_pad fix the total padding; it is split as ONNX says (the odd one at the end for
 * SAME_UPPER, at the beginning otherwise), and an end pad below zero becomes output_padding.
 */
const convTranspose: LoweringRule = (c) => {
  const x = c.shape(0);
  const w = c.shape(1);
  const n = x.length - 2;
  const group = c.node.getInt("group", 1);
  const kernel = c.node.getInts("kernel_shape") ?? w.slice(2);
  const ones = new Array<number>(n).fill(1);
  const strides = c.node.getInts("strides") ?? ones;
  const dilations = c.node.getInts("dilations") ?? ones;
  const outputPadding = [...(c.node.getInts("output_padding") ?? new Array<number>(n).fill(0))];
  const autoPad = c.node.getString("auto_pad", "NOTSET");
  let outShape = c.node.getInts("output_shape");
  if (outShape && outShape.length === x.length) outShape = outShape.slice(2);
  if (!outShape && (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER")) outShape = x.slice(2).map((d, i) => d * strides[i]!);
  let begin: number[];
  let end: number[];
  if (outShape) {
    const total = x
      .slice(2)
      .map((d, i) => strides[i]! * (d - 1) + outputPadding[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - outShape![i]!);
    const half = total.map((t) => Math.floor(t / 2));
    begin = autoPad === "SAME_UPPER" ? half : total.map((t, i) => t - half[i]!);
    end = autoPad === "SAME_UPPER" ? total.map((t, i) => t - half[i]!) : half;
  } else if (autoPad === "VALID") {
    begin = new Array<number>(n).fill(0);
    end = new Array<number>(n).fill(0);
  } else {
    const pads = c.node.getInts("pads") ?? new Array<number>(2 * n).fill(0);
    begin = pads.slice(0, n);
    end = pads.slice(n);
  }
  end.forEach((e, i) => {
    if (e < 0) {
      outputPadding[i]! -= e;
      end[i] = 0;
    }
  });
  if (begin.some((b) => b < 0)) c.fail("the requested output_shape needs negative begin padding");
  const attrs = { strides, pads_begin: begin, pads_end: end, dilations, auto_pad: "explicit", output_padding: outputPadding };
  const cOut = w[1]! * group;
  const y =
    group === 1
      ? c.one("ConvolutionBackpropData", 1, [c.input(0), c.input(1)], attrs)
      : c.one(
          "GroupConvolutionBackpropData",
          1,
          [c.input(0), reshaped(c, 1, [group, w[0]! / group, w[1]!, ...w.slice(2)], "weights")],
          attrs,
        );
  if (!c.node.inputs[2]) return [y];
  return [combine(c, "Add", y, reshaped(c, 2, [1, cOut, ...new Array<number>(n).fill(1)], "bias"))];
};

/**
 * LpPool: (Σ|x|^p)^(1/p) over each window. The window sum is a depthwise convolution with
 * a kernel of ones, which pads with zeros and honours strides and dilations exactly.
 */
const lpPool: LoweringRule = (c) => {
  const x = c.shape(0);
  if (c.node.getInt("ceil_mode", 0) === 1) c.fail("ceil_mode is not supported");
  const p = c.node.getInt("p", 2);
  const kernel = c.node.getInts("kernel_shape") ?? c.fail("kernel_shape is missing");
  const n = x.length - 2;
  const pads = c.node.getInts("pads") ?? new Array<number>(2 * n).fill(0);
  const autoPad = c.node.getString("auto_pad", "NOTSET");
  const dtype = c.dtype(0);
  const ones = c.floats("ones", new Array<number>(x[1]! * kernel.reduce((a, b) => a * b, 1)).fill(1), dtype, [x[1]!, 1, 1, ...kernel]);
  const powered = combine(c, "Power", c.one("Abs", 1, [c.input(0)]), c.floats("p", [p], dtype, []));
  const sum = c.one("GroupConvolution", 1, [powered, ones], {
    strides: c.node.getInts("strides") ?? new Array<number>(n).fill(1),
    dilations: c.node.getInts("dilations") ?? new Array<number>(n).fill(1),
    pads_begin: pads.slice(0, n),
    pads_end: pads.slice(n),
    auto_pad:
      autoPad === "SAME_UPPER" ? "same_upper" : autoPad === "SAME_LOWER" ? "same_lower" : autoPad === "VALID" ? "valid" : "explicit",
  });
  return [combine(c, "Power", sum, c.floats("inverse_p", [1 / p], dtype, []))];
};

/**
 * GroupNormalization: MVN over each group of channels (x viewed as [N, G, −1]); the affine
 * is per group before op set 21 and per channel from 21 on.
 */
const groupNorm: LoweringRule = (c) => {
  const x = c.shape(0);
  const groups = c.node.getInt("num_groups") ?? c.fail("num_groups is missing");
  const grouped = c.one("Reshape", 1, [c.input(0), c.i64("groups", [x[0]!, groups, -1])], { special_zero: false });
  let y = c.one("MVN", 6, [grouped, c.i64("axes", [2])], {
    normalize_variance: true,
    eps: c.node.getFloat("epsilon", 1e-5),
    eps_mode: "inside_sqrt",
  });
  const perGroup = c.opset < 21;
  if (perGroup)
    y = combine(c, "Add", combine(c, "Multiply", y, reshaped(c, 1, [1, groups, 1], "scale")), reshaped(c, 2, [1, groups, 1], "bias"));
  y = c.one("Reshape", 1, [y, c.i64("shape", x)], { special_zero: false });
  if (perGroup) return [y];
  const perChannel = [1, x[1]!, ...x.slice(2).map(() => 1)];
  return [combine(c, "Add", combine(c, "Multiply", y, reshaped(c, 1, perChannel, "scale")), reshaped(c, 2, perChannel, "bias"))];
};

export const NN_LOWERING: Readonly<Record<string, LoweringRule>> = {
  LRN: (c) => {
    const attrs = {
      alpha: c.node.getFloat("alpha", 1e-4),
      beta: c.node.getFloat("beta", 0.75),
      bias: c.node.getFloat("bias", 1),
      size: c.node.getInt("size") ?? c.fail("size is missing"),
    };
    return [c.one("LRN", 1, [c.input(0), c.i64("axes", [1])], attrs)];
  },
  // ONNX's function: (X − E[X]) / (sqrt(Var[X]) + 1e-9).
  MeanVarianceNormalization: (c) => [
    mvn(
      c,
      (c.node.getInts("axes") ?? [0, 2, 3]).map((a) => positiveAxis(a, c.shape(0).length)),
      1e-9,
      false,
    ),
  ],
  InstanceNormalization: (c) => {
    const x = c.shape(0);
    const axes = x.slice(2).map((_, i) => i + 2);
    const perChannel = [1, x[1]!, ...axes.map(() => 1)];
    const y = mvn(c, axes, c.node.getFloat("epsilon", 1e-5), true);
    return [combine(c, "Add", combine(c, "Multiply", y, reshaped(c, 1, perChannel, "scale")), reshaped(c, 2, perChannel, "bias"))];
  },
  LayerNormalization: (c) => {
    const rank = c.shape(0).length;
    const axis = positiveAxis(c.node.getInt("axis", -1), rank);
    const axes = Array.from({ length: rank - axis }, (_, i) => axis + i);
    const eps = c.node.getFloat("epsilon", 1e-5);
    let y = combine(c, "Multiply", mvn(c, axes, eps, true), c.input(1));
    if (c.node.inputs[2]) y = combine(c, "Add", y, c.input(2));
    const used = (i: number) => Boolean(c.node.outputs[i]?.uses.length || c.node.outputs[i]?.isGraphOutput());
    if (!used(1) && !used(2)) return [y];
    // The training outputs: the mean and 1/sqrt(variance + ε) over the normalised axes.
    const mean = c.one("ReduceMean", 1, [c.input(0), c.i64("axes", axes)], { keep_dims: true });
    const d = combine(c, "Subtract", c.input(0), mean);
    const variance = c.one("ReduceMean", 1, [combine(c, "Multiply", d, d), c.i64("axes", axes)], { keep_dims: true });
    const std = c.one("Sqrt", 1, [combine(c, "Add", variance, c.floats("epsilon", [eps], c.dtype(0), []))]);
    return [y, mean, combine(c, "Divide", c.floats("one", [1], c.dtype(0), []), std)];
  },
  // y = x / sqrt(mean(x²) + ε) · scale over the axes from `axis` on.
  RMSNormalization: (c) => {
    const rank = c.shape(0).length;
    const axis = positiveAxis(c.node.getInt("axis", -1), rank);
    const axes = Array.from({ length: rank - axis }, (_, i) => axis + i);
    const x = c.input(0);
    const meanSquare = c.one("ReduceMean", 1, [combine(c, "Multiply", x, x), c.i64("axes", axes)], { keep_dims: true });
    const rms = c.one("Sqrt", 1, [combine(c, "Add", meanSquare, c.floats("epsilon", [c.node.getFloat("epsilon", 1e-5)], c.dtype(0), []))]);
    return [combine(c, "Multiply", combine(c, "Divide", x, rms), c.input(1))];
  },
  LpNormalization: (c) => {
    const axis = positiveAxis(c.node.getInt("axis", -1), c.shape(0).length);
    const p = c.node.getInt("p", 2);
    // A zero vector stays zero in ONNX: max(Σx², FLT_MIN) avoids 0/0 and changes nothing else.
    if (p === 2) return [c.one("NormalizeL2", 1, [c.input(0), c.i64("axes", [axis])], { eps: 1.1754943508222875e-38, eps_mode: "max" })];
    if (p !== 1) c.fail(`p=${p} is not supported`);
    return [combine(c, "Divide", c.input(0), c.one("ReduceL1", 4, [c.input(0), c.i64("axes", [axis])], { keep_dims: true }))];
  },
  ConvTranspose: convTranspose,
  LpPool: lpPool,
  GroupNormalization: groupNorm,
  Softmax: softmaxLike("SoftMax", 1),
  LogSoftmax: softmaxLike("LogSoftmax", 5),
};
