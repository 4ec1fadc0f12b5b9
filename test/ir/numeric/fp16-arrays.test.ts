/**
 * The array loops of fp16-arrays.ts against the scalar definitions in float-bits.ts, on
 * every float16 value and a dense sample of float32 patterns: all sign/exponent pairs with
 * rounding ties and their neighbours at every exponent, a stride through each mantissa
 * range, NaNs with many payloads, infinities, zeros and subnormals.
 */
import { describe, expect, it } from "vitest";
import { forEachWordBlock } from "../../../src/ir/numeric/aligned-words.js";
import {
  float32ArrayToFp16,
  float32ToFp16Bits,
  fp16ArrayToFloat32,
  fp16ArrayToFloat64,
  fp16BitsToFloat32,
} from "../../../src/ir/numeric/float-bits.js";
import {
  fp16BitsFromFloat32Bits,
  fp16FromFloat32Bytes,
  fp16RangeOf,
  fp16RangeOfFloat32Bytes,
} from "../../../src/ir/numeric/fp16-arrays.js";
import { Tensor } from "../../../src/ir/tensor.js";

const asFloats = (bits: Uint32Array) => new Float32Array(bits.buffer, bits.byteOffset, bits.length);

/** float32 patterns where float16 rounding is decided, plus a spread of everything else. */
function densePatterns(): Uint32Array {
  const out: number[] = [];
  for (let sign = 0; sign < 2; sign++) {
    for (let exp = 0; exp < 256; exp++) {
      const head = ((sign << 31) | (exp << 23)) >>> 0;
      // Bits dropped when rounding to float16: 13 for normal results, more for subnormal ones.
      const dropped = exp >= 113 ? 13 : Math.min(24, 126 - exp);
      const unit = 2 ** dropped;
      const half = unit / 2;
      for (let k = 0; k < 64; k++) {
        const kept = Math.floor((k * 0x7fffff) / 63 / unit) * unit;
        for (const low of [0, 1, half - 1, half, half + 1, unit - 1, unit, unit + half]) {
          const mant = kept + low;
          if (mant >= 0 && mant <= 0x7fffff) out.push(head + mant);
        }
      }
      for (let m = 0; m <= 0x7fffff; m += 2039) out.push(head + m);
      out.push(head + 0x7fffff);
    }
  }
  // NaNs: quiet and signalling, payloads in the kept and dropped bits, both signs.
  for (const payload of [1, 0x1fff, 0x2000, 0x3fffff, 0x400000, 0x400001, 0x7fffff, 0x155555, 0x2aaaaa]) {
    out.push(0x7f800000 + payload, 0xff800000 + payload);
  }
  return Uint32Array.from(out, (b) => b >>> 0);
}

