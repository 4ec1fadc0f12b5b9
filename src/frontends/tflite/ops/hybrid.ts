/**
 * Dynamic-range ("hybrid") kernels: an op with int8 weights and a float input. TFLite does not
 * dequantize the weights: it quantizes the float input to int8 at run time, multiplies in
 * integers and scales the sums back (tensorflow/lite/kernels/conv.cc, depthwise_conv.cc,
 * fully_connected.cc; tensor_utils' SymmetricQuantizeFloats / AsymmetricQuantizeFloats). The
 * input's rounding to that int8 grid is part of what the model computes, so it is written here:
 *   symmetric:  range = max|x|, s = range/127 (1 when range is 0), q = round(x/s);
 *   asymmetric: rmin = min(x, 0), rmax = max(x, 0), s = (rmax − rmin)/255 (1 when equal),
 *               z = clamp(round(−128 − rmin/s), −128, 127), q = clamp(round(x/s + z), −128, 127);
 * and the op reads (q − z)·s. The weights are float constants (int8 values times their scales),
 * so the float sums equal TFLite's integer sums times scales up to float rounding.
 *
 * Which values share a scale (a "row") is what TFLite's default interpreter does, checked on
 * its outputs: FULLY_CONNECTED quantizes each row of its [rows, in] input, asymmetrically when
 * asymmetric_quantize_inputs is set (the converter sets it), else symmetrically; CONV_2D
 * quantizes each image asymmetrically, except a 1×1 stride-1 convolution, which the XNNPACK
 * delegate runs as a fully connected layer over pixels, quantizing each pixel's channels;
 * DEPTHWISE_CONV_2D quantizes each image asymmetrically. (TFLite's builtin conv kernel without
 * XNNPACK quantizes per image and symmetrically for per-tensor weights.)
 *
 * The rounding is one QuantizeLinear → DequantizeLinear pair of unit scale on u = x/s (+ z), so
 * exact mode keeps it as round/clamp arithmetic and `--dequantize` removes it like any
 * activation pair (then (u − z)·s folds back to x). ONNX rounds half to even and divides by s
 * where TFLite rounds half away from zero after multiplying by 1/s: they differ only for values
 * within a float ulp of a half step.
 */
import { attr } from "../../../ir/attribute.js";
import { Tensor } from "../../../ir/tensor.js";
import type { Value } from "../../../ir/value.js";
import type { OpContext } from "../context.js";
import { isQuantized } from "../tensors.js";

export type InputQuantization = "symmetric" | "asymmetric";

/** Whether input `weights` of the op is a constant int8 tensor read by a float op (a hybrid kernel). */
export function isHybrid(c: OpContext, weights: number): boolean {
  if (!c.has(weights) || c.tensor(0).type !== "FLOAT32") return false;
  const w = c.tensor(weights);
  return (w.type === "INT8" || w.type === "UINT8") && isQuantized(w) && c.constant(weights) !== undefined;
}

/**
 * x rounded to the int8 grid of TFLite's run-time input quantization, one scale per slice
 * over `axes` (the axes reduced together: all but the batch for one scale per image).
 */
export function quantizeAtRunTime(c: OpContext, x: Value, axes: readonly number[], mode: InputQuantization): Value {
  const reduce = (op: string, v: Value) => c.one(op, [v], { axes: attr.ints(axes), keepdims: attr.int(1) });
  const zero = c.scalar(0);
  const one = c.scalar(1);
  // A scale below FP16's smallest value would be 0 in an FP16 IR, and 0/0 is NaN: 2^-24 keeps it
  // positive. (It changes nothing TFLite computes above a range of 127·2^-24 ≈ 7.6e-6.)
  const positive = (v: Value) => c.one("Max", [v, c.scalar(2 ** -24)]);
  const unit = c.floats([1], []);
  const int8Zero = c.constantValue(Tensor.fromArray("int8", [], Int8Array.of(0)));
  const round = (u: Value) => c.one("DequantizeLinear", [c.one("QuantizeLinear", [u, unit, int8Zero]), unit, int8Zero]);
  if (mode === "symmetric") {
    const range = reduce("ReduceMax", c.one("Abs", [x]));
    const s = c.one("Where", [c.one("Equal", [range, zero]), one, positive(c.one("Div", [range, c.scalar(127)]))]);
    return c.one("Mul", [round(c.one("Div", [x, s])), s]);
  }
  const rmin = c.one("Min", [reduce("ReduceMin", x), zero]);
  const rmax = c.one("Max", [reduce("ReduceMax", x), zero]);
  const span = c.one("Sub", [rmax, rmin]);
  const s = c.one("Where", [c.one("Equal", [span, zero]), one, positive(c.one("Div", [span, c.scalar(255)]))]);
  // When rmin = rmax = 0 the zero point does not matter: x is 0 and stays 0.
  const z = c.one("Clip", [c.one("Round", [c.one("Sub", [c.scalar(-128), c.one("Div", [rmin, s])])]), c.scalar(-128), c.scalar(127)]);
  return c.one("Mul", [c.one("Sub", [round(c.one("Add", [c.one("Div", [x, s]), z])), z]), s]);
}

/** Ops whose int8 weights meet a float input but whose run-time input quantization is not written here. */
const HYBRID_IN_FLOAT: ReadonlySet<string> = new Set([
  "BATCH_MATMUL",
  "TRANSPOSE_CONV",
  "UNIDIRECTIONAL_SEQUENCE_LSTM",
  "BIDIRECTIONAL_SEQUENCE_LSTM",
  "UNIDIRECTIONAL_SEQUENCE_RNN",
  "BIDIRECTIONAL_SEQUENCE_RNN",
  "LSTM",
  "RNN",
  "SVDF",
]);

/**
 * The warning for a hybrid op computed with dequantized weights in float (its input is not
 * rounded to TFLite's run-time int8 grid), or undefined when the op is not one.
 */
export function floatHybridWarning(c: OpContext): string | undefined {
  const name = c.op.opcode.name;
  if (!HYBRID_IN_FLOAT.has(name) || !c.op.inputs.some((_, i) => i > 0 && isHybrid(c, i))) return undefined;
  return (
    `${name} with int8 weights and float inputs (a dynamic-range op) computes in float here with the weights dequantized; ` +
    "TFLite quantizes its inputs at run time, so outputs may differ slightly"
  );
}
