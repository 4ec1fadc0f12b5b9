/**
 * OpenVINO interpreter kernels on small cases worked out by hand from the OpenVINO op
 * specification — above all the modes and attributes our ONNX lowering never emits
 * (they appear in IRs written by Model Optimizer), where the node-test sweep cannot see them.
 */
import { describe, expect, it } from "vitest";
import { attr } from "../../../src/ir/attribute.js";
import { Node } from "../../../src/ir/node.js";
import type { NdArray } from "../../../src/ops/ndarray.js";
import { openvinoOp } from "../../../src/ops/openvino/registry.js";

const f = (dims: number[], values: number[]): NdArray => ({ dtype: "float32", dims, data: Float64Array.from(values) });
const i64 = (dims: number[], values: number[]): NdArray => ({ dtype: "int64", dims, data: BigInt64Array.from(values, (v) => BigInt(v)) });

function run(type: string, version: number, inputs: NdArray[], attrs: Record<string, string> = {}): NdArray[] {
  const node = new Node({
    opType: type,
    domain: "openvino",
    version,
    attributes: Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, attr.string(v)])),
  });
  const def = openvinoOp(type);
  if (!def) throw new Error(`no kernel for ${type}`);
  return def.run(inputs, { node, version });
}
const values = (a: NdArray | undefined) => Array.from(a!.data as ArrayLike<number | bigint>, Number);

