/**
 * Convolutions and pooling. TFLite is NHWC with OHWI filters (depthwise: 1×H×W×(C·M); CONV_3D:
 * NDHWC data with DHWIO filters);
 * each op computes in NCHW between a Transpose in and a Transpose out, which the layout
 * pass cancels between neighbouring ops. TF SAME padding is asymmetric (the extra cell goes
 * after), computed here from the static input size; AVERAGE_POOL_2D averages valid cells only.
 * Also MediaPipe's custom convolution and pooling ops.
 */
import { type AttributeValue, attr } from "../../../ir/attribute.js";
import type { Value } from "../../../ir/value.js";
import type { OpContext, OpTranslator } from "../context.js";
import { PADDING_SAME } from "../options.js";
import { permuteTensor } from "../tensors.js";
import { CUSTOM_SAME, customInts, customPoolParams } from "./custom-options.js";
import { fusedActivation } from "./fused-activation.js";
import { isHybrid, quantizeAtRunTime } from "./hybrid.js";
import { samePadding, tfPads } from "./padding.js";

/** Weights input i with its axes permuted: a re-laid-out constant, or a Transpose of a computed value. */
export function permutedWeights(c: OpContext, i: number, perm: readonly number[]): Value {
  const t = c.constant(i);
  if (t) return c.constantValue(permuteTensor(t, perm), `${c.tensor(i).name}/${perm.join("")}`);
  return c.one("Transpose", [c.input(i)], { perm: attr.ints(perm) });
}

/** pads/auto_pad attributes for a 2-D window over an NHWC input of known H and W (else SAME_UPPER). */
function windowPads(
  c: OpContext,
  padding: number,
  kernel: number[],
  strides: number[],
  dilations: number[],
): Record<string, AttributeValue> {
  const s = c.shape(0);
  const pads = tfPads(padding, [s[1]!, s[2]!], kernel, strides, dilations);
  if (pads) return { pads: attr.ints([...pads.begin, ...pads.end]) };
  return { auto_pad: attr.string("SAME_UPPER") };
}

const strides = (c: OpContext) => [Number(c.opts.stride_h), Number(c.opts.stride_w)];
const dilations = (c: OpContext) => [Number(c.opts.dilation_h_factor), Number(c.opts.dilation_w_factor)];

/** CONV_2D: filters OHWI → OIHW; a filter with fewer input channels than the data is a grouped conv. */
const conv2d: OpTranslator = (c) => {
  const [, kh, kw, ci] = c.shape(1);
  const channels = c.shape(0)[3]!;
  if (channels < 0 || ci! <= 0 || channels % ci! !== 0) c.fail(`input channels ${channels} do not divide into filter channels ${ci}`);
  let x = c.toChannelsFirst(c.input(0));
  // Hybrid (see hybrid.ts): one scale per image, or per pixel for a 1×1 stride-1 convolution.
  const pointwise = kh === 1 && kw === 1 && strides(c).every((s) => s === 1);
  if (isHybrid(c, 1)) x = quantizeAtRunTime(c, x, pointwise ? [1] : [1, 2, 3], "asymmetric");
  const inputs = [x, permutedWeights(c, 1, [0, 3, 1, 2])];
  if (c.has(2)) inputs.push(c.input(2));
  const y = c.main("Conv", inputs, {
    kernel_shape: attr.ints([kh!, kw!]),
    strides: attr.ints(strides(c)),
    dilations: attr.ints(dilations(c)),
    group: attr.int(channels / ci!),
    ...windowPads(c, Number(c.opts.padding), [kh!, kw!], strides(c), dilations(c)),
  })[0]!;
  return [c.toChannelsLast(fusedActivation(c, y))];
};

/** CONV_3D: NDHWC data, filters D×H×W×I×O → O×I×D×H×W (an ONNX 3-D Conv); TF SAME padding per spatial axis. */
const conv3d: OpTranslator = (c) => {
  const [kd, kh, kw, ci] = c.shape(1);
  const channels = c.shape(0)[4]!;
  if (channels !== ci) c.fail(`input channels ${channels} differ from the filter's ${ci} (grouped 3-D convolution)`);
  const kernel = [kd!, kh!, kw!];
  const strides3 = [Number(c.opts.stride_d), Number(c.opts.stride_h), Number(c.opts.stride_w)];
  const dilations3 = [Number(c.opts.dilation_d_factor), Number(c.opts.dilation_h_factor), Number(c.opts.dilation_w_factor)];
  const spatial = c.shape(0).slice(1, 4);
  const same = Number(c.opts.padding) === PADDING_SAME;
  if (same && spatial.some((d) => d < 0)) c.fail("SAME padding needs the input's depth, height and width");
  const pads = spatial.map((d, i) => (same ? samePadding(d, kernel[i]!, strides3[i]!, dilations3[i]!) : [0, 0]));
  const inputs = [c.toChannelsFirst(c.input(0), 5), permutedWeights(c, 1, [4, 3, 0, 1, 2])];
  if (c.has(2)) inputs.push(c.input(2));
  const y = c.main("Conv", inputs, {
    kernel_shape: attr.ints(kernel),
    strides: attr.ints(strides3),
    dilations: attr.ints(dilations3),
    pads: attr.ints([...pads.map((p) => p[0]!), ...pads.map((p) => p[1]!)]),
  })[0]!;
  return [c.toChannelsLast(fusedActivation(c, y), 5)];
};

