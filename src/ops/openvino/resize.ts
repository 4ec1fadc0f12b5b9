/**
 * Interpolate-4 (and Interpolate-1's nearest/linear), from the OpenVINO op specification:
 * separable per axis, modes nearest, linear_onnx/linear and cubic (Keys' kernel with
 * cube_coeff, edge samples repeated), all coordinate transformation modes, all nearest
 * rounding modes. Antialiasing is refused.
 */
import type { Node } from "../../ir/node.js";
import { shapeSize } from "../../ir/shape.js";
import type { NdArray } from "../ndarray.js";
import { axisIn, DYNAMIC, known } from "./dims.js";
import { type OvOpDef, required, ShapeError, strAttr } from "./op-def.js";

type Coord = (o: number, scale: number, inSize: number, outSize: number) => number;

const COORDINATE: Record<string, Coord> = {
  half_pixel: (o, s) => (o + 0.5) / s - 0.5,
  pytorch_half_pixel: (o, s, _i, out) => (out > 1 ? (o + 0.5) / s - 0.5 : 0),
  asymmetric: (o, s) => o / s,
  tf_half_pixel_for_nn: (o, s) => (o + 0.5) / s,
  align_corners: (o, _s, inSize, out) => (out === 1 ? 0 : (o * (inSize - 1)) / (out - 1)),
};

const NEAREST: Record<string, (x: number, scale: number) => number> = {
  round_prefer_floor: (x) => (x % 1 === 0.5 ? Math.floor(x) : Math.round(x)),
  round_prefer_ceil: (x) => Math.round(x),
  floor: (x) => Math.floor(x),
  ceil: (x) => Math.ceil(x),
  simple: (x, s) => (s < 1 ? Math.ceil(x) : Math.floor(x)),
};

/** Resamples one axis; `taps(o)` gives source indices and weights for output index o. */
function resampleAxis(
  data: Float64Array,
  dims: number[],
  axis: number,
  outSize: number,
  taps: (o: number) => [number, number][],
): { data: Float64Array; dims: number[] } {
  const outDims = [...dims];
  outDims[axis] = outSize;
  const inner = shapeSize(dims.slice(axis + 1));
  const outer = shapeSize(dims.slice(0, axis));
  const out = new Float64Array(shapeSize(outDims));
  const table = Array.from({ length: outSize }, (_, o) => taps(o));
  for (let a = 0; a < outer; a++) {
    for (let o = 0; o < outSize; o++) {
      const t = table[o]!;
      for (let i = 0; i < inner; i++) {
        let acc = 0;
        for (const [src, w] of t) acc += w * data[(a * dims[axis]! + src) * inner + i]!;
        out[(a * outSize + o) * inner + i] = acc;
      }
    }
  }
  return { data: out, dims: outDims };
}

/** The four taps of cubic convolution around coordinate c (Keys, coefficient a). */
function cubicTaps(c: number, inSize: number, a: number): [number, number][] {
  const i = Math.floor(c);
  const t = c - i;
  const near = (d: number) => ((a + 2) * d - (a + 3)) * d * d + 1; // |d| ≤ 1
  const far = (d: number) => ((a * d - 5 * a) * d + 8 * a) * d - 4 * a; // 1 < |d| < 2
  const weights = [far(t + 1), near(t), near(1 - t), far(2 - t)];
  return weights.map((w, k) => [Math.min(Math.max(i + k - 1, 0), inSize - 1), w]);
}

