/**
 * The blocked GEMM behind MatMul (and the im2col convolution) against the triple loop: each
 * output element is one sum in increasing k from +0, so every result must have the same bits,
 * whatever the shape (row tiles and panels with leftovers, several panel blocks), the
 * transposes, the batch broadcasting and the 1-D promotions.
 */
import { describe, expect, it } from "vitest";
import { float32ArrayToFp16, fp16BitsToFloat32 } from "../../../src/ir/numeric/float-bits.js";
import { gemm, gemmScalar, matmul, matmulDims, matrixPanels } from "../../../src/ops/kernels/matmul.js";
import { simdGemm } from "../../../src/ops/kernels/matmul-simd.js";
import type { NdArray } from "../../../src/ops/ndarray.js";
import { lcg, randomArray, randomInt, sameBits } from "./random.js";

/** out[m, n] = Σ_k a[m, k]·b[k, n] by the book, one matrix pair. */
function tripleLoop(a: Float64Array, b: Float64Array, M: number, K: number, N: number): Float64Array {
  const out = new Float64Array(M * N);
  for (let m = 0; m < M; m++)
    for (let n = 0; n < N; n++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += a[m * K + k]! * b[k * N + n]!;
      out[m * N + n] = acc;
    }
  return out;
}

const transpose2d = (x: Float64Array, rows: number, cols: number) => {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c]!;
  return out;
};

describe("gemm", () => {
  it("runs its tiles as WebAssembly SIMD on Node 20 (so the tests below exercise that path)", () => {
    expect(simdGemm()).not.toBeNull();
  });

  it("the SIMD memory refuses to grow past 32-bit addresses (the GEMM then takes the scalar tiles)", () => {
    expect(simdGemm()!.doubles(5 * 2 ** 30)).toBeNull();
    expect(simdGemm()!.doubles(1024)!.length).toBeGreaterThanOrEqual(128);
  });

  it("the SIMD and the scalar tiles equal the triple loop bit for bit for M, N, K around the tile sizes and past one panel block", () => {
    const rnd = lcg(3);
    for (const [M, K, N] of [
      [1, 1, 1],
      [3, 5, 2],
      [4, 4, 4],
      [5, 7, 9],
      [13, 33, 17],
      [8, 5000, 30],
      [13, 5000, 30],
      [70, 40, 45],
      [6, 1, 70],
      [0, 3, 4],
      [3, 0, 4],
    ] as const) {
      const a = randomArray([M, K], rnd).data as Float64Array;
      const b = randomArray([K, N], rnd).data as Float64Array;
      const want = tripleLoop(a, b, M, K, N);
      for (const f of [gemm, gemmScalar]) {
        // Rows of a wider output (stride N + 3, offset 2) show the strided writes too.
        const out = new Float64Array(2 + M * (N + 3)).fill(-7);
        f(a, 0, M, K, N, matrixPanels(b, 0, K, N, false), out, 2, N + 3);
        const rows = Array.from({ length: M }, (_, m) => [...out.subarray(2 + m * (N + 3), 2 + m * (N + 3) + N)]).flat();
        expect(
          rows.every((v, i) => Object.is(v, want[i])),
          `${f.name} ${M}×${K}×${N}`,
        ).toBe(true);
        expect(out[0], "nothing is written before the output").toBe(-7);
      }
    }
  });
});

describe("gemm on float16 patterns", () => {
  it("the SIMD module's float16 decoder gives fp16BitsToFloat32 of every pattern", () => {
    const simd = simdGemm()!;
    const mem = simd.doubles(65536 * 10)!;
    new Uint16Array(mem.buffer, 8 * 65536, 65536).set(Uint16Array.from({ length: 65536 }, (_, i) => i));
    simd.fp16ToF64(8 * 65536, 0, 65536);
    const decoded = new Float64Array(mem.buffer, 0, 65536);
    const wrong = decoded.filter((v, i) => !Object.is(v, fp16BitsToFloat32(i)) && !(Number.isNaN(v) && Number.isNaN(fp16BitsToFloat32(i))));
    expect(wrong.length).toBe(0);
  });

  it("float16 bits on the left (FP16 weights) give the triple loop's bits on their values, SIMD and scalar, across k, row and panel blocks", () => {
    const rnd = lcg(5);
    for (const [M, K, N] of [
      [5, 7, 9],
      [13, 700, 300],
      [30, 4500, 270],
      [64, 257, 20],
      [1, 1, 1],
    ] as const) {
      const values = randomArray([M, K], rnd, true).data as Float64Array;
      // The bits sit after two other elements, as a weight does in a bigger buffer.
      const bits = new Uint16Array(2 + M * K);
      bits.set(float32ArrayToFp16(values), 2);
      const decoded = Float64Array.from(bits.subarray(2), fp16BitsToFloat32);
      const b = randomArray([K, N], rnd, true).data as Float64Array;
      const want = tripleLoop(decoded, b, M, K, N);
      for (const f of [gemm, gemmScalar]) {
        const out = new Float64Array(M * N);
        f(bits, 2, M, K, N, matrixPanels(b, 0, K, N, false), out, 0, N);
        expect(
          out.every((v, i) => Object.is(v, want[i])),
          `${f.name} ${M}×${K}×${N}`,
        ).toBe(true);
      }
    }
  });
});