/** DEPTHWISE_CONV_2D: filters 1×H×W×(C·M) → (C·M)×1×H×W, one group per input channel (output channel c·M + m). */
const depthwise: OpTranslator = (c) => {
  const [, kh, kw, cm] = c.shape(1);
  const channels = c.shape(0)[3]!;
  if (channels <= 0 || cm! % channels !== 0) c.fail(`filter channels ${cm} are not a multiple of the input channels ${channels}`);
  let x = c.toChannelsFirst(c.input(0));
  // Hybrid depthwise has only the per-channel kernel: one asymmetric scale per image.
  if (isHybrid(c, 1)) x = quantizeAtRunTime(c, x, [1, 2, 3], "asymmetric");
  const inputs = [x, permutedWeights(c, 1, [3, 0, 1, 2])];
  if (c.has(2)) inputs.push(c.input(2));
  const y = c.main("Conv", inputs, {
    kernel_shape: attr.ints([kh!, kw!]),
    strides: attr.ints(strides(c)),
    dilations: attr.ints(dilations(c)),
    group: attr.int(channels),
    ...windowPads(c, Number(c.opts.padding), [kh!, kw!], strides(c), dilations(c)),
  })[0]!;
  return [c.toChannelsLast(fusedActivation(c, y))];
};

/**
 * A transposed convolution over NHWC data with OHWI weights, cropped to `outHW`: TF's padding
 * (begin) is given; the end is whatever makes the natural size stride·(in−1)+k match, extended
 * with output_padding when the requested output is larger.
 */
function transposedConv(
  c: OpContext,
  data: Value,
  weightsInput: number,
  bias: Value | undefined,
  inHW: number[],
  outHW: number[],
  padBegin: number[],
  stride: number[],
): Value {
  const [, kh, kw] = c.shape(weightsInput);
  const kernel = [kh!, kw!];
  const padEnd: number[] = [];
  const outputPadding: number[] = [];
  for (let a = 0; a < 2; a++) {
    const natural = stride[a]! * (inHW[a]! - 1) + kernel[a]!;
    const end = natural - padBegin[a]! - outHW[a]!;
    padEnd.push(Math.max(end, 0));
    outputPadding.push(Math.max(-end, 0));
  }
  const inputs = [c.toChannelsFirst(data), permutedWeights(c, weightsInput, [3, 0, 1, 2])];
  if (bias) inputs.push(bias);
  const attrs: Record<string, AttributeValue> = {
    kernel_shape: attr.ints(kernel),
    strides: attr.ints(stride),
    pads: attr.ints([...padBegin, ...padEnd]),
  };
  if (outputPadding.some((p) => p > 0)) attrs.output_padding = attr.ints(outputPadding);
  return c.main("ConvTranspose", inputs, attrs)[0]!;
}

/** TRANSPOSE_CONV (output_shape, weights, input[, bias]): padding as TFLite computes it from the output size. */
const transposeConv: OpTranslator = (c) => {
  // output_shape is often computed from the input's (dynamic) batch: H and W are what matter.
  const outShape = c.constant(0) ? c.constInts(0, "output_shape") : c.outShape(0);
  if (outShape[1]! < 0 || outShape[2]! < 0) c.fail("the output height and width must be known at conversion time");
  const inShape = c.shape(2);
  const [, kh, kw] = c.shape(1);
  const stride = strides(c);
  if (inShape[1]! < 0 || inShape[2]! < 0) c.fail("the input needs a static height and width");
  const padBegin = [0, 1].map((a) => {
    const size = outShape[a + 1]!;
    const k = [kh!, kw!][a]!;
    const s = stride[a]!;
    const out = Number(c.opts.padding) === PADDING_SAME ? Math.ceil(size / s) : Math.floor((size - k + s) / s);
    return Math.floor(Math.max((out - 1) * s + k - size, 0) / 2);
  });
  const y = transposedConv(
    c,
    c.input(2),
    1,
    c.has(3) ? c.input(3) : undefined,
    [inShape[1]!, inShape[2]!],
    [outShape[1]!, outShape[2]!],
    padBegin,
    stride,
  );
  return [c.toChannelsLast(fusedActivation(c, y))];
};

