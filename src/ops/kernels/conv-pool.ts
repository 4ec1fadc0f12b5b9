/**
 * Convolution, transposed convolution and pooling on NC… layouts, shared by the op tables;
 * the geometry (output sizes, effective begin padding) comes from the caller, which knows
 * its op's padding rules.
 *
 * Every output element of a convolution is Σ over (input channel, kernel tap) of x·w, taps in
 * row-major kernel order, skipping taps that fall in the padding, summed from +0 in double.
 * The fast paths keep exactly that sequence of additions:
 *  - im2col + GEMM (1-D and 2-D): windows are packed as GEMM panels with zeros for padded
 *    taps. Adding a ±0 product leaves a sum unchanged (a sum started at +0 never becomes −0),
 *    so this equals skipping them, as long as no weight is ±Inf or NaN (0·Inf is NaN): such
 *    weights take the direct path.
 *    A pointwise window (1×1, unit strides, no padding) packs the input planes as they are.
 *  - depthwise (one input channel per group, 1-D and 2-D): taps accumulate into the output
 *    row in kernel order, over the output range where the tap is inside the input.
 *  - direct: the plain loop, for 3-D and more and for non-finite weights.
 */
import { shapeSize, stridesOf } from "../../ir/shape.js";
import type { NdArray } from "../ndarray.js";
import { newFloat64 } from "./buffers.js";
import { fp16AllFinite, fp16BitsOf } from "./fp16-constant.js";
import { gemm, type LeftMatrix, matrixPanels, PANEL, type PackPanel } from "./matmul.js";

/** The window of each spatial axis and the resulting output size. */
export interface Window {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padsBegin: readonly number[];
  readonly out: readonly number[];
}

/** A 1-D window as the 2-D one with a single row. */
function as2d(win: Window): Window {
  if (win.kernel.length === 2) return win;
  return {
    kernel: [1, win.kernel[0]!],
    strides: [1, win.strides[0]!],
    dilations: [1, win.dilations[0]!],
    padsBegin: [0, win.padsBegin[0]!],
    out: [1, win.out[0]!],
  };
}

/** No ±Inf or NaN in d: x·0 is 0 for finite x and NaN otherwise, so one sum tells. */
function allFinite(d: Float64Array): boolean {
  let z = 0;
  for (let i = 0; i < d.length; i++) z += d[i]! * 0;
  return z === 0;
}

/**
 * Convolution of x [N, C, spatial…] with weights laid out [G, O/G, C/G, kernel…] (a plain
 * convolution is G = 1); `outChannels` is O. The result has x's dtype.
 */
export function convolution(x: NdArray, w: NdArray, win: Window, groups: number, outChannels: number): NdArray {
  const [N, C] = x.dims as [number, number];
  const spatial = x.dims.slice(2);
  const out = newFloat64(N * outChannels * shapeSize(win.out));
  const xd = x.data as Float64Array;
  const geometry = { N, C, groups, O: outChannels };
  // Float16 weights go into the GEMM as their bits, never as a whole array of doubles.
  const bits = fp16BitsOf(w);
  const finite = bits ? fp16AllFinite(bits) : allFinite(w.data as Float64Array);
  if (spatial.length <= 2 && spatial.length > 0 && finite) {
    const [H, W] = spatial.length === 2 ? (spatial as [number, number]) : [1, spatial[0]!];
    if (C / groups === 1) convolveDepthwise(xd, w.data as Float64Array, out, geometry, H, W, as2d(win));
    else convolveGemm(xd, bits ?? (w.data as Float64Array), out, geometry, H, W, as2d(win));
  } else convolveDirect(xd, w.data as Float64Array, out, geometry, spatial, win);
  return { dtype: x.dtype, dims: [N, outChannels, ...win.out], data: out };
}

interface ConvShape {
  N: number;
  C: number;
  groups: number;
  O: number;
}

