/**
 * One test per layout fact of the TFLite → MYRIAD translation, on tiny hand-built models
 * (make_fixtures.py, layout_facts) whose expected outputs are worked out by hand here; the
 * fixtures' TensorFlow Lite outputs must agree with the hand values too, so both the
 * translation and the reading of TFLite's kernels are checked.
 */
import { describe, expect, it } from "vitest";
import { convertAndRun, fixture } from "./fixtures.js";

function check(name: string, expected: readonly (readonly number[])[]): void {
  const f = fixture(name);
  expect(f.outputs).toHaveLength(expected.length);
  f.outputs.forEach((o, i) => {
    const tfl = Array.from(o.toFloat32());
    tfl.forEach((v, k) => {
      expect(v, `TFLite ${name} output ${i}[${k}]`).toBeCloseTo(expected[i]![k]!, 5);
    });
  });
  for (const dataType of ["FP32", "FP16"] as const) {
    const r = convertAndRun(f.model, f.inputs, { dataType });
    r.outputs.forEach((o, i) => {
      expect(o.dims).toEqual(f.outputs[i]!.dims);
      Array.from(o.toFloat32()).forEach((v, k) => {
        expect(v, `${dataType} ${name} output ${i}[${k}]`).toBeCloseTo(expected[i]![k]!, dataType === "FP32" ? 5 : 1);
      });
    });
  }
}

describe("TFLite layout facts, against values worked out by hand", () => {
  it("SAME is asymmetric: a 2×2 stride-2 window on 5×5 puts the one padding cell after", () => {
    // x = 1…25 row-major; windows start at rows/cols 0, 2, 4; the last ones hang over the edge.
    check("fact_same_odd_stride2", [
      [1 + 2 + 6 + 7, 3 + 4 + 8 + 9, 5 + 10, 11 + 12 + 16 + 17, 13 + 14 + 18 + 19, 15 + 20, 21 + 22, 23 + 24, 25],
    ]);
  });

  it("AVERAGE_POOL_2D with SAME averages over the valid cells only", () => {
    // x = 1…9 in 3×3; 2×2 windows at stride 2, padding after: 4, 2, 2 and 1 valid cells.
    check("fact_avgpool_same", [[(1 + 2 + 4 + 5) / 4, (3 + 6) / 2, (7 + 8) / 2, 9]]);
  });

  describe("resize modes (3 → 5 columns of 10, 20, 40)", () => {
    it("bilinear, neither flag: x_in = x·3/5", () => check("fact_resize_bilinear_asymmetric", [[10, 16, 24, 36, 40]]));
    it("bilinear, align_corners: x_in = x·2/4", () => check("fact_resize_bilinear_align_corners", [[10, 15, 20, 30, 40]]));
    // (x + ½)·3/5 − ½ = −0.2, 0.4, 1.0, 1.6, 2.2, clamped to the edges.
    it("bilinear, half_pixel_centers", () => check("fact_resize_bilinear_half_pixel_centers", [[10, 14, 20, 32, 40]]));
    it("nearest, neither flag: floor(x·3/5)", () => check("fact_resize_nearest_asymmetric", [[10, 10, 20, 20, 40]]));
    // round(x·0.5) rounds halves away from zero: 0, 1, 1, 2, 2.
    it("nearest, align_corners: round(x·2/4)", () => check("fact_resize_nearest_align_corners", [[10, 20, 20, 40, 40]]));
    it("nearest, half_pixel_centers: floor((x + ½)·3/5)", () => check("fact_resize_nearest_half_pixel_centers", [[10, 10, 20, 40, 40]]));
  });

  it("depthwise multiplier 2: output channel c·2 + m reads input channel c with weight c·2 + m", () => {
    // Two pixels (3, 5) and (7, 11); weights 1, 2, 3, 4.
    check("fact_depthwise_multiplier", [[3 * 1, 3 * 2, 5 * 3, 5 * 4, 7 * 1, 7 * 2, 11 * 3, 11 * 4]]);
  });

  describe("TRANSPOSE_CONV takes the output size it is given (3×3 ones, stride 2, SAME, from 3×3 ones)", () => {
    // Along one axis each output cell counts the (input, tap) pairs landing on it: i·2 + k − pad.
    const outer = (v: number[]) => v.flatMap((a) => v.map((b) => a * b));
    it("5×5: one cell of padding before", () => check("fact_transpose_conv_5", [outer([1, 2, 1, 2, 1])]));
    it("6×6: no padding before, the last tap falls outside", () => check("fact_transpose_conv_6", [outer([1, 1, 2, 1, 2, 1])]));
  });

  it("fused activations NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT on ADD and CONV_2D", () => {
    const x = [-2, -0.5, 0, 0.5, 2, 7];
    const clamp = (lo: number, hi: number) => x.map((v) => Math.min(hi, Math.max(lo, v)));
    // TFLite's kernels clamp to the activation's range; TANH and SIGN_BIT have none and leave x as it is.
    const byActivation = [x, clamp(0, Infinity), clamp(-1, 1), clamp(0, 6), x, x];
    check("fact_fused_activations", [...byActivation, ...byActivation]);
  });
});