describe("OpenVINO kernels: modes the lowering does not emit", () => {
  it("Round-5 rounds halves to even or away from zero", () => {
    const x = f([6], [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]);
    expect(values(run("Round", 5, [x], { mode: "half_away_from_zero" })[0])).toEqual([-3, -2, -1, 1, 2, 3]);
    expect(values(run("Round", 5, [x], { mode: "half_to_even" })[0]).map((v) => v + 0)).toEqual([-2, -2, 0, 0, 2, 2]);
  });

  it("FloorMod takes the divisor's sign, Mod the dividend's", () => {
    const a = f([2], [-7, 7]);
    const b = f([2], [3, -3]);
    expect(values(run("FloorMod", 1, [a, b])[0])).toEqual([2, -2]);
    expect(values(run("Mod", 1, [a, b])[0])).toEqual([-1, 1]);
  });

  it("MVN-6 puts eps inside or outside the square root", () => {
    const x = f([2], [1, 3]); // mean 2, variance 1
    const axes = i64([1], [0]);
    expect(values(run("MVN", 6, [x, axes], { eps: "3", eps_mode: "inside_sqrt", normalize_variance: "true" })[0])).toEqual([-0.5, 0.5]);
    expect(values(run("MVN", 6, [x, axes], { eps: "3", eps_mode: "outside_sqrt", normalize_variance: "true" })[0])).toEqual([-0.25, 0.25]);
    expect(values(run("MVN", 6, [x, axes], { eps: "3", eps_mode: "outside_sqrt", normalize_variance: "false" })[0])).toEqual([-1, 1]);
  });

  it("TopK-3 sorts by value or by index; equal values keep the lower index first", () => {
    const x = f([5], [3, 1, 4, 1, 5]);
    const k3 = i64([], [3]);
    const [v, i] = run("TopK", 3, [x, k3], { axis: "0", mode: "max", sort: "value", index_element_type: "i32" });
    expect([values(v), values(i), i!.dtype]).toEqual([[5, 4, 3], [4, 2, 0], "int32"]);
    const [v2, i2] = run("TopK", 3, [x, k3], { axis: "0", mode: "max", sort: "index" });
    expect([values(v2), values(i2)]).toEqual([
      [3, 4, 5],
      [0, 2, 4],
    ]);
    const [v3, i3] = run("TopK", 3, [x, i64([], [2])], { axis: "0", mode: "min", sort: "value" });
    expect([values(v3), values(i3)]).toEqual([
      [1, 1],
      [1, 3],
    ]);
  });

  it("Broadcast-3 explicit mode places data axes by axes_mapping", () => {
    const [y] = run("Broadcast", 3, [f([2], [1, 2]), i64([2], [2, 3]), i64([1], [0])], { mode: "explicit" });
    expect([y!.dims, values(y)]).toEqual([
      [2, 3],
      [1, 1, 1, 2, 2, 2],
    ]);
  });

  it("NormalizeL2-1 adds eps or takes the max with it", () => {
    const x = f([2], [3, 4]);
    const axes = i64([1], [0]);
    expect(values(run("NormalizeL2", 1, [x, axes], { eps: "0", eps_mode: "add" })[0])).toEqual([0.6, 0.8]);
    expect(values(run("NormalizeL2", 1, [x, axes], { eps: "100", eps_mode: "max" })[0])).toEqual([0.3, 0.4]);
  });

  it("MaxPool-8 returns indices into the whole input (axis 0)", () => {
    const x = f([2, 1, 2, 2], [1, 4, 3, 2, 5, 6, 8, 7]);
    const [v, i] = run("MaxPool", 8, [x], {
      kernel: "2,2",
      strides: "1,1",
      pads_begin: "0,0",
      pads_end: "0,0",
      dilations: "1,1",
      index_element_type: "i64",
      axis: "0",
    });
    expect([values(v), values(i), i!.dtype]).toEqual([[4, 8], [1, 6], "int64"]);
  });

  it("IsInf-10 honours detect_negative; IsNaN and IsFinite", () => {
    const x = f([4], [-Infinity, Infinity, 1, NaN]);
    expect(values(run("IsInf", 10, [x], { detect_negative: "false", detect_positive: "true" })[0])).toEqual([0, 1, 0, 0]);
    expect(values(run("IsNaN", 10, [x])[0])).toEqual([0, 0, 0, 1]);
    expect(values(run("IsFinite", 10, [x])[0])).toEqual([0, 0, 1, 0]);
  });

  it("Gelu-7 with the erf and the tanh approximation", () => {
    const x = f([1], [1]);
    expect(values(run("Gelu", 7, [x], { approximation_mode: "erf" })[0])[0]).toBeCloseTo(0.8413447461, 9);
    expect(values(run("Gelu", 7, [x], { approximation_mode: "tanh" })[0])[0]).toBeCloseTo(0.8411919906, 9);
  });

  it("DepthToSpace-1 blocks_first and depth_first; SpaceToDepth-1 inverts blocks_first", () => {
    const x = f([1, 8, 1, 1], [0, 1, 2, 3, 4, 5, 6, 7]);
    const [dcr] = run("DepthToSpace", 1, [x], { mode: "blocks_first", block_size: "2" });
    expect([dcr!.dims, values(dcr)]).toEqual([
      [1, 2, 2, 2],
      [0, 2, 4, 6, 1, 3, 5, 7],
    ]);
    const [crd] = run("DepthToSpace", 1, [x], { mode: "depth_first", block_size: "2" });
    expect(values(crd)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const [back] = run("SpaceToDepth", 1, [dcr!], { mode: "blocks_first", block_size: "2" });
    expect([back!.dims, values(back)]).toEqual([
      [1, 8, 1, 1],
      [0, 1, 2, 3, 4, 5, 6, 7],
    ]);
  });

  it("CumSum-3 exclusive and reverse", () => {
    expect(values(run("CumSum", 3, [f([3], [1, 2, 3]), i64([], [0])], { exclusive: "true", reverse: "true" })[0])).toEqual([5, 3, 0]);
    expect(values(run("CumSum", 3, [i64([3], [1, 2, 3]), i64([], [0])])[0])).toEqual([1, 3, 6]);
  });

  it("ConvolutionBackpropData-1 and GroupConvolutionBackpropData-1 scatter into the output", () => {
    const x = f([1, 1, 2], [1, 2]);
    const w = f([1, 1, 2], [1, 1]);
    const base = { pads_begin: "0", pads_end: "0", dilations: "1", auto_pad: "explicit" };
    expect(values(run("ConvolutionBackpropData", 1, [x, w], { ...base, strides: "2" })[0])).toEqual([1, 1, 2, 2]);
    expect(values(run("ConvolutionBackpropData", 1, [x, w], { ...base, strides: "1" })[0])).toEqual([1, 3, 2]);
    expect(values(run("ConvolutionBackpropData", 1, [x, w], { ...base, strides: "1", pads_begin: "1", output_padding: "1" })[0])).toEqual([
      3, 2, 0,
    ]);
    const [g] = run("GroupConvolutionBackpropData", 1, [f([1, 2, 1], [1, 2]), f([2, 1, 1, 1], [3, 4])], { ...base, strides: "1" });
    expect([g!.dims, values(g)]).toEqual([
      [1, 2, 1],
      [3, 8],
    ]);
  });

  it("OneHot-1 along axis 0; an index outside [0, depth) selects nothing", () => {
    const [y] = run("OneHot", 1, [i64([2], [1, 5]), i64([], [3]), f([], [1]), f([], [0])], { axis: "0" });
    expect([y!.dims, values(y)]).toEqual([
      [3, 2],
      [0, 0, 1, 0, 0, 0],
    ]);
  });

  it("NonMaxSuppression-5 with center boxes keeps one of two identical boxes", () => {
    const boxes = f([1, 3, 4], [0.5, 0.5, 1, 1, 0.5, 0.5, 1, 1, 5, 5, 1, 1]);
    const scores = f([1, 1, 3], [0.9, 0.8, 0.7]);
    const [sel, selScores, valid] = run("NonMaxSuppression", 5, [boxes, scores, i64([], [10]), f([], [0.5]), f([], [0]), f([], [0])], {
      box_encoding: "center",
      sort_result_descending: "false",
      output_type: "i32",
    });
    expect([sel!.dims, values(sel), sel!.dtype]).toEqual([[2, 3], [0, 0, 0, 0, 0, 2], "int32"]);
    expect(values(selScores).map((v) => Math.round(v * 10) / 10)).toEqual([0, 0, 0.9, 0, 0, 0.7]);
    expect(values(valid)).toEqual([2]);
  });

  it("ReverseSequence-1 reverses each batch entry's first seq_lengths elements", () => {
    const [y] = run("ReverseSequence", 1, [f([2, 3], [1, 2, 3, 4, 5, 6]), i64([2], [2, 3])], { batch_axis: "0", seq_axis: "1" });
    expect(values(y)).toEqual([2, 1, 3, 6, 5, 4]);
  });

  it("LRN-1 divides by (bias + alpha/size · Σx²)^beta over the channel window", () => {
    const [y] = run("LRN", 1, [f([1, 3, 1, 1], [1, 2, 3]), i64([1], [1])], { alpha: "3", beta: "1", bias: "0", size: "3" });
    const got = values(y);
    for (const [k, v] of [1 / 5, 2 / 14, 3 / 13].entries()) expect(got[k]).toBeCloseTo(v, 12);
  });

  it("Range-4 writes the requested output type", () => {
    const [y] = run("Range", 4, [i64([], [0]), i64([], [5]), i64([], [2])], { output_type: "f32" });
    expect([y!.dtype, values(y)]).toEqual(["float32", [0, 2, 4]]);
  });

  it("LSTMSequence-5: direction and sequence lengths place the steps (W = R = 0, so only the biases act)", () => {
    // f = i = o = σ(0) = ½ and g = tanh(atanh ½) = ½: C₁ = ¼, C₂ = ½·¼ + ¼ = ⅜; H = ½·tanh(C).
    const bias = (dirs: number) => f([dirs, 4], Array.from({ length: dirs }, () => [0, 0, Math.atanh(0.5), 0]).flat());
    const zeros = (dims: number[]) => f(dims, new Array<number>(dims.reduce((a, b) => a * b, 1)).fill(0));
    const h = (c: number) => 0.5 * Math.tanh(c);
    const run1 = (direction: string, dirs: number) =>
      run(
        "LSTMSequence",
        5,
        [zeros([1, 3, 1]), zeros([1, dirs, 1]), zeros([1, dirs, 1]), i64([1], [2]), zeros([dirs, 4, 1]), zeros([dirs, 4, 1]), bias(dirs)],
        { hidden_size: "1", direction, activations: "sigmoid,tanh,tanh", clip: "0" },
      );
    const close = (got: number[], want: number[]) => {
      for (const [k, v] of want.entries()) expect(got[k]).toBeCloseTo(v, 12);
    };
    const [yf, hf] = run1("forward", 1);
    close(values(yf), [h(0.25), h(0.375), 0]);
    close(values(hf), [h(0.375)]);
    const [yr, hr, cr] = run1("reverse", 1);
    close(values(yr), [h(0.375), h(0.25), 0]);
    close(values(hr), [h(0.375)]);
    close(values(cr), [0.375]);
    const [yb] = run1("bidirectional", 2);
    expect(yb!.dims).toEqual([1, 2, 3, 1]);
    close(values(yb), [h(0.25), h(0.375), 0, h(0.375), h(0.25), 0]);
  });

  it("GRUSequence-5: linear_before_reset keeps the recurrent h bias inside the reset gate; reverse walks back", () => {
    // W = R = 0, so z = r = σ(0) = ½. With linear_before_reset h̃ = tanh(Wbh + r·Rbh), else tanh(b_h).
    const zeros = (dims: number[]) => f(dims, new Array<number>(dims.reduce((a, b) => a * b, 1)).fill(0));
    const a = 2 * Math.atanh(0.5);
    const gru = (lbr: boolean, direction: string) =>
      run(
        "GRUSequence",
        5,
        [
          zeros([1, 2, 1]),
          zeros([1, 1, 1]),
          i64([1], [2]),
          zeros([1, 3, 1]),
          zeros([1, 3, 1]),
          lbr ? f([1, 4], [0, 0, 0, a]) : f([1, 3], [0, 0, a]),
        ],
        { hidden_size: "1", direction, activations: "sigmoid,tanh", clip: "0", linear_before_reset: String(lbr) },
      );
    const close = (got: number[], want: number[]) => {
      for (const [k, v] of want.entries()) expect(got[k]).toBeCloseTo(v, 12);
    };
    // h̃ = ½: H₁ = ½·½ = ¼, H₂ = ½·½ + ½·¼ = ⅜.
    close(values(gru(true, "forward")[0]), [0.25, 0.375]);
    close(values(gru(true, "reverse")[0]), [0.375, 0.25]);
    // h̃ = tanh(2·atanh ½) = 0.8: H₁ = 0.4, H₂ = 0.4 + 0.2 = 0.6.
    close(values(gru(false, "forward")[0]), [0.4, 0.6]);
  });
});