/** Per image and group: weights [O/G, K] times the im2col matrix [K, positions], K = C/G · kernel taps. */
function convolveGemm(xd: Float64Array, wd: LeftMatrix, out: Float64Array, s: ConvShape, H: number, W: number, win: Window): void {
  const [kh, kw] = win.kernel as [number, number];
  const [sy, sx] = win.strides as [number, number];
  const [dy, dx] = win.dilations as [number, number];
  const [py, px] = win.padsBegin as [number, number];
  const [OH, OW] = win.out as [number, number];
  const cg = s.C / s.groups;
  const og = s.O / s.groups;
  const K = cg * kh * kw;
  const P = OH * OW;
  const plane = H * W;
  const pointwise = kh === 1 && kw === 1 && sy === 1 && sx === 1 && py === 0 && px === 0 && OH === H && OW === W;
  // Four positions of one output row (the common case; PANEL is 4): each tap row is inside or
  // outside the input for all four at once, and a tap column needs bounds checks only near the
  // edges.
  const packRowPanel = (xBase: number, panel: Float64Array, y0: number, x0: number): void => {
    const last = (PANEL - 1) * sx;
    let q = 0;
    for (let c = 0; c < cg; c++) {
      const chan = xBase + c * plane;
      for (let ky = 0; ky < kh; ky++) {
        const iy = y0 + ky * dy;
        if (iy < 0 || iy >= H) {
          panel.fill(0, q, q + kw * PANEL);
          q += kw * PANEL;
          continue;
        }
        const row = chan + iy * W;
        for (let kx = 0; kx < kw; kx++, q += PANEL) {
          const ix = x0 + kx * dx;
          if (ix >= 0 && ix + last < W) {
            const at = row + ix;
            panel[q] = xd[at]!;
            panel[q + 1] = xd[at + sx]!;
            panel[q + 2] = xd[at + 2 * sx]!;
            panel[q + 3] = xd[at + 3 * sx]!;
          } else for (let j = 0, x = ix; j < PANEL; j++, x += sx) panel[q + j] = x >= 0 && x < W ? xd[row + x]! : 0;
        }
      }
    }
  };
  // Positions spread over two rows or past the last one: every tap checked.
  const packAnyPanel = (xBase: number, panel: Float64Array, p0: number): void => {
    for (let j = 0; j < PANEL; j++) {
      const p = p0 + j;
      const oy = Math.floor(p / OW);
      // Positions past the end read nothing: their row start is far outside the input.
      iy0[j] = p < P ? oy * sy - py : -(1 << 30);
      ix0[j] = p < P ? (p - oy * OW) * sx - px : 0;
    }
    let q = 0;
    for (let c = 0; c < cg; c++) {
      const chan = xBase + c * plane;
      for (let ky = 0; ky < kh; ky++) {
        const ty = ky * dy;
        for (let kx = 0; kx < kw; kx++) {
          const tx = kx * dx;
          for (let j = 0; j < PANEL; j++) {
            const iy = iy0[j]! + ty;
            const ix = ix0[j]! + tx;
            panel[q++] = iy >= 0 && iy < H && ix >= 0 && ix < W ? xd[chan + iy * W + ix]! : 0;
          }
        }
      }
    }
  };
  const iy0 = new Int32Array(PANEL);
  const ix0 = new Int32Array(PANEL);
  for (let n = 0; n < s.N; n++) {
    for (let g = 0; g < s.groups; g++) {
      const xBase = (n * s.C + g * cg) * plane;
      // A panel holds PANEL output positions' windows, tap-major: panel[k·PANEL + j]. A
      // pointwise window's im2col matrix is the group's [C/G, H·W] input itself.
      const pack: PackPanel = pointwise
        ? matrixPanels(xd, xBase, K, P, false)
        : (p0, panel) => {
            const oy = Math.floor(p0 / OW);
            const ox = p0 - oy * OW;
            if (ox + PANEL <= OW) packRowPanel(xBase, panel, oy * sy - py, ox * sx - px);
            else packAnyPanel(xBase, panel, p0);
          };
      gemm(wd, g * og * K, og, K, P, pack, out, (n * s.O + g * og) * P, P);
    }
  }
}

