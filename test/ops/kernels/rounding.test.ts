/**
 * The whole-array rounding passes against the scalar conversions they replace (Math.fround,
 * f16round): every float16 boundary (normal/subnormal, overflow at 65520, ties to even), the
 * specials, and random doubles between float32 values (the float16 pass must round through
 * float32 first, as f16round does). All 2^32 float32 patterns were compared once offline.
 */
import { describe, expect, it } from "vitest";
import { f16round } from "../../../src/ir/numeric/float-bits.js";
import { biasAndActivation, type ResultRounding, roundToFloat16, roundToFloat32 } from "../../../src/ops/kernels/rounding.js";
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

describe("a convolution's bias and ReLU in one pass", () => {
  const store: Record<ResultRounding, (x: number) => number> = { float16: f16round, float32: Math.fround, none: (x) => x };

  /** What storing the result, then running Add (stored) and ReLU do, element by element. */
  function nodeByNode(data: Float64Array, channels: number, plane: number, bias: Float64Array, relu: boolean, rounding: ResultRounding) {
    const round = store[rounding];
    return Array.from(data, (x, i) => {
      const sum = round(round(x) + bias[Math.floor(i / plane) % channels]!);
      return relu ? (sum > 0 ? sum : 0) : sum;
    });
  }

  for (const rounding of ["float16", "float32", "none"] as const)
    for (const relu of [true, false])
      it(`${rounding} results${relu ? " with ReLU" : ""} equal Add then ReLU node by node (specials, chunk boundaries, 2 images)`, () => {
        const channels = 3;
        const edges = edgeValues();
        const plane = 4096 + edges.length;
        const rnd = lcg(31);
        const data = Float64Array.from({ length: 2 * channels * plane }, (_, i) =>
          i % plane < edges.length ? edges[i % plane]! : (rnd() * 2 - 1) * 2 ** (rnd() * 40 - 20),
        );
        // A bias of 0, one that cancels some values (results of -0 and +0), and a large one (overflow in float16).
        const bias = Float64Array.of(0, -1, 60000);
        const want = nodeByNode(data, channels, plane, bias, relu, rounding);
        biasAndActivation(data, channels, plane, bias, relu, rounding);
        expect(Array.from(data).every((v, i) => Object.is(v, want[i]) || (Number.isNaN(v) && Number.isNaN(want[i]!)))).toBe(true);
      });

  it("float16 results equal Add then ReLU node by node on float32 patterns of every sign and exponent (the SIMD step)", () => {
    const rnd = lcg(32);
    const patterns = Uint32Array.from({ length: 1 << 18 }, () => (rnd() * 2 ** 32) >>> 0);
    const data = Float64Array.from(new Float32Array(patterns.buffer));
    for (const [b, relu] of [
      [0, false],
      [2 ** -20, true],
      [-3.5, false],
    ] as const) {
      const values = Float64Array.from(data);
      const want = nodeByNode(values, 1, values.length, Float64Array.of(b), relu, "float16");
      biasAndActivation(values, 1, values.length, Float64Array.of(b), relu, "float16");
      const wrong = want.filter((w, i) => !Object.is(values[i], w) && !(Number.isNaN(w) && Number.isNaN(values[i])));
      expect(wrong.length, `bias ${b}`).toBe(0);
    }
  });
});
