/**
 * QUANTIZE / DEQUANTIZE in the QDQ form: translators work on real values and the driver
 * quantizes results whose tensors are quantized, so both are the identity on real values
 * here. DEQUANTIZE of a constant (float16 or int8 weights, the MediaPipe pattern) and
 * DENSIFY of a sparse constant are done at conversion time: no runtime op remains.
 * FAKE_QUANT rounds to the nudged grid of TF's FakeQuantWithMinMaxArgs.
 */
import { Tensor } from "../../../ir/tensor.js";
import type { OpTranslator } from "../context.js";

const dequantize: OpTranslator = (c) => {
  const t = c.constant(0);
  if (t) return [c.constantValue(t.dtype === "float32" ? t : Tensor.fromArray("float32", t.dims, t.toFloat32()), c.outTensor(0).name)];
  const x = c.input(0);
  return [c.tensor(0).type === "FLOAT16" ? c.cast(x, "float32") : x];
};

const densify: OpTranslator = (c) => {
  const t = c.constant(0) ?? c.fail("DENSIFY of a value computed at run time");
  return [c.constantValue(t, c.outTensor(0).name)];
};

const fakeQuant: OpTranslator = (c) => {
  const bits = Number(c.opts.num_bits);
  if (bits < 2 || bits > 8) c.fail(`num_bits ${bits} is outside 2–8`);
  const qmin = c.opts.narrow_range ? 1 : 0;
  const qmax = 2 ** bits - 1;
  const [min, max] = [Number(c.opts.min), Number(c.opts.max)];
  const scale = (max - min) / (qmax - qmin);
  const zeroPoint = Math.min(qmax, Math.max(qmin, Math.round(qmin - min / scale)));
  const s = c.floats([scale], []);
  const zp = c.constantValue(Tensor.fromArray("uint8", [], Uint8Array.of(zeroPoint)));
  let q = c.main("QuantizeLinear", [c.input(0), s, zp])[0]!;
  if (qmin > 0) q = c.one("Max", [q, c.constantValue(Tensor.fromArray("uint8", [], Uint8Array.of(qmin)))]);
  return [c.one("DequantizeLinear", [q, s, zp])];
};

export const QUANTIZATION_OPS: Readonly<Record<string, OpTranslator>> = {
  QUANTIZE: (c) => [c.input(0)],
  DEQUANTIZE: dequantize,
  DENSIFY: densify,
  FAKE_QUANT: fakeQuant,
};