/** One input channel per group: each output row accumulates its taps in kernel order. */
function convolveDepthwise(xd: Float64Array, wd: Float64Array, out: Float64Array, s: ConvShape, H: number, W: number, win: Window): void {
  const [kh, kw] = win.kernel as [number, number];
  const [sy, sx] = win.strides as [number, number];
  const [dy, dx] = win.dilations as [number, number];
  const [py, px] = win.padsBegin as [number, number];
  const [OH, OW] = win.out as [number, number];
  const og = s.O / s.groups;
  const taps = kh * kw;
  // Per kernel column: the output columns whose tap lands inside the input.
  const lo = new Int32Array(kw);
  const hi = new Int32Array(kw);
  for (let kx = 0; kx < kw; kx++) {
    const shift = kx * dx - px;
    lo[kx] = Math.max(0, Math.ceil(-shift / sx));
    hi[kx] = Math.min(OW, Math.floor((W - 1 - shift) / sx) + 1);
  }
  for (let n = 0; n < s.N; n++) {
    for (let oc = 0; oc < s.O; oc++) {
      const src = (n * s.C + Math.floor(oc / og)) * H * W;
      const dst = (n * s.O + oc) * OH * OW;
      const wBase = oc * taps;
      for (let oy = 0; oy < OH; oy++) {
        const row = dst + oy * OW;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sy - py + ky * dy;
          if (iy < 0 || iy >= H) continue;
          const inRow = src + iy * W;
          for (let kx = 0; kx < kw; kx++) {
            const wv = wd[wBase + ky * kw + kx]!;
            const shift = inRow + kx * dx - px;
            const end = hi[kx]!;
            for (let ox = lo[kx]!; ox < end; ox++) out[row + ox]! += wv * xd[shift + ox * sx]!;
          }
        }
      }
    }
  }
}

/** Flat kernel taps as per-axis offsets (dilated), in row-major kernel order. */
function kernelOffsets(win: Window): number[][] {
  const n = win.kernel.length;
  const taps: number[][] = [];
  const k = new Array<number>(n).fill(0);
  const total = shapeSize(win.kernel);
  for (let t = 0; t < total; t++) {
    taps.push(k.map((v, i) => v * win.dilations[i]!));
    for (let d = n - 1; d >= 0; d--) {
      if (++k[d]! < win.kernel[d]!) break;
      k[d] = 0;
    }
  }
  return taps;
}

/** Window start (first tap's input coordinate, possibly negative) of every output position, per axis. */
function windowStarts(win: Window): Int32Array[] {
  const n = win.out.length;
  const total = shapeSize(win.out);
  const outStrides = stridesOf(win.out);
  return Array.from({ length: n }, (_, d) => {
    const starts = new Int32Array(total);
    for (let o = 0; o < total; o++) starts[o] = (Math.floor(o / outStrides[d]!) % win.out[d]!) * win.strides[d]! - win.padsBegin[d]!;
    return starts;
  });
}

/** The plain loop over output positions, channels and taps, for any number of spatial axes. */
function convolveDirect(
  xd: Float64Array,
  wd: Float64Array,
  out: Float64Array,
  s: ConvShape,
  spatial: readonly number[],
  win: Window,
): void {
  const offsets = kernelOffsets(win);
  const starts = windowStarts(win);
  const inStrides = stridesOf(spatial);
  const outPlane = shapeSize(win.out);
  const inPlane = shapeSize(spatial);
  const kSize = offsets.length;
  const cg = s.C / s.groups;
  const og = s.O / s.groups;
  const tapIndex = new Int32Array(kSize);
  const tapValid = new Uint8Array(kSize);
  for (let n = 0; n < s.N; n++) {
    for (let o = 0; o < outPlane; o++) {
      for (let t = 0; t < kSize; t++) {
        let idx = 0;
        let ok = 1;
        for (let d = 0; d < spatial.length; d++) {
          const p = starts[d]![o]! + offsets[t]![d]!;
          if (p < 0 || p >= spatial[d]!) {
            ok = 0;
            break;
          }
          idx += p * inStrides[d]!;
        }
        tapIndex[t] = idx;
        tapValid[t] = ok;
      }
      for (let oc = 0; oc < s.O; oc++) {
        const g = Math.floor(oc / og);
        let acc = 0;
        for (let ic = 0; ic < cg; ic++) {
          const xBase = (n * s.C + g * cg + ic) * inPlane;
          const wBase = (oc * cg + ic) * kSize;
          for (let t = 0; t < kSize; t++) if (tapValid[t]) acc += xd[xBase + tapIndex[t]!]! * wd[wBase + t]!;
        }
        out[(n * s.O + oc) * outPlane + o] = acc;
      }
    }
  }
}

