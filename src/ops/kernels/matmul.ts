/**
 * Matrix products on Float64Array data: a register-blocked GEMM and the MatMul built on it.
 * Each output element is one sum Σ_k a[m,k]·b[k,n], started at +0 and taken in increasing k,
 * in double: the same additions in the same order as the plain triple loop, so results are
 * bit-identical to it; the blocking only changes which elements are computed together.
 *
 * The right-hand matrix is consumed as panels of PANEL columns packed k-major
 * (panel[k·PANEL + j] = B[k, n0 + j]), which callers fill from wherever B comes from: a
 * matrix, or convolution windows read straight from the input (im2col). The left-hand one
 * is doubles, or float16 patterns (an FP16 run's weights) decoded on their way in.
 */
import { fp16ArrayToFloat64, fp16BitsToFloat32 } from "../../ir/numeric/float-bits.js";
import { shapeSize, stridesOf } from "../../ir/shape.js";
import type { NdArray } from "../ndarray.js";
import { newFloat64 } from "./buffers.js";
import { type SimdGemm, simdGemm } from "./matmul-simd.js";

/** Columns per packed panel and rows per register tile: a 4×4 tile keeps 16 sums in registers. */
export const PANEL = 4;
const ROWS = 4;

/** Fills panel[k·PANEL + j] with B[k, n0 + j] for j < PANEL (zeros past the last column). */
export type PackPanel = (n0: number, panel: Float64Array) => void;

/** Packed bytes per block of panels: kept within L2 alongside a 4-row strip of A. */
const BLOCK_BYTES = 1 << 19;

/** Below this many multiply-adds the copies into WebAssembly memory cost more than they save. */
const SIMD_MIN_WORK = 1 << 14;

/** A row-major left-hand matrix: its values, or their float16 patterns. */
export type LeftMatrix = Float64Array | Uint16Array;

/** Rows [offset, offset + count) of a left-hand matrix as doubles, into `dst` from `dstOffset`. */
function copyLeft(a: LeftMatrix, offset: number, count: number, dst: Float64Array, dstOffset: number): Float64Array {
  if (a instanceof Float64Array) dst.set(a.subarray(offset, offset + count), dstOffset);
  else fp16ArrayToFloat64(a.subarray(offset, offset + count), dst, dstOffset);
  return dst;
}

/**
 * out[outOffset + m·outStride + n] = Σ_k a[aOffset + m·K + k] · B[k, n] for m < M, n < N, where
 * B is given panel by panel by `pack`. Each A strip of 4 rows is reused across a block of
 * panels that fits in cache. The tiles run as WebAssembly SIMD where available.
 */
export function gemm(
  a: LeftMatrix,
  aOffset: number,
  M: number,
  K: number,
  N: number,
  pack: PackPanel,
  out: Float64Array,
  outOffset: number,
  outStride: number,
): void {
  const simd = M * N * K >= SIMD_MIN_WORK ? simdGemm() : null;
  if (!simd || !gemmSimd(simd, a, aOffset, M, K, N, pack, out, outOffset, outStride))
    gemmScalar(a, aOffset, M, K, N, pack, out, outOffset, outStride);
}

function panelsPerBlock(K: number, panelCount: number): number {
  return Math.max(1, Math.min(panelCount, Math.floor(BLOCK_BYTES / (K * PANEL * 8))));
}

/** The GEMM with the scalar tiles below: the reference for the SIMD one. */
export function gemmScalar(
  left: LeftMatrix,
  leftOffset: number,
  M: number,
  K: number,
  N: number,
  pack: PackPanel,
  out: Float64Array,
  outOffset: number,
  outStride: number,
): void {
  // Float16 rows are decoded once, up front: the tiles read each element many times.
  const a = left instanceof Float64Array ? left : copyLeft(left, leftOffset, M * K, new Float64Array(M * K), 0);
  const aOffset = left instanceof Float64Array ? leftOffset : 0;
  const panelCount = Math.ceil(N / PANEL);
  const perBlock = panelsPerBlock(K, panelCount);
  const block = new Float64Array(perBlock * K * PANEL);
  for (let p0 = 0; p0 < panelCount; p0 += perBlock) {
    const panels = Math.min(perBlock, panelCount - p0);
    for (let p = 0; p < panels; p++) pack((p0 + p) * PANEL, block.subarray(p * K * PANEL, (p + 1) * K * PANEL));
    let m = 0;
    for (; m + ROWS <= M; m += ROWS)
      for (let p = 0; p < panels; p++) {
        const n0 = (p0 + p) * PANEL;
        tile4x4(a, aOffset + m * K, K, block, p * K * PANEL, out, outOffset + m * outStride + n0, outStride, Math.min(PANEL, N - n0));
      }
    for (; m < M; m++)
      for (let p = 0; p < panels; p++) {
        const n0 = (p0 + p) * PANEL;
        tile1x4(a, aOffset + m * K, K, block, p * K * PANEL, out, outOffset + m * outStride + n0, Math.min(PANEL, N - n0));
      }
  }
}

