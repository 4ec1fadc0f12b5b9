/**
 * Bit-level conversions for the narrow float and integer types ONNX and OpenVINO store:
 * float16, bfloat16, the five 8-bit float formats, float4 (e2m1), and packed 4-/2-bit
 * integers. Node 20 has no Float16Array, and these must be exact, so they are written out
 * here: allocation-free scalar functions plus typed-array loops.
 *
 * Rounding is round-to-nearest-even everywhere, matching IEEE 754 and ONNX `Cast`. Inputs
 * given as JS numbers are first rounded to float32 (these types are always produced from
 * float32 data in this compiler).
 */

import { fp16BitsFromFloat32Bits } from "./fp16-arrays.js";

// One shared scratch word: lets us read and write float32 bit patterns without allocation.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

// --- float16 ------------------------------------------------------------------------------

export function fp16BitsToFloat32(bits: number): number {
  const sign = (bits & 0x8000) << 16;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) {
    // Zero or subnormal: mant × 2^-24, exact in float32.
    const v = mant * 2 ** -24;
    return sign ? -v : v;
  }
  if (exp === 0x1f) {
    u32[0] = (sign | 0x7f800000 | (mant << 13)) >>> 0;
    return f32[0]!;
  }
  u32[0] = (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  return f32[0]!;
}

export function float32ToFp16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) {
    // Inf stays Inf; NaN keeps its top payload bits and is made quiet.
    return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
  }
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Result is subnormal (or zero): shift the mantissa, with its implicit bit, into place.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    if (rem > half || (rem === half && (r & 1) === 1)) r++;
    return sign | r;
  }
  let r = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to Inf).
  if (rem > 0x1000 || (rem === 0x1000 && (r & 1) === 1)) r++;
  return sign | r;
}

export function f16round(x: number): number {
  return fp16BitsToFloat32(float32ToFp16Bits(x));
}

let fp16Table: Float32Array | undefined;

/**
 * All 65,536 float16 values, built once: array conversion becomes a table lookup. The entries
 * are made from the bit patterns in one loop, as fp16BitsToFloat32 makes them (normal values
 * re-bias the exponent, Inf keeps its pattern, subnormals are m·2^-24): 65,536 calls of it cost
 * a run ~15 ms before V8 optimizes them.
 */
function fp16ToFloat32Table(): Float32Array {
  if (!fp16Table) {
    const table = new Float32Array(65536);
    const bits = new Uint32Array(table.buffer);
    for (let h = 0; h < 65536; h++) {
      const sign = (h & 0x8000) << 16;
      const exp = h & 0x7c00;
      const mant = h & 0x3ff;
      if (exp === 0) table[h] = sign ? -(mant * 2 ** -24) : mant * 2 ** -24;
      // A NaN goes through a JavaScript number as before (which may quieten it), so the table's bits stay what they were.
      else if (exp === 0x7c00 && mant !== 0) table[h] = fp16BitsToFloat32(h);
      else bits[h] = (sign | (exp === 0x7c00 ? 0x7f800000 : (exp + 0x1c000) << 13) | (mant << 13)) >>> 0;
    }
    fp16Table = table;
  }
  return fp16Table;
}

export function fp16ArrayToFloat32(src: Uint16Array, dst: Float32Array = new Float32Array(src.length)): Float32Array {
  const table = fp16ToFloat32Table();
  for (let i = 0; i < src.length; i++) dst[i] = table[src[i]!]!;
  return dst;
}

let fp16DoubleTable: Float64Array | undefined;

/** Below this many elements, values are decoded one by one until the table exists. */
const SMALL_FP16_ARRAY = 4096;
/** Elements per call of the decoding loop below. */
const DECODE_CHUNK = 8192;

function decodeFp16Chunk(table: Float64Array, src: Uint16Array, from: number, to: number, dst: Float64Array, shift: number): void {
  for (let i = from; i < to; i++) dst[shift + i] = table[src[i]!]!;
}