export type PoolKind = "max" | "avg";

/**
 * Max or average pooling over x [N, C, spatial…]. Max takes each window's first tap inside
 * the input, then any strictly greater one, and also returns where it was (flat index into
 * the whole input; -1 for a window entirely in the padding). Average divides by the taps
 * inside the input (`excludePad`) or by the taps inside the input or its explicit padding
 * (padsBegin of the window and `padsEnd`; a ceil-mode overhang past padsEnd never counts).
 * Without `indices` (MaxPool-1 has no such output) the second result holds no data, as for
 * average pooling.
 */
export function pool(
  x: NdArray,
  win: Window,
  kind: PoolKind,
  excludePad: boolean,
  padsEnd: readonly number[],
  indices = true,
): [NdArray, NdArray] {
  const [N, C] = x.dims as [number, number];
  const spatial = x.dims.slice(2);
  const dims = [N, C, ...win.out];
  const total = shapeSize(dims);
  const out = newFloat64(total);
  const argmax = newFloat64(kind === "max" && indices ? total : 0);
  const xd = x.data as Float64Array;
  if (spatial.length === 2 || spatial.length === 1) {
    const [H, W] = spatial.length === 2 ? (spatial as [number, number]) : [1, spatial[0]!];
    const ends = spatial.length === 2 ? padsEnd : [0, padsEnd[0] ?? 0];
    pool2d(xd, out, argmax, N * C, H, W, as2d(win), kind, excludePad, ends);
  } else poolDirect(xd, out, argmax, N * C, spatial, win, kind, excludePad, padsEnd);
  return [
    { dtype: x.dtype, dims, data: out },
    { dtype: "float64", dims, data: argmax },
  ];
}

/** Taps of one axis inside [lo, hi) for a window starting at `start`. */
function tapsWithin(start: number, kernel: number, dilation: number, lo: number, hi: number): number {
  let n = 0;
  for (let k = 0; k < kernel; k++) {
    const p = start + k * dilation;
    if (p >= lo && p < hi) n++;
  }
  return n;
}

function pool2d(
  xd: Float64Array,
  out: Float64Array,
  argmax: Float64Array,
  planes: number,
  H: number,
  W: number,
  win: Window,
  kind: PoolKind,
  excludePad: boolean,
  padsEnd: readonly number[],
): void {
  const [kh, kw] = win.kernel as [number, number];
  const [sy, sx] = win.strides as [number, number];
  const [dy, dx] = win.dilations as [number, number];
  const [py, px] = win.padsBegin as [number, number];
  const [OH, OW] = win.out as [number, number];
  const [ey, ex] = [padsEnd[0] ?? 0, padsEnd[1] ?? 0];
  // One plane per call of a small function: V8 optimizes it after a few planes, where one long
  // loop over all planes would run unoptimized until on-stack replacement.
  const poolPlane = (c: number): void => {
    const base = c * H * W;
    for (let oy = 0; oy < OH; oy++) {
      const y0 = oy * sy - py;
      for (let ox = 0; ox < OW; ox++) {
        const x0 = ox * sx - px;
        const o = (c * OH + oy) * OW + ox;
        if (kind === "max") {
          let acc = -Infinity;
          let at = -1;
          for (let ky = 0; ky < kh; ky++) {
            const iy = y0 + ky * dy;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = x0 + kx * dx;
              if (ix < 0 || ix >= W) continue;
              const idx = base + iy * W + ix;
              const v = xd[idx]!;
              if (v > acc || at < 0) {
                acc = v;
                at = idx;
              }
            }
          }
          out[o] = acc;
          if (argmax.length) argmax[o] = at;
        } else {
          let acc = 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = y0 + ky * dy;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = x0 + kx * dx;
              if (ix >= 0 && ix < W) acc += xd[base + iy * W + ix]!;
            }
          }
          const inside = tapsWithin(y0, kh, dy, 0, H) * tapsWithin(x0, kw, dx, 0, W);
          const padded = tapsWithin(y0, kh, dy, -py, H + ey) * tapsWithin(x0, kw, dx, -px, W + ex);
          out[o] = acc / (excludePad ? Math.max(inside, 1) : padded);
        }
      }
    }
  };
  for (let c = 0; c < planes; c++) poolPlane(c);
}

