/**
 * The convolution and pooling kernels against the plain loops they replaced (kept below as
 * the reference): on random shapes, strides, dilations, paddings and groups, in 1-D, 2-D and
 * 3-D, every result must have the same bits — the fast paths may only reorder which elements
 * are computed together, never the additions inside one element.
 */
import { describe, expect, it } from "vitest";
import { float32ArrayToFp16 } from "../../../src/ir/numeric/float-bits.js";
import { shapeSize } from "../../../src/ir/shape.js";
import { convolution, type PoolKind, pool, type Window } from "../../../src/ops/kernels/conv-pool.js";
import { fp16Constant } from "../../../src/ops/kernels/fp16-constant.js";
import type { NdArray } from "../../../src/ops/ndarray.js";
import { lcg, randomArray, randomInt, sameBits } from "./random.js";

/** Iterates the output positions of an N-D window, calling `visit(outIndex, starts)`. */
function forEachPosition(w: Window, visit: (o: number, starts: number[]) => void): void {
  const n = w.out.length;
  const pos = new Array<number>(n).fill(0);
  for (let o = 0; o < shapeSize(w.out); o++) {
    visit(
      o,
      pos.map((p, i) => p * w.strides[i]! - w.padsBegin[i]!),
    );
    for (let d = n - 1; d >= 0; d--) {
      if (++pos[d]! < w.out[d]!) break;
      pos[d] = 0;
    }
  }
}

function taps(w: Window): number[][] {
  const n = w.kernel.length;
  const out: number[][] = [];
  const k = new Array<number>(n).fill(0);
  for (let t = 0; t < shapeSize(w.kernel); t++) {
    out.push(k.map((v, i) => v * w.dilations[i]!));
    for (let d = n - 1; d >= 0; d--) {
      if (++k[d]! < w.kernel[d]!) break;
      k[d] = 0;
    }
  }
  return out;
}

/** The convolution loop of the previous interpreter, verbatim in its arithmetic. */
function referenceConvolution(x: NdArray, w: NdArray, win: Window, groups: number, O: number): NdArray {
  const [N, C] = x.dims as [number, number];
  const spatial = x.dims.slice(2);
  const perGroupOut = O / groups;
  const perGroupIn = C / groups;
  const offsets = taps(win);
  const inStrides = spatial.map((_, i) => shapeSize(spatial.slice(i + 1)));
  const outPlane = shapeSize(win.out);
  const inPlane = shapeSize(spatial);
  const kSize = offsets.length;
  const out = new Float64Array(N * O * outPlane);
  const xd = x.data as Float64Array;
  const wd = w.data as Float64Array;
  for (let n = 0; n < N; n++) {
    forEachPosition(win, (o, starts) => {
      const index: number[] = [];
      const valid: boolean[] = [];
      for (let t = 0; t < kSize; t++) {
        let idx = 0;
        let ok = true;
        for (let d = 0; d < starts.length; d++) {
          const p = starts[d]! + offsets[t]![d]!;
          if (p < 0 || p >= spatial[d]!) ok = false;
          idx += p * inStrides[d]!;
        }
        index.push(idx);
        valid.push(ok);
      }
      for (let oc = 0; oc < O; oc++) {
        const g = Math.floor(oc / perGroupOut);
        let acc = 0;
        for (let ic = 0; ic < perGroupIn; ic++) {
          const xBase = (n * C + g * perGroupIn + ic) * inPlane;
          const wBase = (oc * perGroupIn + ic) * kSize;
          for (let t = 0; t < kSize; t++) if (valid[t]) acc += xd[xBase + index[t]!]! * wd[wBase + t]!;
        }
        out[(n * O + oc) * outPlane + o] = acc;
      }
    });
  }
  return { dtype: x.dtype, dims: [N, O, ...win.out], data: out };
}