/**
 * MediaPipe's Convolution2DTransposeBias (input, OHWI weights, bias; struct {padding, stride_w,
 * stride_h}): out = stride·(in−1) + k − pad, with pad = max(0, k − (in−1) mod stride − 1) for
 * SAME and pad/2 before (mediapipe/util/tflite/operations/transpose_conv_bias.cc).
 */
const transposeConvBias: OpTranslator = (c) => {
  const [padding, strideW, strideH] = customInts(c, 3);
  const inShape = c.shape(0);
  const [, kh, kw] = c.shape(1);
  const stride = [strideH!, strideW!];
  const kernel = [kh!, kw!];
  const inHW = [inShape[1]!, inShape[2]!];
  if (inHW.some((d) => d < 0)) c.fail("the input needs a static shape");
  const total = [0, 1].map((a) => (padding === CUSTOM_SAME ? Math.max(0, kernel[a]! - ((inHW[a]! - 1) % stride[a]!) - 1) : 0));
  const outHW = [0, 1].map((a) => stride[a]! * (inHW[a]! - 1) + kernel[a]! - total[a]!);
  const y = transposedConv(
    c,
    c.input(0),
    1,
    c.input(2),
    inHW,
    outHW,
    total.map((t) => Math.floor(t / 2)),
    stride,
  );
  return [c.toChannelsLast(y)];
};

/** Pooling window attributes from Pool2DOptions. */
function poolAttrs(c: OpContext): Record<string, AttributeValue> {
  const kernel = [Number(c.opts.filter_height), Number(c.opts.filter_width)];
  return {
    kernel_shape: attr.ints(kernel),
    strides: attr.ints(strides(c)),
    ...windowPads(c, Number(c.opts.padding), kernel, strides(c), [1, 1]),
  };
}

const maxPool: OpTranslator = (c) => [
  c.toChannelsLast(fusedActivation(c, c.main("MaxPool", [c.toChannelsFirst(c.input(0))], poolAttrs(c))[0]!)),
];

/** AVERAGE_POOL_2D: padded cells are not counted (count_include_pad 0), as in TFLite. */
const avgPool: OpTranslator = (c) => {
  const y = c.main("AveragePool", [c.toChannelsFirst(c.input(0))], { ...poolAttrs(c), count_include_pad: attr.int(0) })[0]!;
  return [c.toChannelsLast(fusedActivation(c, y))];
};

/** L2_POOL_2D: sqrt of the mean of squares over the valid cells of each window. */
const l2Pool: OpTranslator = (c) => {
  const x = c.toChannelsFirst(c.input(0));
  const mean = c.main("AveragePool", [c.one("Mul", [x, x])], { ...poolAttrs(c), count_include_pad: attr.int(0) })[0]!;
  return [c.toChannelsLast(fusedActivation(c, c.one("Sqrt", [mean])))];
};

/*
 * MediaPipe's MaxPoolingWithArgmax2D and MaxUnpooling2D (mediapipe/util/tflite/operations;
 * the segmentation nets' encoder/decoder pair). Their parameters are TfLitePoolParams in
 * custom_options (custom-options.ts).
 *
 * MaxPoolingWithArgmax2D gives the max of each window (TF padding: cells outside the input
 * are skipped) and, as a float, the max's position inside its window plus 0.1:
 * index = dy·filter_w + dx + 0.1, the first maximum in row-major order winning ties. Written
 * for MYRIAD (whose MaxPool has no indices output): MaxPool for the values; for the index,
 * each window tap is a strided slice of the input padded with the lowest float, and the index
 * is the smallest tap number whose value equals the max.
 *
 * MaxUnpooling2D writes each value at its window position in a zero output of size
 * input·filter (padding from TFLite's ComputePadding, 0 when stride = filter): with
 * non-overlapping windows (stride = filter) that is one masked copy of the values per tap,
 * interleaved like DepthToSpace. Overlapping windows are refused.
 */
const LOWEST_FLOAT = -3.4028234663852886e38;

/** Pairwise chain (MYRIAD's Maximum/Minimum take two inputs). */
const chain = (c: OpContext, op: "Max" | "Min", values: readonly Value[]) =>
  values.slice(1).reduce((acc, v) => c.one(op, [acc, v]), values[0]!);