/**
 * Steps of k per pass of the SIMD tiles: a strip of A and a panel over this many steps (8 KiB
 * each) stay in the L1 cache while the strip meets every panel of the block.
 */
const SIMD_K_BLOCK = 256;
/** Bytes of the panels' current k-block: kept within L2 while every strip of A passes over them. */
const SIMD_BLOCK_BYTES = 1 << 19;
/**
 * Bytes of A's rows held in the memory at once. A deep layer's weights are tens of MB as
 * doubles (ResNet-18's last convolutions: 512×4608); decoding them a block of rows at a time
 * keeps the memory, which is touched page by page the first time, a few MB.
 */
const SIMD_ROWS_BYTES = 1 << 20;

/**
 * The GEMM on the SIMD tile; false (nothing written) when its memory cannot grow that far.
 * The memory holds a block of A's rows (padded with zeros to a multiple of 4), one block of
 * packed panels and their C (every panel's 4 columns); the rows and columns that padding added
 * are computed and dropped when C is copied out. So the memory needed is a few MB whatever M
 * and N are. C is zeroed, then the tiles add one k-block at a time (see SIMD_K_BLOCK). When
 * all of A fits, it is decoded once for every block of panels.
 */
function gemmSimd(
  simd: SimdGemm,
  a: LeftMatrix,
  aOffset: number,
  M: number,
  K: number,
  N: number,
  pack: PackPanel,
  out: Float64Array,
  outOffset: number,
  outStride: number,
): boolean {
  const panelCount = Math.ceil(N / PANEL);
  const kBlock = Math.max(1, Math.min(K, SIMD_K_BLOCK));
  const perBlock = Math.max(1, Math.min(panelCount, Math.floor(SIMD_BLOCK_BYTES / (kBlock * PANEL * 8))));
  const blockCols = perBlock * PANEL;
  const Mp = Math.ceil(M / ROWS) * ROWS;
  const rowBlock = Math.min(Mp, Math.max(ROWS, Math.floor(SIMD_ROWS_BYTES / (K * 8 * ROWS)) * ROWS));
  const bBase = rowBlock * K;
  const cBase = bBase + perBlock * K * PANEL;
  const cEnd = cBase + rowBlock * blockCols;
  // Float16 rows are copied in as bits after C, then decoded by the module's own loop.
  const stage = cEnd * 8;
  const mem = simd.doubles(stage + (a instanceof Uint16Array ? rowBlock * K * 2 : 0));
  if (!mem) return false;
  /** A's rows [m0, m0 + rows) into the memory, zeros after them up to a multiple of 4. */
  const loadRows = (m0: number, rows: number) => {
    const from = aOffset + m0 * K;
    const count = rows * K;
    if (a instanceof Float64Array) mem.set(a.subarray(from, from + count), 0);
    else {
      new Uint16Array(mem.buffer, stage, count).set(a.subarray(from, from + count));
      const quads = count - (count % 4);
      simd.fp16ToF64(stage, 0, quads);
      for (let i = quads; i < count; i++) mem[i] = fp16BitsToFloat32(a[from + i]!);
    }
    mem.fill(0, count, Math.ceil(rows / ROWS) * ROWS * K);
  };
  const allRows = rowBlock >= M;
  if (allRows) loadRows(0, M);
  for (let p0 = 0; p0 < panelCount; p0 += perBlock) {
    const panels = Math.min(perBlock, panelCount - p0);
    for (let p = 0; p < panels; p++) pack((p0 + p) * PANEL, mem.subarray(bBase + p * K * PANEL, bBase + (p + 1) * K * PANEL));
    const n0 = p0 * PANEL;
    const cols = Math.min(panels * PANEL, N - n0);
    for (let m0 = 0; m0 < M; m0 += rowBlock) {
      const rows = Math.min(rowBlock, M - m0);
      if (!allRows) loadRows(m0, rows);
      mem.fill(0, cBase, cEnd);
      for (let k0 = 0; k0 < K; k0 += kBlock)
        simd.tiles(
          k0 * 8,
          K * 8,
          (bBase + k0 * PANEL) * 8,
          Math.min(kBlock, K - k0),
          cBase * 8,
          blockCols * 8,
          Math.ceil(rows / ROWS),
          panels,
          K * PANEL * 8,
        );
      for (let m = 0, c = cBase; m < rows; m++, c += blockCols) out.set(mem.subarray(c, c + cols), outOffset + (m0 + m) * outStride + n0);
    }
  }
  return true;
}