describe("fp16BitsFromFloat32Bits", () => {
  it("matches float32ToFp16Bits on every float16 value (widened to float32)", () => {
    const values = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) values[h] = fp16BitsToFloat32(h);
    const got = new Uint16Array(65536);
    fp16BitsFromFloat32Bits(new Uint32Array(values.buffer), got);
    for (let h = 0; h < 65536; h++) {
      const want = float32ToFp16Bits(values[h]!);
      if (got[h] !== want) throw new Error(`float16 0x${h.toString(16)}: got 0x${got[h]!.toString(16)}, want 0x${want.toString(16)}`);
    }
  });

  it("matches float32ToFp16Bits on a dense sample of float32 patterns", () => {
    const bits = densePatterns();
    expect(bits.length).toBeGreaterThan(2_000_000);
    const got = new Uint16Array(bits.length);
    fp16BitsFromFloat32Bits(bits, got);
    const floats = asFloats(bits);
    let checked = 0;
    for (let i = 0; i < bits.length; i++) {
      const want = float32ToFp16Bits(floats[i]!);
      if (got[i] !== want)
        throw new Error(`float32 0x${bits[i]!.toString(16)}: got 0x${got[i]!.toString(16)}, want 0x${want.toString(16)}`);
      checked++;
    }
    expect(checked).toBe(bits.length);
  });

  it("rounds ties to even, overflows to Inf and keeps NaNs quiet", () => {
    const bits = new Uint32Array(asFloatsBits([1 + 2 ** -11, 1 + 3 * 2 ** -11, 65519, 65520, 2 ** -25, 3 * 2 ** -25, -0, Infinity]));
    const got = new Uint16Array(bits.length);
    fp16BitsFromFloat32Bits(bits, got);
    expect([...got]).toEqual([0x3c00, 0x3c02, 0x7bff, 0x7c00, 0, 2, 0x8000, 0x7c00]);
    const nan = new Uint16Array(2);
    fp16BitsFromFloat32Bits(Uint32Array.of(0x7f800001, 0xffc00000), nan);
    expect([...nan]).toEqual([0x7e00, 0xfe00]);
  });

  it("float32ArrayToFp16 takes the loop for Float32Array and the scalar path otherwise, with equal results", () => {
    const f = asFloats(densePatterns().subarray(0, 200_000));
    const viaLoop = float32ArrayToFp16(f);
    const viaScalar = float32ArrayToFp16(Array.from(f));
    expect(Buffer.compare(Buffer.from(viaLoop.buffer), Buffer.from(viaScalar.buffer))).toBe(0);
  });
});

describe("unaligned float32 bytes", () => {
  it("forEachWordBlock visits every word once, in order, at any offset and across blocks", () => {
    const words = 40_000;
    for (const offset of [0, 1, 2, 3, 4]) {
      const backing = new Uint8Array(words * 4 + 8);
      for (let i = 0; i < backing.length; i++) backing[i] = (i * 7 + 3) & 0xff;
      const bytes = backing.subarray(offset, offset + words * 4 + 3); // 3 trailing bytes: not a word
      const seen: number[] = [];
      forEachWordBlock(bytes, (w, first) => {
        expect(first).toBe(seen.length);
        seen.push(...w);
      });
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      expect(seen.length).toBe(words);
      for (let i = 0; i < words; i += 997) expect(seen[i]).toBe(view.getUint32(i * 4, true));
      expect(seen.at(-1)).toBe(view.getUint32((words - 1) * 4, true));
    }
  });

  it("forEachWordBlock called inside its own visit (both unaligned) leaves the outer block intact", () => {
    const words = 20_000;
    const outer = new Uint8Array(words * 4 + 1).map((_, i) => (i * 13) & 0xff).subarray(1);
    const inner = new Uint8Array(words * 4 + 3).map((_, i) => (i * 5 + 1) & 0xff).subarray(3);
    const outerView = new DataView(outer.buffer, outer.byteOffset, outer.byteLength);
    let checked = 0;
    forEachWordBlock(outer, (w, first) => {
      const before = Array.from(w);
      let innerWords = 0;
      forEachWordBlock(inner, (v) => {
        innerWords += v.length;
      });
      expect(innerWords).toBe(words);
      expect(Array.from(w)).toEqual(before);
      expect(w[0]).toBe(outerView.getUint32(first * 4, true));
      checked += w.length;
    });
    expect(checked).toBe(words);
  });

  it("fp16FromFloat32Bytes gives the same bits from an unaligned view as from an aligned one", () => {
    const bits = densePatterns().subarray(0, 100_000);
    const aligned = fp16BitsFromFloat32BitsCopy(bits);
    const backing = new Uint8Array(bits.byteLength + 1);
    backing.set(new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength), 1);
    const got = fp16FromFloat32Bytes(backing.subarray(1));
    expect(Buffer.compare(Buffer.from(got.buffer), Buffer.from(aligned.buffer))).toBe(0);
  });
});

