/** Exhaustive and hand-checked tests of the narrow-type bit conversions. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bf16BitsToFloat32,
  type Fp8Format,
  f16round,
  float32ToBf16Bits,
  float32ToFp4e2m1Bits,
  float32ToFp8Bits,
  float32ToFp16Bits,
  fp4e2m1BitsToFloat32,
  fp8BitsToFloat32,
  fp16ArrayToFloat32,
  fp16BitsToFloat32,
  packFp4,
  packInt2,
  packInt4,
  unpackFp4,
  unpackInt2,
  unpackInt4,
} from "../../../src/ir/numeric/float-bits.js";

const isNaNBits16 = (b: number) => (b & 0x7c00) === 0x7c00 && (b & 0x3ff) !== 0;

describe("float16", () => {
  it("round-trips all 65,536 bit patterns (NaNs to a NaN)", () => {
    for (let b = 0; b < 65536; b++) {
      const back = float32ToFp16Bits(fp16BitsToFloat32(b));
      if (isNaNBits16(b)) expect(isNaNBits16(back)).toBe(true);
      else if (back !== b) throw new Error(`0x${b.toString(16)} came back as 0x${back.toString(16)}`);
    }
  });

  it("knows the landmark values", () => {
    expect(fp16BitsToFloat32(0x3c00)).toBe(1);
    expect(fp16BitsToFloat32(0x7bff)).toBe(65504);
    expect(fp16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(fp16BitsToFloat32(0x0400)).toBe(2 ** -14);
    expect(fp16BitsToFloat32(0xc000)).toBe(-2);
    expect(Object.is(fp16BitsToFloat32(0x8000), -0)).toBe(true);
    expect(fp16BitsToFloat32(0x7c00)).toBe(Infinity);
    expect(float32ToFp16Bits(65519)).toBe(0x7bff); // just below the rounding midpoint
    expect(float32ToFp16Bits(65520)).toBe(0x7c00); // the midpoint rounds to even: Inf
    expect(float32ToFp16Bits(2 ** -25)).toBe(0); // tie between 0 and 2^-24 → even (0)
    expect(float32ToFp16Bits(3 * 2 ** -25)).toBe(2); // tie between 1 and 2 ulps → even (2)
    expect(float32ToFp16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even mantissa
    expect(float32ToFp16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(float32ToFp16Bits(-0)).toBe(0x8000);
    expect(isNaNBits16(float32ToFp16Bits(NaN))).toBe(true);
    expect(f16round(0.1)).toBe(0.0999755859375);
  });

  it("converts to the nearest float16 (fast-check against neighbours)", () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, min: -65504, max: 65504 }), (x) => {
        const b = float32ToFp16Bits(x);
        const v = fp16BitsToFloat32(b);
        const err = Math.abs(v - x);
        for (const n of [b - 1, b + 1]) {
          if (n < 0 || n > 0xffff || isNaNBits16(n) || (n & 0x7c00) === 0x7c00) continue;
          expect(Math.abs(fp16BitsToFloat32(n) - x)).toBeGreaterThanOrEqual(err);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("array conversion matches the scalar one", () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const arr = fp16ArrayToFloat32(all);
    for (let i = 0; i < 65536; i += 97)
      expect(Object.is(arr[i], Math.fround(fp16BitsToFloat32(i))) || (Number.isNaN(arr[i]!) && isNaNBits16(i))).toBe(true);
  });
});

describe("bfloat16", () => {
  it("round-trips all 65,536 bit patterns", () => {
    for (let b = 0; b < 65536; b++) {
      const back = float32ToBf16Bits(bf16BitsToFloat32(b));
      const nan = (b & 0x7f80) === 0x7f80 && (b & 0x7f) !== 0;
      if (nan) expect((back & 0x7f80) === 0x7f80 && (back & 0x7f) !== 0).toBe(true);
      else if (back !== b) throw new Error(`0x${b.toString(16)} came back as 0x${back.toString(16)}`);
    }
  });

  it("rounds to nearest even", () => {
    expect(float32ToBf16Bits(1)).toBe(0x3f80);
    expect(float32ToBf16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie → even
    expect(float32ToBf16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82); // tie → even (up)
    expect(float32ToBf16Bits(1 + 2 ** -8 + 2 ** -20)).toBe(0x3f81);
  });
});

describe("8-bit floats", () => {
  const formats: [Fp8Format, number][] = [
    ["float8e4m3fn", 448],
    ["float8e4m3fnuz", 240],
    ["float8e5m2", 57344],
    ["float8e5m2fnuz", 57344],
  ];
  for (const [format, max] of formats) {
    it(`${format}: every code decodes and encodes back`, () => {
      let finite = 0;
      for (let b = 0; b < 256; b++) {
        const v = fp8BitsToFloat32(b, format);
        if (Number.isNaN(v) || !Number.isFinite(v)) continue;
        finite++;
        expect(Math.abs(v)).toBeLessThanOrEqual(max);
        expect(float32ToFp8Bits(v, format)).toBe(b);
      }
      // fn: 2 NaN codes; fnuz: 1 NaN code (no -0); e5m2: 2 infinities + 6 NaNs.
      const finiteCodes: Record<string, number> = { float8e4m3fn: 254, float8e4m3fnuz: 255, float8e5m2: 248, float8e5m2fnuz: 255 };
      const expectedFinite = finiteCodes[format];
      expect(finite).toBe(expectedFinite);
      expect(fp8BitsToFloat32(float32ToFp8Bits(1e9, format), format)).toBe(max);
    });
  }

  it("float8e8m0 is a power of two with 0xff for NaN", () => {
    expect(fp8BitsToFloat32(127, "float8e8m0")).toBe(1);
    expect(fp8BitsToFloat32(0, "float8e8m0")).toBe(2 ** -127);
    expect(Number.isNaN(fp8BitsToFloat32(255, "float8e8m0"))).toBe(true);
    expect(float32ToFp8Bits(3, "float8e8m0", true, "up")).toBe(129);
    expect(float32ToFp8Bits(3, "float8e8m0", true, "down")).toBe(128);
    expect(float32ToFp8Bits(3, "float8e8m0", true, "nearest")).toBe(128); // 3 is midway between 2 and 4: tie → even exponent field (128)
    expect(float32ToFp8Bits(3.5, "float8e8m0", true, "nearest")).toBe(129);
  });
});

describe("float4 e2m1", () => {
  it("has the eight magnitudes 0, 0.5, 1, 1.5, 2, 3, 4, 6", () => {
    expect(Array.from({ length: 8 }, (_, i) => fp4e2m1BitsToFloat32(i))).toEqual([0, 0.5, 1, 1.5, 2, 3, 4, 6]);
    expect(fp4e2m1BitsToFloat32(0xf)).toBe(-6);
    for (let i = 0; i < 16; i++) if (i !== 8) expect(float32ToFp4e2m1Bits(fp4e2m1BitsToFloat32(i))).toBe(i);
    expect(float32ToFp4e2m1Bits(100)).toBe(7);
  });

  it("packs two per byte, low nibble first", () => {
    const packed = packFp4([0.5, -6, 1]);
    expect(Array.from(packed)).toEqual([0xf1, 0x02]);
    expect(Array.from(unpackFp4(packed, 3))).toEqual([0.5, -6, 1]);
  });
});

describe("packed integers", () => {
  it("int4 / uint4 pack and unpack, low nibble first", () => {
    expect(Array.from(packInt4([1, -1, 7], true))).toEqual([0xf1, 0x07]);
    expect(Array.from(unpackInt4(new Uint8Array([0xf1, 0x07]), 3, true))).toEqual([1, -1, 7]);
    expect(Array.from(unpackInt4(new Uint8Array([0xf1]), 2, false))).toEqual([1, 15]);
    expect(() => packInt4([8], true)).toThrow(/does not fit/);
  });

  it("int2 / uint2 pack four per byte, low bits first", () => {
    expect(Array.from(packInt2([1, -2, -1, 0, 1], true))).toEqual([0b00111001, 0b01]);
    expect(Array.from(unpackInt2(new Uint8Array([0b00111001]), 4, true))).toEqual([1, -2, -1, 0]);
    expect(Array.from(unpackInt2(new Uint8Array([0b11100100]), 4, false))).toEqual([0, 1, 2, 3]);
  });

  it("round-trip random values (fast-check)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -8, max: 7 })), (vals) => {
        expect(Array.from(unpackInt4(packInt4(vals, true), vals.length, true))).toEqual(vals);
      }),
    );
  });
});