/** The pooling loop of the previous interpreter. */
function referencePool(x: NdArray, win: Window, kind: PoolKind, excludePad: boolean, padsEnd: number[]): [NdArray, NdArray] {
  const [N, C] = x.dims as [number, number];
  const spatial = x.dims.slice(2);
  const offsets = taps(win);
  const inStrides = spatial.map((_, i) => shapeSize(spatial.slice(i + 1)));
  const outPlane = shapeSize(win.out);
  const inPlane = shapeSize(spatial);
  const out = new Float64Array(N * C * outPlane);
  const argmax = new Float64Array(kind === "max" ? out.length : 0);
  const xd = x.data as Float64Array;
  for (let nc = 0; nc < N * C; nc++) {
    const base = nc * inPlane;
    forEachPosition(win, (o, starts) => {
      let acc = kind === "max" ? -Infinity : 0;
      let at = -1;
      let count = 0;
      let padded = 0;
      for (const off of offsets) {
        let idx = 0;
        let inside = true;
        let inPadding = true;
        for (let d = 0; d < starts.length; d++) {
          const p = starts[d]! + off[d]!;
          if (p < 0 || p >= spatial[d]!) inside = false;
          if (p < -win.padsBegin[d]! || p >= spatial[d]! + padsEnd[d]!) inPadding = false;
          idx += p * inStrides[d]!;
        }
        if (inside) {
          const v = xd[base + idx]!;
          if (kind === "max") {
            if (v > acc || at < 0) {
              acc = v;
              at = base + idx;
            }
          } else acc += v;
          count++;
        } else if (inPadding) padded++;
      }
      out[nc * outPlane + o] = kind === "max" ? acc : acc / (excludePad ? Math.max(count, 1) : count + padded);
      if (kind === "max") argmax[nc * outPlane + o] = at;
    });
  }
  const dims = [N, C, ...win.out];
  return [
    { dtype: x.dtype, dims, data: out },
    { dtype: "float64", dims, data: argmax },
  ];
}

interface Case {
  x: NdArray;
  win: Window;
  padsEnd: number[];
}

/** A random input and window with at least one output position per axis. */
function randomCase(rnd: () => number, rank: number, channels: number, fp16: boolean): Case {
  for (;;) {
    const spatial = Array.from({ length: rank }, () => randomInt(rnd, 1, rank === 3 ? 5 : 9));
    const kernel = spatial.map(() => randomInt(rnd, 1, 4));
    const strides = spatial.map(() => randomInt(rnd, 1, 3));
    const dilations = spatial.map(() => randomInt(rnd, 1, 2));
    const padsBegin = spatial.map(() => randomInt(rnd, 0, 2));
    const padsEnd = spatial.map(() => randomInt(rnd, 0, 2));
    const out = spatial.map(
      (s, i) => Math.floor((s + padsBegin[i]! + padsEnd[i]! - ((kernel[i]! - 1) * dilations[i]! + 1)) / strides[i]!) + 1,
    );
    if (out.some((o) => o < 1) || kernel.some((k, i) => k > spatial[i]! + padsBegin[i]! + padsEnd[i]!)) continue;
    const x = randomArray([randomInt(rnd, 1, 2), channels, ...spatial], rnd, fp16);
    return { x, win: { kernel, strides, dilations, padsBegin, out }, padsEnd };
  }
}

