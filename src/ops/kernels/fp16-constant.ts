/**
 * Float16 constants as the interpreter hands them to kernels in an FP16 run. The weights of
 * an FP16 IR are float16 bits in its .bin; decoding them all to doubles up front makes a copy
 * four times their size (ResNet-18: 23 MB of bits, 93 MB of doubles), written once, read once
 * and dropped. Such a constant keeps its bits instead: `data` decodes them on first read, so
 * every kernel works as before, and the convolution reads the bits (fp16BitsOf) and decodes
 * them straight into the GEMM's memory.
 */
import { fp16ArrayToFloat64 } from "../../ir/numeric/float-bits.js";
import type { NdArray } from "../ndarray.js";

const bitsOf = new WeakMap<NdArray, Uint16Array>();

/** A float16 array of `dims` whose values are the float16 patterns `bits` (not copied). */
export function fp16Constant(dims: readonly number[], bits: Uint16Array): NdArray {
  let decoded: Float64Array | undefined;
  // An own, enumerable getter: a spread copy ({ ...a, dims }) reads it and gets the doubles.
  const a: NdArray = {
    dtype: "float16",
    dims,
    get data() {
      decoded ??= fp16ArrayToFloat64(bits);
      return decoded;
    },
  };
  bitsOf.set(a, bits);
  return a;
}

/** The float16 patterns of an array made by fp16Constant (whether or not decoded yet), else undefined. */
export function fp16BitsOf(a: NdArray): Uint16Array | undefined {
  return bitsOf.get(a);
}

/** Words per call of the scan below (a small function called per chunk is optimized soon). */
const SCAN_CHUNK = 8192;

/** Whether words [from, to) hold two finite float16 patterns each: no exponent field of all ones. */
function finiteWords(words: Uint32Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const w = ~words[i]!;
    if ((w & 0x7c00) === 0 || (w & 0x7c000000) === 0) return false;
  }
  return true;
}

/** No ±Inf or NaN among float16 patterns: their exponent field is never all ones. */
export function fp16AllFinite(bits: Uint16Array): boolean {
  let i = 0;
  // Two patterns per 32-bit word where the array is 4-byte aligned.
  if (bits.byteOffset % 4 === 0) {
    const words = new Uint32Array(bits.buffer, bits.byteOffset, bits.length >>> 1);
    for (let from = 0; from < words.length; from += SCAN_CHUNK)
      if (!finiteWords(words, from, Math.min(words.length, from + SCAN_CHUNK))) return false;
    i = words.length * 2;
  }
  for (; i < bits.length; i++) if ((bits[i]! & 0x7c00) === 0x7c00) return false;
  return true;
}