describe("matmul", () => {
  it("batched, broadcast and transposed products equal the triple loop per matrix pair", () => {
    const rnd = lcg(4);
    for (let i = 0; i < 60; i++) {
      const [M, K, N] = [randomInt(rnd, 1, 9), randomInt(rnd, 1, 9), randomInt(rnd, 1, 9)];
      const ta = rnd() < 0.5;
      const tb = rnd() < 0.5;
      const batchA = [[], [2], [1, 3], [2, 3]][randomInt(rnd, 0, 3)]!;
      const batchB = [[], [2], [2, 1], [1]][randomInt(rnd, 0, 3)]!;
      if (batchA.length === 2 && batchB.length === 2 && batchA[0] !== batchB[0] && batchB[0] !== 1 && batchA[0] !== 1) continue;
      const a = randomArray([...batchA, ...(ta ? [K, M] : [M, K])], rnd);
      const b = randomArray([...batchB, ...(tb ? [N, K] : [K, N])], rnd);
      const got = matmul(a, b, ta, tb);
      const dims = matmulDims(a.dims, b.dims, ta, tb);
      expect(got.dims).toEqual(dims);
      // Reference: walk the broadcast batch, pick each operand's matrix, multiply by the book.
      const batch = dims.slice(0, -2);
      const count = batch.reduce((p, d) => p * d, 1);
      const pick = (x: NdArray, xb: readonly number[], flat: number, rows: number, cols: number) => {
        let idx = 0;
        let rem = flat;
        const coords = batch.map((_, j) => {
          const stride = batch.slice(j + 1).reduce((p, d) => p * d, 1);
          const c = Math.floor(rem / stride);
          rem -= c * stride;
          return c;
        });
        xb.forEach((d, j) => {
          idx = idx * d + (d === 1 ? 0 : coords[batch.length - xb.length + j]!);
        });
        return (x.data as Float64Array).subarray(idx * rows * cols, (idx + 1) * rows * cols);
      };
      for (let bi = 0; bi < count; bi++) {
        let am = pick(a, batchA, bi, ...((ta ? [K, M] : [M, K]) as [number, number]));
        let bm = pick(b, batchB, bi, ...((tb ? [N, K] : [K, N]) as [number, number]));
        if (ta) am = transpose2d(am, K, M);
        if (tb) bm = transpose2d(bm, N, K);
        const want = tripleLoop(am, bm, M, K, N);
        const part = (got.data as Float64Array).subarray(bi * M * N, (bi + 1) * M * N);
        expect(
          part.every((v, j) => Object.is(v, want[j])),
          `case ${i} batch ${bi}`,
        ).toBe(true);
      }
    }
  });

  it("1-D operands are a row on the left and a column on the right, and the promoted axis is dropped", () => {
    const v: NdArray = { dtype: "float32", dims: [3], data: Float64Array.of(1, 2, 3) };
    const m: NdArray = { dtype: "float32", dims: [3, 2], data: Float64Array.of(1, 0, 0, 1, 1, 1) };
    expect(matmul(v, m)).toEqual({ dtype: "float32", dims: [2], data: Float64Array.of(4, 5) });
    const mt: NdArray = { dtype: "float32", dims: [2, 3], data: Float64Array.of(1, 0, 1, 0, 1, 1) };
    expect(matmul(mt, v)).toEqual({ dtype: "float32", dims: [2], data: Float64Array.of(4, 5) });
    expect(sameBits(matmul(v, v), { dtype: "float32", dims: [], data: Float64Array.of(14) })).toBe(true);
  });
});