describe("convolution kernel", () => {
  it("equals the plain loop bit for bit on random 1-D, 2-D and 3-D convolutions, grouped and not", () => {
    const rnd = lcg(11);
    let cases = 0;
    for (let i = 0; i < 300; i++) {
      const rank = [1, 2, 2, 2, 3][i % 5]!;
      const groups = [1, 1, 2, 3][randomInt(rnd, 0, 3)]!;
      const perGroupIn = randomInt(rnd, 1, 3);
      const perGroupOut = randomInt(rnd, 1, 6);
      const c = randomCase(rnd, rank, groups * perGroupIn, i % 2 === 0);
      const w = randomArray([groups * perGroupOut, perGroupIn, ...c.win.kernel], rnd, i % 2 === 0);
      const got = convolution(c.x, w, c.win, groups, groups * perGroupOut);
      const want = referenceConvolution(c.x, w, c.win, groups, groups * perGroupOut);
      expect(sameBits(got, want), `case ${i}: x [${c.x.dims}] w [${w.dims}] groups ${groups} ${JSON.stringify(c.win)}`).toBe(true);
      cases++;
    }
    expect(cases).toBe(300);
  });

  it("depthwise convolutions (one input channel per group, with channel multipliers) equal the plain loop", () => {
    const rnd = lcg(12);
    for (let i = 0; i < 120; i++) {
      const channels = randomInt(rnd, 1, 5);
      const multiplier = randomInt(rnd, 1, 3);
      const c = randomCase(rnd, i % 3 === 0 ? 1 : 2, channels, i % 2 === 1);
      const w = randomArray([channels * multiplier, 1, ...c.win.kernel], rnd);
      const got = convolution(c.x, w, c.win, channels, channels * multiplier);
      expect(sameBits(got, referenceConvolution(c.x, w, c.win, channels, channels * multiplier)), `case ${i}`).toBe(true);
    }
  });

  it("larger layers take the blocked GEMM across several panel blocks and row tiles and still equal the plain loop", () => {
    const rnd = lcg(13);
    const x = randomArray([1, 37, 11, 13], rnd, true);
    const win: Window = { kernel: [3, 3], strides: [1, 1], dilations: [1, 1], padsBegin: [1, 1], out: [11, 13] };
    const w = randomArray([19, 37, 3, 3], rnd, true);
    expect(sameBits(convolution(x, w, win, 1, 19), referenceConvolution(x, w, win, 1, 19))).toBe(true);
  });

  it("pointwise (1×1, unit strides, no padding) convolutions read the planes directly and equal the plain loop", () => {
    const rnd = lcg(15);
    for (const [C, O, H, W, groups] of [
      [37, 19, 11, 13, 1],
      [6, 9, 1, 7, 3],
      [4, 4, 5, 5, 2],
      [70, 5, 3, 1, 1],
    ] as const) {
      const x = randomArray([2, C, H, W], rnd, C % 2 === 0);
      const win: Window = { kernel: [1, 1], strides: [1, 1], dilations: [1, 1], padsBegin: [0, 0], out: [H, W] };
      const w = randomArray([O, C / groups, 1, 1], rnd);
      expect(sameBits(convolution(x, w, win, groups, O), referenceConvolution(x, w, win, groups, O)), `x [${x.dims}] w [${w.dims}]`).toBe(
        true,
      );
    }
  });

  it("float16 weights kept as their bits (an FP16 run's constants) give the plain loop's bits, in every path", () => {
    const rnd = lcg(16);
    for (let i = 0; i < 120; i++) {
      const rank = [1, 2, 2, 3][i % 4]!;
      const groups = i % 5 === 0 ? 2 : 1;
      const perGroupIn = i % 7 === 0 ? 1 : randomInt(rnd, 1, 3);
      const c = randomCase(rnd, rank, groups * perGroupIn, true);
      const w = randomArray([groups * randomInt(rnd, 1, 4), perGroupIn, ...c.win.kernel], rnd, true);
      const bits = float32ArrayToFp16(w.data as Float64Array);
      const got = convolution(c.x, fp16Constant(w.dims, bits), c.win, groups, w.dims[0]!);
      expect(sameBits(got, referenceConvolution(c.x, w, c.win, groups, w.dims[0]!)), `case ${i}`).toBe(true);
    }
  });

  it("ResNet-shaped layers (K past several k-blocks, rows of 7 and 14 that panels straddle, stride 2, 7×7) equal the plain loop", () => {
    const rnd = lcg(17);
    for (const [C, O, H, k, stride, pad] of [
      [64, 8, 14, 3, 1, 1],
      [40, 12, 7, 3, 1, 1],
      [16, 9, 14, 3, 2, 1],
      [3, 5, 22, 7, 2, 3],
      [32, 6, 14, 1, 2, 0],
    ] as const) {
      const o = Math.floor((H + 2 * pad - k) / stride) + 1;
      const win: Window = { kernel: [k, k], strides: [stride, stride], dilations: [1, 1], padsBegin: [pad, pad], out: [o, o] };
      const x = randomArray([1, C, H, H], rnd, true);
      const w = randomArray([O, C, k, k], rnd, true);
      const bits = float32ArrayToFp16(w.data as Float64Array);
      const want = referenceConvolution(x, w, win, 1, O);
      expect(sameBits(convolution(x, w, win, 1, O), want), `${C}→${O} ${H}×${H} k${k} s${stride}`).toBe(true);
      expect(sameBits(convolution(x, fp16Constant(w.dims, bits), win, 1, O), want), `${C}→${O} as float16 bits`).toBe(true);
    }
  });

  it("float16 weights with Inf or NaN bits take the direct path and equal the plain loop", () => {
    const rnd = lcg(18);
    const x = randomArray([1, 2, 5, 5], rnd, true);
    const win: Window = { kernel: [3, 3], strides: [1, 1], dilations: [1, 1], padsBegin: [1, 1], out: [5, 5] };
    const w = randomArray([3, 2, 3, 3], rnd, true);
    for (const [at, value] of [
      [0, Infinity],
      [21, Number.NaN],
      [53, -Infinity],
    ] as const) {
      const data = Float64Array.from(w.data as Float64Array);
      data[at] = value;
      const wi: NdArray = { dtype: "float16", dims: w.dims, data };
      const got = convolution(x, fp16Constant(w.dims, float32ArrayToFp16(data)), win, 1, 3);
      expect(sameBits(got, referenceConvolution(x, wi, win, 1, 3)), `${value} at ${at}`).toBe(true);
    }
  });

  it("weights with Inf or NaN never multiply padding (0·Inf would be NaN): results equal the plain loop", () => {
    const rnd = lcg(14);
    const x = randomArray([1, 2, 5, 5], rnd);
    const win: Window = { kernel: [3, 3], strides: [1, 1], dilations: [1, 1], padsBegin: [1, 1], out: [5, 5] };
    const w = randomArray([3, 2, 3, 3], rnd);
    // Output channel 0's first tap (top left) is Inf; channel 1 has a NaN tap.
    (w.data as Float64Array)[0] = Infinity;
    (w.data as Float64Array)[20] = Number.NaN;
    const got = convolution(x, w, win, 1, 3);
    const want = referenceConvolution(x, w, win, 1, 3);
    expect(sameBits(got, want)).toBe(true);
    // At output (0, 0) the Inf tap falls in the padding: finite. At (1, 1) it meets x[0, 0].
    expect(Number.isFinite((got.data as Float64Array)[0]!)).toBe(true);
    expect(Number.isFinite((got.data as Float64Array)[6]!)).toBe(false);
  });
});

