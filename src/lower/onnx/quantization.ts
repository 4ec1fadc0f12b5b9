/**
 * ONNX QuantizeLinear/DequantizeLinear as plain arithmetic, which MYRIAD runs (its
 * FakeQuantize does not exist on the device): y = (x − zero_point)·scale, and
 * q = saturate(round_half_even(x / scale) + zero_point). Per-tensor and per-axis scales;
 * blocked quantization and 8-bit float types are refused.
 */
import type { DTypeName } from "../../ir/dtype.js";
import { dtypeFromOnnx } from "../../ir/dtype.js";
import type { Value } from "../../ir/value.js";
import { normalizeAxis } from "../../ops/onnx/op-def.js";
import type { LowerContext } from "../context.js";
import { combine, type LoweringRule, reshaped } from "../rule-helpers.js";

const INTEGER_RANGE: Partial<Record<DTypeName, [number, number]>> = {
  uint8: [0, 255],
  int8: [-128, 127],
  uint16: [0, 65535],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};

/** Scale or zero point (input i) shaped to broadcast against the data: per-axis 1-D values go on `axis`. */
function aligned(c: LowerContext, i: number): Value {
  const s = c.shape(i);
  if (s.length === 0 || (s.length === 1 && s[0] === 1)) return c.input(i);
  if (c.node.getInt("block_size", 0) > 0 || s.length > 1) c.fail("blocked quantization is not supported");
  const rank = c.shape(0).length;
  const axis = normalizeAxis(c.node.getInt("axis", 1), rank);
  return reshaped(
    c,
    i,
    Array.from({ length: rank }, (_, k) => (k === axis ? s[0]! : 1)),
    i === 1 ? "scale" : "zero_point",
  );
}

const dequantize: LoweringRule = (c) => {
  const from = c.dtype(0);
  if (!INTEGER_RANGE[from]) c.fail(`${from} data is not supported`);
  const floatType = c.dtype(1);
  let x = c.convert(c.input(0), floatType);
  if (c.node.inputs[2]) x = combine(c, "Subtract", x, c.convert(aligned(c, 2), floatType));
  return [combine(c, "Multiply", x, aligned(c, 1))];
};

const quantize: LoweringRule = (c) => {
  const declared = c.node.getInt("output_dtype", 0);
  const to: DTypeName = declared ? (dtypeFromOnnx(declared) ?? c.fail("unknown output_dtype")) : c.node.inputs[2] ? c.dtype(2) : "uint8";
  const range = INTEGER_RANGE[to] ?? c.fail(`${to} output is not supported`);
  const floatType = c.dtype(0);
  let q = c.one("Round", 5, [combine(c, "Divide", c.input(0), aligned(c, 1))], { mode: "half_to_even" });
  if (c.node.inputs[2]) q = combine(c, "Add", q, c.convert(aligned(c, 2), floatType));
  const clamped = c.one("Clamp", 1, [q], { min: range[0], max: range[1] });
  return [c.convert(clamped, to)];
};

export const QUANTIZATION_LOWERING: Readonly<Record<string, LoweringRule>> = { QuantizeLinear: quantize, DequantizeLinear: dequantize };
