/**
 * float32 → float16 over whole arrays, and the FP16 range check of float32 data: single
 * loops over 32-bit patterns with the rounding spelled out inline (no per-element calls, no
 * float64 copies). They give exactly what float32ToFp16Bits gives element by element
 * (test/ir/numeric/fp16-arrays.test.ts checks every float16 value and a dense sample of
 * float32 patterns); that function stays the readable definition.
 */
import type { DeferredBytes } from "../../util/deferred-bytes.js";
import { forEachPayloadPart, type Tensor } from "../tensor.js";
import { forEachWordBlock } from "./aligned-words.js";

/**
 * float16 patterns of float32 patterns `src`, into `dst` from `dstOffset`: round to nearest
 * even, overflow to ±Inf, NaN kept quiet with its top payload bits.
 */
export function fp16BitsFromFloat32Bits(src: Uint32Array, dst: Uint16Array, dstOffset = 0): void {
  const n = src.length;
  for (let i = 0; i < n; i++) {
    const b = src[i]!;
    const sign = (b >>> 16) & 0x8000;
    const a = b & 0x7fffffff;
    let h: number;
    if (a < 0x38800000) {
      // Below 2^-14: a float16 subnormal, or zero below 2^-25 (exponent field < 102).
      if (a < 0x33000000) h = 0;
      else {
        const shift = 126 - (a >>> 23);
        const mant = (a & 0x7fffff) | 0x800000;
        const rem = mant & ((1 << shift) - 1);
        const half = 1 << (shift - 1);
        h = mant >>> shift;
        if (rem > half || (rem === half && (h & 1) === 1)) h++;
      }
    } else if (a < 0x47800000) {
      // Normal: re-bias the exponent (−112 << 23) and round on the 13 dropped bits; adding
      // 0xfff plus the kept lsb carries exactly when RNE rounds up (into the exponent too).
      h = (a - 0x37fff001 + ((a >>> 13) & 1)) >>> 13;
    } else if (a <= 0x7f800000) {
      h = 0x7c00;
    } else {
      h = 0x7e00 | ((a & 0x7fffff) >>> 13);
    }
    dst[dstOffset + i] = sign | h;
  }
}

/** float16 patterns of the float32 values stored little-endian in `bytes` (any alignment). */
export function fp16FromFloat32Bytes(bytes: Uint8Array, dst: Uint16Array = new Uint16Array(bytes.byteLength >>> 2)): Uint16Array {
  forEachWordBlock(bytes, (words, first) => fp16BitsFromFloat32Bits(words, dst, first));
  return dst;
}

/** What a float32 array loses in FP16. */
export interface Fp16Range {
  /** Finite values beyond ±65504 (they become ±Inf). */
  overflow: number;
  /** Non-zero values below 2^-25 in magnitude (they become 0). */
  underflow: number;
  /** The largest magnitude among the overflowing values (0 when none). */
  largest: number;
}

const FP16_MAX_BITS = 0x477fe000; // 65504
const HALF_MIN_SUBNORMAL_BITS = 0x33000000; // 2^-25
const INFINITY_BITS = 0x7f800000;
/** Magnitudes FP16 holds (2^-25 ≤ |x| ≤ 65504) are those whose bits minus 2^-25's are at most this, unsigned. */
const IN_RANGE_SPAN = FP16_MAX_BITS - HALF_MIN_SUBNORMAL_BITS;

/** Counts the float32 values stored little-endian in `bytes` (any alignment) that FP16 cannot hold. */
export function fp16RangeOfFloat32Bytes(bytes: Uint8Array): Fp16Range {
  let overflow = 0;
  let underflow = 0;
  let largestBits = 0;
  forEachWordBlock(bytes, (words) => {
    for (let i = 0; i < words.length; i++) {
      // Magnitudes compare as their bit patterns. Nearly every weight is in range: one unsigned
      // comparison settles those; zero, Inf and NaN (above Inf) fall in neither range below.
      const a = words[i]! & 0x7fffffff;
      if ((a - HALF_MIN_SUBNORMAL_BITS) >>> 0 <= IN_RANGE_SPAN) continue;
      if (a > FP16_MAX_BITS) {
        if (a < INFINITY_BITS) {
          overflow++;
          if (a > largestBits) largestBits = a;
        }
      } else if (a !== 0) underflow++;
    }
  });
  return { overflow, underflow, largest: new Float32Array(new Uint32Array([largestBits]).buffer)[0]! };
}

/**
 * Ranges of float32 bytes already counted, by the buffer they view and their place in it: lint
 * parses one file's bytes more than once (the model as given, then fixed), and the weights of
 * both parses are views on the same bytes, which nothing writes to. Weights still in the model
 * file are counted once per payload (both parses share it).
 */
const countedRanges = new WeakMap<ArrayBufferLike, Map<string, Fp16Range>>();
const countedPayloads = new WeakMap<DeferredBytes, Fp16Range>();

/** Weights still in the model file are counted through this buffer, a part at a time. */
let partScratch: Uint8Array | undefined;

/** The FP16 range check of a float tensor, read from its stored bytes (float64 is rounded to float32 first). */
export function fp16RangeOf(t: Tensor): Fp16Range {
  const deferred = t.deferred;
  if (t.dtype === "float32" && deferred && !deferred.loaded) {
    const known = countedPayloads.get(deferred);
    if (known) return known;
    const range: Fp16Range = { overflow: 0, underflow: 0, largest: 0 };
    partScratch ??= new Uint8Array(1 << 20);
    forEachPayloadPart(t, partScratch, (part) => {
      const r = fp16RangeOfFloat32Bytes(part);
      range.overflow += r.overflow;
      range.underflow += r.underflow;
      range.largest = Math.max(range.largest, r.largest);
    });
    countedPayloads.set(deferred, range);
    return range;
  }
  if (t.dtype === "float32") {
    const bytes = t.bytes();
    const counted = countedRanges.get(bytes.buffer) ?? new Map<string, Fp16Range>();
    countedRanges.set(bytes.buffer, counted);
    const key = `${bytes.byteOffset}:${bytes.byteLength}`;
    const range = counted.get(key) ?? fp16RangeOfFloat32Bytes(bytes);
    counted.set(key, range);
    return range;
  }
  const f = t.toFloat32();
  return fp16RangeOfFloat32Bytes(new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
}