/** Four rows of A times one packed panel; `cols` of the four results are stored. */
function tile4x4(
  a: Float64Array,
  a0: number,
  K: number,
  b: Float64Array,
  b0: number,
  out: Float64Array,
  o: number,
  stride: number,
  cols: number,
): void {
  const a1 = a0 + K;
  const a2 = a1 + K;
  const a3 = a2 + K;
  let c00 = 0;
  let c01 = 0;
  let c02 = 0;
  let c03 = 0;
  let c10 = 0;
  let c11 = 0;
  let c12 = 0;
  let c13 = 0;
  let c20 = 0;
  let c21 = 0;
  let c22 = 0;
  let c23 = 0;
  let c30 = 0;
  let c31 = 0;
  let c32 = 0;
  let c33 = 0;
  for (let k = 0, q = b0; k < K; k++, q += PANEL) {
    const v0 = b[q]!;
    const v1 = b[q + 1]!;
    const v2 = b[q + 2]!;
    const v3 = b[q + 3]!;
    const x0 = a[a0 + k]!;
    const x1 = a[a1 + k]!;
    const x2 = a[a2 + k]!;
    const x3 = a[a3 + k]!;
    c00 += x0 * v0;
    c01 += x0 * v1;
    c02 += x0 * v2;
    c03 += x0 * v3;
    c10 += x1 * v0;
    c11 += x1 * v1;
    c12 += x1 * v2;
    c13 += x1 * v3;
    c20 += x2 * v0;
    c21 += x2 * v1;
    c22 += x2 * v2;
    c23 += x2 * v3;
    c30 += x3 * v0;
    c31 += x3 * v1;
    c32 += x3 * v2;
    c33 += x3 * v3;
  }
  storeRow(out, o, cols, c00, c01, c02, c03);
  storeRow(out, o + stride, cols, c10, c11, c12, c13);
  storeRow(out, o + 2 * stride, cols, c20, c21, c22, c23);
  storeRow(out, o + 3 * stride, cols, c30, c31, c32, c33);
}

/** One row of A times one packed panel (the rows left over after the 4-row tiles). */
function tile1x4(a: Float64Array, a0: number, K: number, b: Float64Array, b0: number, out: Float64Array, o: number, cols: number): void {
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  for (let k = 0, q = b0; k < K; k++, q += PANEL) {
    const x = a[a0 + k]!;
    c0 += x * b[q]!;
    c1 += x * b[q + 1]!;
    c2 += x * b[q + 2]!;
    c3 += x * b[q + 3]!;
  }
  storeRow(out, o, cols, c0, c1, c2, c3);
}

function storeRow(out: Float64Array, o: number, cols: number, v0: number, v1: number, v2: number, v3: number): void {
  if (cols === PANEL) {
    out[o] = v0;
    out[o + 1] = v1;
    out[o + 2] = v2;
    out[o + 3] = v3;
    return;
  }
  out[o] = v0;
  if (cols > 1) out[o + 1] = v1;
  if (cols > 2) out[o + 2] = v2;
}

