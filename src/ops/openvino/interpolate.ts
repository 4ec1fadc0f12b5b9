/**
 * Interpolate-4 (and Interpolate-1's nearest/linear), from the OpenVINO op specification:
 * separable per axis, modes nearest, linear_onnx/linear and cubic (Keys' kernel with
 * cube_coeff, edge samples repeated), all coordinate transformation modes, all nearest
 * rounding modes. Antialiasing is refused.
 */
import { shapeSize } from "../../ir/shape.js";
import type { NdArray } from "../ndarray.js";
import { ints, type OvOpDef, type OvRunContext, strAttr } from "./op-def.js";

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

/** The resized axes with their output sizes and scales (from sizes or scales, per shape_calculation_mode). */
function target(
  inputs: readonly NdArray[],
  node: OvRunContext["node"],
  version: number,
): { axes: number[]; sizes: number[]; scales: number[] } {
  const x = inputs[0]!;
  const rank = x.dims.length;
  let axes: number[];
  let sizes: number[];
  let scales: number[];
  if (version < 4) {
    axes = ints({
      dtype: "int64",
      dims: [],
      data: BigInt64Array.from(
        strAttr(node, "axes", "")
          .split(",")
          .filter(Boolean)
          .map((s) => BigInt(s.trim())),
      ),
    });
    sizes = ints(inputs[1]!);
    scales = axes.map((a, i) => sizes[i]! / x.dims[a]!);
  } else {
    axes = inputs[3] ? ints(inputs[3]).map((a) => (a < 0 ? a + rank : a)) : x.dims.map((_, i) => i);
    const bySizes = strAttr(node, "shape_calculation_mode", "sizes") === "sizes";
    const sizeIn = ints(inputs[1]!);
    const scaleIn = Array.from(inputs[2]!.data as ArrayLike<number>, Number);
    scales = bySizes ? axes.map((a, i) => sizeIn[i]! / x.dims[a]!) : scaleIn;
    sizes = bySizes ? sizeIn : axes.map((a, i) => Math.floor(x.dims[a]! * scaleIn[i]! + 1e-5));
  }
  return { axes, sizes, scales };
}

export const OV_INTERPOLATE: Record<string, OvOpDef> = {
  Interpolate: {
    run(inputs, { node, version }) {
      const x = inputs[0]!;
      const mode = strAttr(node, "mode", "nearest");
      if (strAttr(node, "antialias", "false") === "true")
        throw new Error(`Interpolate mode ${mode} with antialias is not supported by the interpreter`);
      const a = Number(strAttr(node, "cube_coeff", "-0.75"));
      const { axes, sizes, scales } = target(inputs, node, version);
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
    outputTypes(inputs, { node, version }) {
      const { axes, sizes } = target(inputs, node, version);
      const dims = [...inputs[0]!.dims];
      for (const [i, a] of axes.entries()) dims[a] = sizes[i]!;
      return [{ dtype: inputs[0]!.dtype, dims }];
    },
  },
};