const maxPoolWithArgmax: OpTranslator = (c) => {
  const p = customPoolParams(c);
  const [, h, w] = c.shape(0);
  if (!(h! > 0 && w! > 0)) c.fail("the input needs a static height and width");
  const inHW = [h!, w!];
  const out = inHW.map((size, a) =>
    p.padding === CUSTOM_SAME ? Math.ceil(size / p.stride[a]!) : Math.floor((size - p.filter[a]! + p.stride[a]!) / p.stride[a]!),
  );
  if (out.some((o) => o <= 0)) c.fail(`the ${p.filter.join("×")} window does not fit the ${inHW.join("×")} input`);
  // TFLite's ComputePadding: the padding before; the window is clamped to the input after.
  const before = inHW.map((size, a) => Math.max(0, Math.floor(((out[a]! - 1) * p.stride[a]! + p.filter[a]! - size) / 2)));
  const after = inHW.map((size, a) => Math.max(0, (out[a]! - 1) * p.stride[a]! + p.filter[a]! - size - before[a]!));
  const x = c.toChannelsFirst(c.input(0));
  const max = c.main("MaxPool", [x], {
    kernel_shape: attr.ints(p.filter),
    strides: attr.ints(p.stride),
    pads: attr.ints([...before, ...after]),
  })[0]!;
  const padded = before.some((v) => v > 0) || after.some((v) => v > 0);
  const xp = padded ? c.one("Pad", [x, c.ints([0, 0, before[0]!, before[1]!, 0, 0, after[0]!, after[1]!]), c.scalar(LOWEST_FLOAT)]) : x;
  const taps = p.filter[0]! * p.filter[1]!;
  const candidates: Value[] = [];
  for (let k = 0; k < taps; k++) {
    const [dy, dx] = [Math.floor(k / p.filter[1]!), k % p.filter[1]!];
    const tap = c.one("Slice", [
      xp,
      c.ints([dy, dx]),
      c.ints([dy + (out[0]! - 1) * p.stride[0]! + 1, dx + (out[1]! - 1) * p.stride[1]! + 1]),
      c.ints([2, 3]),
      c.ints(p.stride),
    ]);
    candidates.push(c.one("Where", [c.one("Equal", [tap, max]), c.scalar(k), c.scalar(taps)]));
  }
  const index = c.one("Add", [chain(c, "Min", candidates), c.scalar(0.1)]);
  return [c.toChannelsLast(fusedActivation(c, max, p.activation)), c.toChannelsLast(index)];
};

const maxUnpooling: OpTranslator = (c) => {
  const p = customPoolParams(c);
  if (p.stride[0] !== p.filter[0] || p.stride[1] !== p.filter[1])
    c.fail(`overlapping windows (stride ${p.stride.join("×")} ≠ filter ${p.filter.join("×")}) are not supported; stride = filter is`);
  const [n, h, w, ch] = c.shape(0);
  if (![n, h, w, ch].every((d) => d! > 0)) c.fail("the input needs a static shape");
  const values = c.toChannelsFirst(c.input(0));
  // The index is read as an int (truncated): the window position.
  const index = c.one("Floor", [c.toChannelsFirst(c.input(1))]);
  const [fh, fw] = p.filter;
  const parts = Array.from({ length: fh! * fw! }, (_, k) => c.one("Where", [c.one("Equal", [index, c.scalar(k)]), values, c.scalar(0)]));
  const stacked = c.one("Concat", parts, { axis: attr.int(1) });
  let y: Value;
  if (fh === fw) y = c.main("DepthToSpace", [stacked], { blocksize: attr.int(fh!), mode: attr.string("DCR") })[0]!;
  else {
    // DepthToSpace's rearrangement with a rectangular block: channels (dy, dx, c) → rows dy, columns dx.
    const split = c.one("Reshape", [stacked, c.ints([n!, fh!, fw!, ch!, h!, w!])]);
    const moved = c.one("Transpose", [split], { perm: attr.ints([0, 3, 4, 1, 5, 2]) });
    y = c.main("Reshape", [moved, c.ints([n!, ch!, h! * fh!, w! * fw!])])[0]!;
  }
  return [c.toChannelsLast(y)];
};

export const CONV_POOL_OPS: Readonly<Record<string, OpTranslator>> = {
  CONV_2D: conv2d,
  CONV_3D: conv3d,
  DEPTHWISE_CONV_2D: depthwise,
  TRANSPOSE_CONV: transposeConv,
  AVERAGE_POOL_2D: avgPool,
  MAX_POOL_2D: maxPool,
  L2_POOL_2D: l2Pool,
  Convolution2DTransposeBias: transposeConvBias,
  MaxPoolingWithArgmax2D: maxPoolWithArgmax,
  MaxUnpooling2D: maxUnpooling,
};
