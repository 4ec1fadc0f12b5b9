/**
 * Rounding a kernel's double-precision results to the precision its output is stored in, as
 * whole-array passes: the interpreter rounds every op output once (float32, or float16 for
 * an FP16 run). Results equal Math.fround and f16round element by element; the float16 pass
 * keeps f16round's route (double → float32 → float16, each round-to-nearest-even).
 */
import { f16round } from "../../ir/numeric/float-bits.js";

/** Scratch for one chunk: the float32 view does the double → float32 step natively. */
const CHUNK = 4096;
const f32 = new Float32Array(CHUNK);
const u32 = new Uint32Array(f32.buffer);

/** Rounds every element to float32 in place (Math.fround per element). */
export function roundToFloat32(data: Float64Array): void {
  for (let start = 0; start < data.length; start += CHUNK) {
    const part = data.subarray(start, Math.min(data.length, start + CHUNK));
    const view = part.length === CHUNK ? f32 : f32.subarray(0, part.length);
    view.set(part);
    part.set(view);
  }
}

/** float32 bit patterns of the float16 range boundaries. */
const F16_MIN_NORMAL_BITS = 0x38800000; // 2^-14
const F16_OVERFLOW_BITS = 0x47800000; // 2^16: the float16 exponent has run out
const F32_EXP = 0x7f800000;
const F32_SIGN = 0x80000000;

/**
 * Rounds every element to float16 in place (f16round per element). Values in float16's
 * normal range are rounded on their float32 bits: adding 0xfff plus the kept mantissa's
 * lowest bit carries into bit 13 exactly when round-to-nearest-even rounds up, and a carry
 * out of the mantissa moves the exponent up (to 2^16 = overflow → ±Inf). Zeros pass
 * through; subnormal results, Inf and NaN take f16round itself.
 */
export function roundToFloat16(data: Float64Array): void {
  for (let start = 0; start < data.length; start += CHUNK) {
    const n = Math.min(CHUNK, data.length - start);
    const part = data.subarray(start, start + n);
    const view = n === CHUNK ? f32 : f32.subarray(0, n);
    view.set(part);
    for (let i = 0; i < n; i++) {
      const b = u32[i]!;
      const e = b & F32_EXP;
      if (e >= F16_MIN_NORMAL_BITS && e < F16_OVERFLOW_BITS) {
        let r = (b + 0xfff + ((b >>> 13) & 1)) & 0xffffe000;
        if ((r & F32_EXP) >= F16_OVERFLOW_BITS) r = (b & F32_SIGN) | F32_EXP;
        u32[i] = r >>> 0;
      } else if ((b & ~F32_SIGN) !== 0) {
        f32[i] = f16round(part[i]!);
      }
    }
    part.set(view);
  }
}