/**
 * float16 values as doubles into `dst` from `dstOffset` (the kernels compute in double):
 * one lookup per element in a table of all 65,536 values, widened once from the float32 one.
 * The loop is a function called per chunk, so that V8 optimizes it within the first large
 * array (a run decodes each weight tensor once, so there is no second pass to be fast on).
 */
export function fp16ArrayToFloat64(src: Uint16Array, dst: Float64Array = new Float64Array(src.length), dstOffset = 0): Float64Array {
  // A few values (a bias, a scalar) are not worth building the table for.
  if (!fp16DoubleTable && src.length < SMALL_FP16_ARRAY) {
    for (let i = 0; i < src.length; i++) dst[dstOffset + i] = fp16BitsToFloat32(src[i]!);
    return dst;
  }
  fp16DoubleTable ??= Float64Array.from(fp16ToFloat32Table());
  for (let from = 0; from < src.length; from += DECODE_CHUNK)
    decodeFp16Chunk(fp16DoubleTable, src, from, Math.min(src.length, from + DECODE_CHUNK), dst, dstOffset);
  return dst;
}

export function float32ArrayToFp16(src: ArrayLike<number>, dst: Uint16Array = new Uint16Array(src.length)): Uint16Array {
  // A Float32Array is converted from its bit patterns in one loop (fp16-arrays.ts).
  if (src instanceof Float32Array) {
    fp16BitsFromFloat32Bits(new Uint32Array(src.buffer, src.byteOffset, src.length), dst);
    return dst;
  }
  for (let i = 0; i < src.length; i++) dst[i] = float32ToFp16Bits(src[i]!);
  return dst;
}

// --- bfloat16 -----------------------------------------------------------------------------

export function bf16BitsToFloat32(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0]!;
}

export function float32ToBf16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0) return ((b >>> 16) | 0x40) & 0xffff;
  const lsb = (b >>> 16) & 1;
  return ((b + 0x7fff + lsb) >>> 16) & 0xffff;
}

export function bf16ArrayToFloat32(src: Uint16Array, dst: Float32Array = new Float32Array(src.length)): Float32Array {
  const out = new Uint32Array(dst.buffer, dst.byteOffset, dst.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i]! << 16;
  return dst;
}

export function float32ArrayToBf16(src: ArrayLike<number>, dst: Uint16Array = new Uint16Array(src.length)): Uint16Array {
  for (let i = 0; i < src.length; i++) dst[i] = float32ToBf16Bits(src[i]!);
  return dst;
}

// --- 8-bit and 4-bit floats -----------------------------------------------------------------

export type Fp8Format = "float8e4m3fn" | "float8e4m3fnuz" | "float8e5m2" | "float8e5m2fnuz" | "float8e8m0";

/**
 * The small-float formats as data: exponent/mantissa widths, bias, and how each spends its
 * special codes ("fn": no infinities, NaN is all-ones; "fnuz": no infinities, no -0, NaN is
 * the would-be -0 code).
 */
interface MiniFloat {
  readonly expBits: number;
  readonly mantBits: number;
  readonly bias: number;
  readonly special: "ieee" | "fn" | "fnuz" | "none";
  /** Largest finite value. */
  readonly max: number;
}

const MINIFLOATS: Record<Exclude<Fp8Format, "float8e8m0"> | "float4e2m1", MiniFloat> = {
  float8e4m3fn: { expBits: 4, mantBits: 3, bias: 7, special: "fn", max: 448 },
  float8e4m3fnuz: { expBits: 4, mantBits: 3, bias: 8, special: "fnuz", max: 240 },
  float8e5m2: { expBits: 5, mantBits: 2, bias: 15, special: "ieee", max: 57344 },
  float8e5m2fnuz: { expBits: 5, mantBits: 2, bias: 16, special: "fnuz", max: 57344 },
  float4e2m1: { expBits: 2, mantBits: 1, bias: 1, special: "none", max: 6 },
};

