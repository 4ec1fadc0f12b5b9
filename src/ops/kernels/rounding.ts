/**
 * Rounding a kernel's double-precision results to the precision its output is stored in, as
 * whole-array passes: the interpreter rounds every op output once (float32, or float16 for
 * an FP16 run). Results equal Math.fround and f16round element by element; the float16 pass
 * keeps f16round's route (double → float32 → float16, each round-to-nearest-even).
 */
import { f16round } from "../../ir/numeric/float-bits.js";
import { simdGemm } from "./matmul-simd.js";

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
 * Rounds the first n float32 values of the scratch chunk to float16 in place (f16round per
 * element). Values in float16's normal range are rounded on their float32 bits: adding 0xfff
 * plus the kept mantissa's lowest bit carries into bit 13 exactly when round-to-nearest-even
 * rounds up, and a carry out of the mantissa moves the exponent up (to 2^16 = overflow →
 * ±Inf). Zeros pass through; subnormal results, Inf and NaN take f16round itself.
 */
function roundChunkToFloat16(n: number): void {
  for (let i = 0; i < n; i++) {
    const b = u32[i]!;
    const e = b & F32_EXP;
    if (e >= F16_MIN_NORMAL_BITS && e < F16_OVERFLOW_BITS) {
      let r = (b + 0xfff + ((b >>> 13) & 1)) & 0xffffe000;
      if ((r & F32_EXP) >= F16_OVERFLOW_BITS) r = (b & F32_SIGN) | F32_EXP;
      u32[i] = r >>> 0;
    } else if ((b & 0x7fffffff) !== 0) {
      // f16round rounds to float32 first, so the float32 value gives the same result.
      f32[i] = f16round(f32[i]!);
    }
  }
}

/** Rounds every element to float16 in place (f16round per element: double → float32 → float16). */
export function roundToFloat16(data: Float64Array): void {
  for (let start = 0; start < data.length; start += CHUNK) {
    const n = Math.min(CHUNK, data.length - start);
    const part = data.subarray(start, start + n);
    const view = n === CHUNK ? f32 : f32.subarray(0, n);
    view.set(part);
    roundChunkToFloat16(n);
    part.set(view);
  }
}

/** How a result is stored: rounded to float16 (an FP16 run), to float32, or kept as computed. */
export type ResultRounding = "float16" | "float32" | "none";

// The chunk steps below are small functions called once per chunk, rather than loops inline
// in one long call: V8 optimizes a function after a few calls, while a loop in a function
// called once runs unoptimized until on-stack replacement, a real cost for a single run.

/** Adds b to each of the first n float32 values of the chunk, each sum stored as float32. */
function addToChunk(b: number, n: number): void {
  for (let i = 0; i < n; i++) f32[i] = f32[i]! + b;
}

/**
 * max(v, 0) on the first n float32 values of the chunk, NaN → 0 (as ReLU's `v > 0 ? v : 0`),
 * on the bits and without branches (signs are data, so a branch would be mispredicted half of
 * the time): the pattern is cleared when its sign is set or it is a NaN (magnitude above Inf's).
 */
function reluChunk(n: number): void {
  for (let i = 0; i < n; i++) {
    const b = u32[i]! | 0;
    const clear = (b >> 31) | ((F32_EXP - (b & 0x7fffffff)) >> 31);
    u32[i] = (b & ~clear) >>> 0;
  }
}

/** The ReLU on doubles, for results that are not rounded. */
function reluDoubles(part: Float64Array): void {
  for (let i = 0; i < part.length; i++) {
    const v = part[i]!;
    part[i] = v > 0 ? v : 0;
  }
}

/** part[i] += b on doubles, for results that are not rounded. */
function addToDoubles(part: Float64Array, b: number): void {
  for (let i = 0; i < part.length; i++) part[i]! += b;
}

/**
 * A convolution result [N, C, plane] as the per-channel bias Add and the ReLU after it would
 * leave it, in place and in one pass: each element is rounded as the convolution's output is
 * stored, the channel's bias is added in double and the sum rounded the same way, then
 * max(·, 0) (NaN → 0) if `relu`. These are the operations, in the order, that storing the
 * convolution's output and running Add and ReLU on it perform, so the values are the same.
 */
export function biasAndActivation(
  data: Float64Array,
  channels: number,
  plane: number,
  bias: Float64Array,
  relu: boolean,
  rounding: ResultRounding,
): void {
  const images = data.length / (channels * plane);
  // The float16 step runs as the SIMD module's loop where there is one, on whole groups of 4.
  const simd = rounding === "float16" ? simdGemm() : null;
  const mem = simd?.doubles(plane * 8);
  const quads = mem ? plane - (plane % 4) : 0;
  for (let image = 0; image < images; image++)
    for (let c = 0; c < channels; c++) {
      const b = bias[c]!;
      const offset = (image * channels + c) * plane;
      if (simd && mem && quads > 0) {
        mem.set(data.subarray(offset, offset + quads));
        simd.biasRelu16(0, quads, b, relu ? 1 : 0);
        data.set(mem.subarray(0, quads), offset);
      }
      for (let start = quads; start < plane; start += CHUNK) {
        const count = Math.min(CHUNK, plane - start);
        const part = data.subarray(offset + start, offset + start + count);
        if (rounding === "none") {
          // Nothing is rounded: the doubles may not fit the float32 scratch.
          addToDoubles(part, b);
          if (relu) reluDoubles(part);
          continue;
        }
        const view = count === CHUNK ? f32 : f32.subarray(0, count);
        // The convolution's stored output, then the Add's: each a double rounded to float32
        // (the float32 store), then to float16 in an FP16 run.
        view.set(part);
        if (rounding === "float16") roundChunkToFloat16(count);
        addToChunk(b, count);
        if (rounding === "float16") roundChunkToFloat16(count);
        if (relu) reluChunk(count);
        part.set(view);
      }
    }
}