describe("pooling kernel", () => {
  it("max (values and argmax) and average (with and without exclude-pad) equal the plain loop", () => {
    const rnd = lcg(21);
    for (let i = 0; i < 300; i++) {
      const rank = [1, 2, 2, 3][i % 4]!;
      const c = randomCase(rnd, rank, randomInt(rnd, 1, 3), i % 2 === 0);
      const kind: PoolKind = i % 3 === 0 ? "max" : "avg";
      const excludePad = i % 5 < 2;
      const [values, indices] = pool(c.x, c.win, kind, excludePad, c.padsEnd);
      const [v0, i0] = referencePool(c.x, c.win, kind, excludePad, c.padsEnd);
      expect(sameBits(values, v0), `case ${i} ${kind}`).toBe(true);
      expect(sameBits(indices, i0), `case ${i} indices`).toBe(true);
    }
  });

  it("max pooling without indices (MaxPool-1) gives the same values and no index data", () => {
    const rnd = lcg(22);
    for (let i = 0; i < 60; i++) {
      const c = randomCase(rnd, [1, 2, 3][i % 3]!, randomInt(rnd, 1, 3), i % 2 === 0);
      const [values, indices] = pool(c.x, c.win, "max", false, c.padsEnd, false);
      expect(sameBits(values, referencePool(c.x, c.win, "max", false, c.padsEnd)[0]), `case ${i}`).toBe(true);
      expect(indices.data.length).toBe(0);
    }
  });

  it("a max window entirely in the padding gives -Infinity at index -1", () => {
    const x: NdArray = { dtype: "float32", dims: [1, 1, 1, 2], data: Float64Array.of(3, 4) };
    const win: Window = { kernel: [1, 1], strides: [1, 2], dilations: [1, 1], padsBegin: [0, 2], out: [1, 2] };
    const [values, indices] = pool(x, win, "max", false, [0, 0]);
    expect([...values.data]).toEqual([-Infinity, 3]);
    expect([...indices.data]).toEqual([-1, 0]);
  });
});