/** Pooling for any number of spatial axes, tap by tap. */
function poolDirect(
  xd: Float64Array,
  out: Float64Array,
  argmax: Float64Array,
  planes: number,
  spatial: readonly number[],
  win: Window,
  kind: PoolKind,
  excludePad: boolean,
  padsEnd: readonly number[],
): void {
  const offsets = kernelOffsets(win);
  const starts = windowStarts(win);
  const inStrides = stridesOf(spatial);
  const outPlane = shapeSize(win.out);
  const inPlane = shapeSize(spatial);
  for (let nc = 0; nc < planes; nc++) {
    const base = nc * inPlane;
    for (let o = 0; o < outPlane; o++) {
      let acc = kind === "max" ? -Infinity : 0;
      let at = -1;
      let count = 0;
      let padded = 0;
      for (const off of offsets) {
        let idx = 0;
        let inside = true;
        let inPadding = true;
        for (let d = 0; d < spatial.length; d++) {
          const p = starts[d]![o]! + off[d]!;
          if (p < 0 || p >= spatial[d]!) inside = false;
          if (p < -win.padsBegin[d]! || p >= spatial[d]! + (padsEnd[d] ?? 0)) inPadding = false;
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
      if (argmax.length) argmax[nc * outPlane + o] = at;
    }
  }
}

/**
 * Transposed convolution of x [N, C, spatial…] with filters [G, C/G, O/G, kernel…] (G = 1:
 * [C, O, kernel…]): every input element scatters its product with the kernel into the output
 * at i·stride + t·dilation − padsBegin; `outSpatial` is the output's spatial size. Each output
 * element sums its contributions by input channel, then input position, then tap.
 */
export function transposedConvolution(
  x: NdArray,
  w: NdArray,
  groups: number,
  outPerGroup: number,
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
  padsBegin: readonly number[],
  outSpatial: readonly number[],
): NdArray {
  const [N, C] = x.dims as [number, number];
  const inSp = x.dims.slice(2);
  const n = inSp.length;
  const inPerGroup = C / groups;
  const O = outPerGroup * groups;
  const inPlane = shapeSize(inSp);
  const outPlane = shapeSize(outSpatial);
  const kSize = shapeSize(kernel);
  const outStrides = stridesOf(outSpatial);
  const inStrides = stridesOf(inSp);
  const kStrides = stridesOf(kernel);
  // For each (input position, tap): the output offset, or -1 when it falls in the padding.
  const target = new Int32Array(inPlane * kSize);
  for (let p = 0; p < inPlane; p++) {
    for (let t = 0; t < kSize; t++) {
      let off = 0;
      for (let d = 0; d < n; d++) {
        const i = Math.floor(p / inStrides[d]!) % inSp[d]!;
        const k = Math.floor(t / kStrides[d]!) % kernel[d]!;
        const o = i * strides[d]! + k * dilations[d]! - padsBegin[d]!;
        if (o < 0 || o >= outSpatial[d]!) {
          off = -1;
          break;
        }
        off += o * outStrides[d]!;
      }
      target[p * kSize + t] = off;
    }
  }
  const xd = x.data as Float64Array;
  const wd = w.data as Float64Array;
  const out = new Float64Array(N * O * outPlane);
  for (let b = 0; b < N; b++) {
    for (let g = 0; g < groups; g++) {
      for (let ic = 0; ic < inPerGroup; ic++) {
        const xBase = (b * C + g * inPerGroup + ic) * inPlane;
        for (let oc = 0; oc < outPerGroup; oc++) {
          const wBase = ((g * inPerGroup + ic) * outPerGroup + oc) * kSize;
          const yBase = (b * O + g * outPerGroup + oc) * outPlane;
          for (let p = 0; p < inPlane; p++) {
            const v = xd[xBase + p]!;
            for (let t = 0; t < kSize; t++) {
              const o = target[p * kSize + t]!;
              if (o >= 0) out[yBase + o]! += v * wd[wBase + t]!;
            }
          }
        }
      }
    }
  }
  return { dtype: x.dtype, dims: [N, O, ...outSpatial], data: out };
}