describe("fp16RangeOfFloat32Bytes", () => {
  /** The rule's definition, element by element. */
  function reference(x: Float32Array) {
    let overflow = 0;
    let underflow = 0;
    let largest = 0;
    for (const a of x) {
      const m = Math.abs(a);
      if (m > 65504 && Number.isFinite(m)) {
        overflow++;
        largest = Math.max(largest, m);
      } else if (m > 0 && m < 2 ** -25) underflow++;
    }
    return { overflow, underflow, largest };
  }

  it("counts what the element-by-element definition counts, on the dense sample", () => {
    const bits = densePatterns();
    const bytes = new Uint8Array(bits.buffer);
    const got = fp16RangeOfFloat32Bytes(bytes);
    expect(got).toEqual(reference(asFloats(bits)));
    expect(got.overflow).toBeGreaterThan(1000);
    expect(got.underflow).toBeGreaterThan(1000);
  });

  it("reads unaligned views and float64 tensors", () => {
    const values = Float32Array.of(1, -70000, 65504, 65505, 2 ** -26, -(2 ** -25), 2 ** -24, Number.NaN, -Infinity, 3e38);
    const backing = new Uint8Array(values.byteLength + 3);
    backing.set(new Uint8Array(values.buffer), 3);
    const want = { overflow: 3, underflow: 1, largest: values[9] };
    expect(fp16RangeOfFloat32Bytes(backing.subarray(3))).toEqual(want);
    expect(fp16RangeOf(Tensor.fromArray("float64", [values.length], Float64Array.from(values)))).toEqual(want);
    expect(fp16RangeOf(Tensor.fromBytes("float32", [values.length], backing.subarray(3)))).toEqual(want);
  });
});

function asFloatsBits(xs: number[]): Uint32Array {
  return new Uint32Array(Float32Array.from(xs).buffer);
}

function fp16BitsFromFloat32BitsCopy(bits: Uint32Array): Uint16Array {
  const out = new Uint16Array(bits.length);
  fp16BitsFromFloat32Bits(bits, out);
  return out;
}

describe("float16 → double arrays", () => {
  it("fp16ArrayToFloat64 gives fp16BitsToFloat32 of every pattern, at an offset into the destination, across chunks", () => {
    const all = Uint16Array.from({ length: 3 * 65536 }, (_, i) => i & 0xffff);
    const out = fp16ArrayToFloat64(all, new Float64Array(all.length + 3).fill(-1), 3);
    expect(out[2]).toBe(-1);
    let wrong = 0;
    for (let i = 0; i < all.length; i++) {
      const want = fp16BitsToFloat32(all[i]!);
      if (!Object.is(out[3 + i], want) && !(Number.isNaN(want) && Number.isNaN(out[3 + i]))) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it("a short array (decoded one by one while there is no table) gives the same values", () => {
    const some = Uint16Array.of(0, 0x8000, 0x0001, 0x83ff, 0x3c00, 0x7bff, 0x7c00, 0xfc00, 0x7e01, 0x0400);
    const out = fp16ArrayToFloat64(some);
    some.forEach((h, i) => {
      const want = fp16BitsToFloat32(h);
      expect(Object.is(out[i], want) || (Number.isNaN(want) && Number.isNaN(out[i])), `pattern ${h.toString(16)}`).toBe(true);
    });
  });

  it("fp16ArrayToFloat32 (its table built from the bit patterns) gives fp16BitsToFloat32 of every pattern, bit for bit but for NaN payloads", () => {
    // A NaN's payload may be quietened on its way through a JavaScript number (V8 keeps or
    // quietens it depending on how far the code is optimized), so NaNs only need to be NaNs.
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const got = fp16ArrayToFloat32(all);
    const gotBits = new Uint32Array(got.buffer);
    const want = Float32Array.from(all, fp16BitsToFloat32);
    const wantBits = new Uint32Array(want.buffer);
    expect(gotBits.every((b, i) => b === wantBits[i] || (Number.isNaN(got[i]) && Number.isNaN(want[i])))).toBe(true);
  });
});