/** The resized axes with their output sizes and scales (from sizes or scales, per shape_calculation_mode); -1 sizes are unknown. */
function target(
  x: { dims: readonly number[] },
  values: (i: number) => readonly number[] | undefined,
  node: Node,
  version: number,
): { axes: number[]; sizes: number[]; scales: number[] } {
  const rank = x.dims.length;
  let axes: number[];
  let sizes: number[];
  let scales: number[];
  const scaleOf = (size: number, a: number) => (known(size) && known(x.dims[a]!) ? size / x.dims[a]! : Number.NaN);
  if (version < 4) {
    axes = strAttr(node, "axes", "")
      .split(",")
      .filter(Boolean)
      .map((s) => axisIn(Number(s.trim()), rank));
    sizes = values(1)?.map(Number) ?? axes.map(() => DYNAMIC);
    scales = axes.map((a, i) => scaleOf(sizes[i]!, a));
  } else {
    axes = (values(3) ?? x.dims.map((_, i) => i)).map((a) => axisIn(a, rank));
    const bySizes = strAttr(node, "shape_calculation_mode", "sizes") === "sizes";
    const sizeIn = values(1);
    const scaleIn = values(2);
    scales = bySizes ? axes.map((a, i) => (sizeIn ? scaleOf(sizeIn[i]!, a) : Number.NaN)) : (scaleIn ?? axes.map(() => Number.NaN)).slice();
    sizes = bySizes
      ? (sizeIn ?? axes.map(() => DYNAMIC)).slice()
      : axes.map((a, i) => (scaleIn && known(x.dims[a]!) ? Math.floor(x.dims[a]! * scaleIn[i]! + 1e-5) : DYNAMIC));
  }
  if (sizes.length < axes.length || scales.length < axes.length)
    throw new ShapeError(`${axes.length} axes are resized but ${Math.min(sizes.length, scales.length)} sizes or scales are given`);
  return { axes, sizes, scales };
}

/** The values of input i as numbers (floats kept), when known. */
function numbers(a: NdArray | undefined): number[] | undefined {
  return a ? Array.from(a.data as ArrayLike<number | bigint>, Number) : undefined;
}

export const OV_RESIZE: Record<string, OvOpDef> = {
  Interpolate: {
    run(inputs, { node, version }) {
      const x = inputs[0]!;
      const mode = strAttr(node, "mode", "nearest");
      if (strAttr(node, "antialias", "false") === "true")
        throw new Error(`Interpolate mode ${mode} with antialias is not supported by the interpreter`);
      const a = Number(strAttr(node, "cube_coeff", "-0.75"));
      const { axes, sizes, scales } = target(x, (i) => numbers(inputs[i]), node, version);
      const coord = COORDINATE[strAttr(node, "coordinate_transformation_mode", "half_pixel")];
      const nearest = NEAREST[strAttr(node, "nearest_mode", "round_prefer_floor")];
      if (!coord || !nearest) throw new Error("unknown Interpolate coordinate or nearest mode");
      let data: Float64Array = Float64Array.from(x.data as ArrayLike<number>, Number);
      let dims = [...x.dims];
      axes.forEach((axis, i) => {
        const inSize = dims[axis]!;
        const outSize = sizes[i]!;
        const scale = scales[i]!;
        const r = resampleAxis(data, dims, axis, outSize, (o) => {
          const c = coord(o, scale, inSize, outSize);
          if (mode === "nearest") return [[Math.min(Math.max(nearest(c, scale), 0), inSize - 1), 1]];
          if (mode === "cubic") return cubicTaps(c, inSize, a);
          const xc = Math.min(Math.max(c, 0), inSize - 1);
          const i0 = Math.floor(xc);
          const i1 = Math.min(i0 + 1, inSize - 1);
          const w = xc - i0;
          return i0 === i1
            ? [[i0, 1]]
            : [
                [i0, 1 - w],
                [i1, w],
              ];
        });
        data = r.data;
        dims = r.dims;
      });
      return [{ dtype: x.dtype, dims, data } as NdArray];
    },
    infer(inputs, { node, version }) {
      const x = required(inputs, 0);
      const { axes, sizes } = target(x, (i) => numbers(inputs[i]?.value()), node, version);
      const dims = [...x.dims];
      for (const [i, a] of axes.entries()) dims[a] = sizes[i]!;
      return [{ dtype: x.dtype, dims }];
    },
  },
};
