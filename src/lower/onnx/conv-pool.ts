/**
 * Lowering of ONNX convolution and pooling: Conv → Convolution or GroupConvolution,
 * ConvTranspose → (Group)ConvolutionBackpropData, MaxPool/AveragePool → MaxPool-1/AvgPool-1
 * (MaxPool-8 when dilations or indices are needed), LpPool as a depthwise convolution, and
 * the global pools as reductions.
 */
import type { LowerContext } from "../context.js";
import { combine, type LoweringRule, reshaped } from "../rule-helpers.js";

/** The window attributes Convolution, GroupConvolution and the pools share. */
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
  const dtype = c.dtype(0);
  const ones = c.floats("ones", new Array<number>(x[1]! * kernel.reduce((a, b) => a * b, 1)).fill(1), dtype, [x[1]!, 1, 1, ...kernel]);
  const powered = combine(c, "Power", c.one("Abs", 1, [c.input(0)]), c.floats("p", [p], dtype, []));
  const sum = c.one("GroupConvolution", 1, [powered, ones], {
    ...spatialAttrs(c, x.length),
    dilations: c.node.getInts("dilations") ?? new Array<number>(n).fill(1),
  });
  return [combine(c, "Power", sum, c.floats("inverse_p", [1 / p], dtype, []))];
};

export const CONV_POOL_LOWERING: Readonly<Record<string, LoweringRule>> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool("MaxPool"),
  AveragePool: pool("AvgPool"),
  LpPool: lpPool,
  GlobalAveragePool: globalPool("ReduceMean"),
  GlobalMaxPool: globalPool("ReduceMax"),
};