/** A packer for columns of a row-major K×N matrix at `offset` (or, transposed, of an N×K one). */
export function matrixPanels(b: Float64Array, offset: number, K: number, N: number, transposed: boolean): PackPanel {
  return (n0, panel) => {
    const cols = Math.min(PANEL, N - n0);
    if (cols < PANEL) panel.fill(0);
    for (let j = 0; j < cols; j++) {
      if (transposed) for (let k = 0, src = offset + (n0 + j) * K; k < K; k++) panel[k * PANEL + j] = b[src + k]!;
      else for (let k = 0, src = offset + n0 + j; k < K; k++, src += N) panel[k * PANEL + j] = b[src]!;
    }
  };
}

/** MatMul's output dims: broadcast batch axes, then M×N; 1-D operands lose their promoted axis. */
export function matmulDims(a: readonly number[], b: readonly number[], transposeA: boolean, transposeB: boolean): number[] {
  const ad = a.length === 1 ? [1, a[0]!] : [...a];
  const bd = b.length === 1 ? [b[0]!, 1] : [...b];
  const M = transposeA ? ad[ad.length - 1]! : ad[ad.length - 2]!;
  const N = transposeB ? bd[bd.length - 2]! : bd[bd.length - 1]!;
  let dims = [...broadcastBatch(ad.slice(0, -2), bd.slice(0, -2)), M, N];
  if (a.length === 1) dims = dims.filter((_, i) => i !== dims.length - 2);
  if (b.length === 1) dims = dims.slice(0, -1);
  return dims;
}

/** Batch axes broadcast (the larger size per axis; validity is the caller's check). */
function broadcastBatch(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => Math.max(a[a.length - rank + i] ?? 1, b[b.length - rank + i] ?? 1));
}

/** Offset of batch entry `flat` (of the broadcast batch dims) in an operand with batch dims `dims`. */
function batchOffset(dims: readonly number[], batch: readonly number[], batchStrides: readonly number[], flat: number): number {
  const rank = batch.length;
  let idx = 0;
  let rem = flat;
  for (let i = 0; i < rank; i++) {
    const coord = Math.floor(rem / batchStrides[i]!);
    rem -= coord * batchStrides[i]!;
    const k = dims.length - rank + i;
    if (k >= 0) idx = idx * dims[k]! + (dims[k] === 1 ? 0 : coord);
  }
  return idx;
}

/** The transpose of a row-major rows×cols matrix at `offset`. */
function transposed(src: Float64Array, offset: number, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[offset + r * cols + c]!;
  return out;
}

/**
 * Matrix product with numpy batch broadcasting (OpenVINO MatMul, ONNX MatMul): 1-D operands
 * are promoted to a row (a) or a column (b) and the promoted axis dropped again; the last two
 * axes of a or b are transposed first where asked.
 */
export function matmul(a: NdArray, b: NdArray, transposeA = false, transposeB = false): NdArray {
  const ad = a.dims.length === 1 ? [1, a.dims[0]!] : [...a.dims];
  const bd = b.dims.length === 1 ? [b.dims[0]!, 1] : [...b.dims];
  const [ar, ac] = [ad[ad.length - 2]!, ad[ad.length - 1]!];
  const [br, bc] = [bd[bd.length - 2]!, bd[bd.length - 1]!];
  const M = transposeA ? ac : ar;
  const K = transposeA ? ar : ac;
  const N = transposeB ? br : bc;
  const batchA = ad.slice(0, -2);
  const batchB = bd.slice(0, -2);
  const batch = broadcastBatch(batchA, batchB);
  const batchStrides = stridesOf(batch);
  const count = shapeSize(batch);
  const out = newFloat64(count * M * N);
  const ax = a.data as Float64Array;
  const bx = b.data as Float64Array;
  for (let bi = 0; bi < count; bi++) {
    const ia = batchOffset(batchA, batch, batchStrides, bi) * ar * ac;
    const ib = batchOffset(batchB, batch, batchStrides, bi) * br * bc;
    const [left, leftOffset] = transposeA ? [transposed(ax, ia, ar, ac), 0] : [ax, ia];
    gemm(left, leftOffset, M, K, N, matrixPanels(bx, ib, K, N, transposeB), out, bi * M * N, N);
  }
  return { dtype: a.dtype, dims: matmulDims(a.dims, b.dims, transposeA, transposeB), data: out };
}