function decodeMini(bits: number, f: MiniFloat): number {
  const total = 1 + f.expBits + f.mantBits;
  const signMask = 1 << (total - 1);
  const expMax = (1 << f.expBits) - 1;
  const mantMask = (1 << f.mantBits) - 1;
  bits &= (1 << total) - 1;
  if (f.special === "fnuz" && bits === signMask) return NaN;
  const neg = (bits & signMask) !== 0;
  const exp = (bits >>> f.mantBits) & expMax;
  const mant = bits & mantMask;
  if (f.special === "fn" && exp === expMax && mant === mantMask) return NaN;
  if (f.special === "ieee" && exp === expMax) return mant === 0 ? (neg ? -Infinity : Infinity) : NaN;
  const v = exp === 0 ? mant * 2 ** (1 - f.bias - f.mantBits) : (1 + mant / (1 << f.mantBits)) * 2 ** (exp - f.bias);
  return neg ? -v : v;
}

function roundHalfEven(v: number): number {
  const fl = Math.floor(v);
  const d = v - fl;
  if (d > 0.5) return fl + 1;
  if (d < 0.5) return fl;
  return fl % 2 === 0 ? fl : fl + 1;
}

/** Exponent e with 2^e ≤ a < 2^(e+1), for finite a > 0. */
function floorLog2(a: number): number {
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return e;
}

/** Code for |a| (finite, rounded RNE onto the format's grid, unbounded above). */
function magnitudeCode(a: number, f: MiniFloat): { code: number; value: number } {
  const minExp = 1 - f.bias;
  const one = 1 << f.mantBits;
  if (a < 2 ** minExp) {
    const q = roundHalfEven(a / 2 ** (minExp - f.mantBits));
    // q === one is the smallest normal number, and its code is exactly `one`.
    return { code: q, value: q * 2 ** (minExp - f.mantBits) };
  }
  let e = floorLog2(a);
  let q = roundHalfEven(a / 2 ** (e - f.mantBits));
  if (q === 2 * one) {
    e++;
    q = one;
  }
  return { code: ((e + f.bias) << f.mantBits) | (q - one), value: q * 2 ** (e - f.mantBits) };
}

/**
 * float32 → small float with ONNX Cast semantics (checked against ONNX's reference outputs
 * in the backend tests). With `saturate` (Cast's default) values beyond the largest finite
 * one, ±Inf included, become ±max; without it they become ±Inf where the format has
 * infinities (e5m2), else NaN. float4 always saturates.
 */
function encodeMini(x: number, f: MiniFloat, saturate: boolean): number {
  const total = 1 + f.expBits + f.mantBits;
  const signMask = 1 << (total - 1);
  const expMax = (1 << f.expBits) - 1;
  const _mantMask = (1 << f.mantBits) - 1;
  // NaN codes as ONNX's reference writes them: always the positive quiet pattern; float4
  // has no NaN and the reference stores 0b1000.
  const nanCode =
    f.special === "fnuz"
      ? signMask
      : f.special === "ieee"
        ? (expMax << f.mantBits) | (1 << (f.mantBits - 1))
        : f.special === "fn"
          ? (1 << (total - 1)) - 1
          : signMask;
  const maxCode = magnitudeCode(f.max, f).code;
  f32[0] = x;
  x = f32[0]!;
  if (Number.isNaN(x)) return nanCode;
  const neg = x < 0 || Object.is(x, -0);
  const sign = neg ? signMask : 0;
  const a = Math.abs(x);
  const overflow = (): number => {
    if (saturate || f.special === "none") return sign | maxCode;
    if (f.special === "ieee") return sign | (expMax << f.mantBits);
    // fn formats: the reference keeps the sign on an overflow NaN; fnuz has a single NaN.
    return f.special === "fn" ? sign | nanCode : nanCode;
  };
  // ±Inf follows the overflow rule: ±max when saturating, else Inf or NaN.
  if (a === Infinity) return overflow();
  const { code, value } = magnitudeCode(a, f);
  if (value > f.max) return overflow();
  // fnuz has no -0: the would-be -0 code is NaN.
  if (code === 0 && f.special === "fnuz") return 0;
  return sign | code;
}

export function fp8BitsToFloat32(bits: number, format: Fp8Format): number {
  if (format === "float8e8m0") {
    bits &= 0xff;
    return bits === 0xff ? NaN : 2 ** (bits - 127);
  }
  return decodeMini(bits, MINIFLOATS[format]);
}

