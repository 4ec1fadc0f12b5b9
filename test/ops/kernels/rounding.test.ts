/**
 * The whole-array rounding passes against the scalar conversions they replace (Math.fround,
 * f16round): every float16 boundary (normal/subnormal, overflow at 65520, ties to even), the
 * specials, and random doubles between float32 values (the float16 pass must round through
 * float32 first, as f16round does). All 2^32 float32 patterns were compared once offline.
 */
import { describe, expect, it } from "vitest";
import { f16round } from "../../../src/ir/numeric/float-bits.js";
import { roundToFloat16, roundToFloat32 } from "../../../src/ops/kernels/rounding.js";
import { lcg } from "./random.js";

function edgeValues(): number[] {
  const out = [
    0,
    -0,
    Infinity,
    -Infinity,
    Number.NaN,
    65504,
    65519.99,
    65520,
    65535,
    1e10,
    2 ** -14,
    2 ** -24,
    2 ** -25,
    3 * 2 ** -26,
    2 ** -26,
  ];
  for (const base of [1, 2 ** -14, 2 ** -20, 1024, 2048, 32768])
    for (const ulp of [-1.5, -1, -0.5, -0.25, 0, 0.25, 0.5, 1, 1.5])
      out.push(base + ulp * base * 2 ** -10, -(base + ulp * base * 2 ** -10));
  return out;
}

function random(n: number): Float64Array {
  const rnd = lcg(9);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const magnitude = 2 ** (rnd() * 60 - 35);
    out[i] = (rnd() < 0.5 ? -1 : 1) * magnitude * (1 + rnd());
  }
  return out;
}

describe("rounding passes", () => {
  it("roundToFloat16 equals f16round element by element (chunk boundaries included)", () => {
    const values = Float64Array.from([...edgeValues(), ...random(10_000)]);
    const want = Array.from(values, f16round);
    roundToFloat16(values);
    expect(Array.from(values).every((v, i) => Object.is(v, want[i]))).toBe(true);
  });

  it("roundToFloat32 equals Math.fround element by element", () => {
    const values = Float64Array.from([...edgeValues(), ...random(10_000)]);
    const want = Array.from(values, Math.fround);
    roundToFloat32(values);
    expect(Array.from(values).every((v, i) => Object.is(v, want[i]))).toBe(true);
  });

  it("a double just above a float16 tie rounds through float32 first (double rounding, like f16round)", () => {
    // 1 + 2^-11 + 2^-40: nearer to 1 + 2^-10 in float16 directly, but float32 rounds it to the tie 1 + 2^-11 first.
    const x = Float64Array.of(1 + 2 ** -11 + 2 ** -40);
    roundToFloat16(x);
    expect(x[0]).toBe(f16round(1 + 2 ** -11 + 2 ** -40));
    expect(x[0]).toBe(1);
  });
});