export type E8M0Rounding = "up" | "down" | "nearest";

/**
 * float32 → 8-bit float. `saturate` applies to the four e/m formats; float8e8m0 (a pure
 * power of two, no sign, no zero) instead takes a rounding mode, as ONNX Cast-24's
 * `round_mode` does (default "up").
 */
export function float32ToFp8Bits(x: number, format: Fp8Format, saturate = true, rounding: E8M0Rounding = "up"): number {
  if (format === "float8e8m0") return float32ToE8m0Bits(x, saturate, rounding);
  return encodeMini(x, MINIFLOATS[format], saturate);
}

function float32ToE8m0Bits(x: number, saturate: boolean, rounding: E8M0Rounding): number {
  f32[0] = x;
  const b = u32[0]!;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) {
    if (mant !== 0) return 0xff;
    return saturate ? 0xfe : 0xff;
  }
  // The result is the float32 exponent field itself, adjusted by rounding the mantissa.
  let e = exp;
  if (rounding === "up" && mant !== 0) e++;
  else if (rounding === "nearest" && (mant > 0x400000 || (mant === 0x400000 && (e & 1) === 1))) e++;
  if (e >= 0xff) return saturate ? 0xfe : 0xff;
  return e;
}

export function fp4e2m1BitsToFloat32(nibble: number): number {
  return decodeMini(nibble & 0xf, MINIFLOATS.float4e2m1);
}

export function float32ToFp4e2m1Bits(x: number): number {
  return encodeMini(x, MINIFLOATS.float4e2m1, true);
}

// --- packed sub-byte values (low bits first, as ONNX stores them) ------------------------

export function unpackInt4(src: Uint8Array, count: number, signed: boolean, dst?: Int8Array | Uint8Array): Int8Array | Uint8Array {
  const out = dst ?? (signed ? new Int8Array(count) : new Uint8Array(count));
  for (let i = 0; i < count; i++) {
    const nibble = (src[i >> 1]! >> ((i & 1) * 4)) & 0xf;
    out[i] = signed && nibble >= 8 ? nibble - 16 : nibble;
  }
  return out;
}

export function packInt4(values: ArrayLike<number>, signed: boolean): Uint8Array {
  const out = new Uint8Array((values.length + 1) >> 1);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (signed ? v < -8 || v > 7 : v < 0 || v > 15) throw new RangeError(`${v} does not fit in ${signed ? "int4" : "uint4"}`);
    out[i >> 1]! |= (v & 0xf) << ((i & 1) * 4);
  }
  return out;
}

export function unpackInt2(src: Uint8Array, count: number, signed: boolean, dst?: Int8Array | Uint8Array): Int8Array | Uint8Array {
  const out = dst ?? (signed ? new Int8Array(count) : new Uint8Array(count));
  for (let i = 0; i < count; i++) {
    const crumb = (src[i >> 2]! >> ((i & 3) * 2)) & 0x3;
    out[i] = signed && crumb >= 2 ? crumb - 4 : crumb;
  }
  return out;
}

export function packInt2(values: ArrayLike<number>, signed: boolean): Uint8Array {
  const out = new Uint8Array((values.length + 3) >> 2);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (signed ? v < -2 || v > 1 : v < 0 || v > 3) throw new RangeError(`${v} does not fit in ${signed ? "int2" : "uint2"}`);
    out[i >> 2]! |= (v & 0x3) << ((i & 3) * 2);
  }
  return out;
}

export function unpackFp4(src: Uint8Array, count: number, dst: Float32Array = new Float32Array(count)): Float32Array {
  for (let i = 0; i < count; i++) dst[i] = fp4e2m1BitsToFloat32((src[i >> 1]! >> ((i & 1) * 4)) & 0xf);
  return dst;
}

export function packFp4(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array((values.length + 1) >> 1);
  for (let i = 0; i < values.length; i++) out[i >> 1]! |= float32ToFp4e2m1Bits(values[i]!) << ((i & 1) * 4);
  return out;
}
