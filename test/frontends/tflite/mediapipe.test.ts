/**
 * MediaPipe's custom ops (MaxPoolingWithArgmax2D, MaxUnpooling2D, Convolution2DTransposeBias)
 * on hand-built flatbuffers (make_fixtures.py). TensorFlow Lite cannot run them, so the
 * reference is computed here with plain loops over NHWC, from what the ops are documented to
 * compute: window max (cells outside the input skipped) with its in-window position
 * dy·fw + dx + 0.1 (first maximum wins), values written back at those positions, and the
 * scatter form of a transposed convolution with MediaPipe's output size.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../../src/frontends/load-model.js";
import { readTfliteBytes } from "../../../src/frontends/tflite/load.js";
import { constantTensor } from "../../../src/frontends/tflite/tensors.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { diff, withinFp16, withinFp32 } from "../../support/compare.js";
import { convertAndRun, fixture, layerCounts } from "./fixtures.js";

interface Nhwc {
  dims: number[];
  data: Float32Array;
}
const nhwc = (t: Tensor): Nhwc => ({ dims: [...t.dims], data: t.toFloat32() });
const at = (d: number[], n: number, y: number, x: number, c: number) => ((n * d[1]! + y) * d[2]! + x) * d[3]! + c;
const tensor = (a: Nhwc) => Tensor.fromArray("float32", a.dims, a.data);

/** Max pooling with the position of the max in its window, TF padding (before = floor(total/2)). */
function argmaxPool(x: Nhwc, k: [number, number], s: [number, number], same: boolean, relu = false): [Nhwc, Nhwc] {
  const [n, h, w, ch] = x.dims as [number, number, number, number];
  const oh = same ? Math.ceil(h / s[0]) : Math.floor((h - k[0]) / s[0]) + 1;
  const ow = same ? Math.ceil(w / s[1]) : Math.floor((w - k[1]) / s[1]) + 1;
  const pt = Math.max(0, Math.floor(((oh - 1) * s[0] + k[0] - h) / 2));
  const pl = Math.max(0, Math.floor(((ow - 1) * s[1] + k[1] - w) / 2));
  const dims = [n, oh, ow, ch];
  const values = new Float32Array(n * oh * ow * ch);
  const index = new Float32Array(values.length);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let c = 0; c < ch; c++) {
          let best = -Infinity;
          let pos = 0;
          for (let dy = 0; dy < k[0]; dy++)
            for (let dx = 0; dx < k[1]; dx++) {
              const [y, xx] = [oy * s[0] - pt + dy, ox * s[1] - pl + dx];
              if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
              const v = x.data[at(x.dims, b, y, xx, c)]!;
              if (v > best) [best, pos] = [v, dy * k[1] + dx];
            }
          values[at(dims, b, oy, ox, c)] = relu ? Math.max(best, 0) : best;
          index[at(dims, b, oy, ox, c)] = Math.fround(pos + 0.1);
        }
  return [
    { dims, data: values },
    { dims, data: index },
  ];
}

/** Each value back at its window position (stride = filter), zeros elsewhere. */
function unpool(v: Nhwc, index: Nhwc, k: [number, number]): Nhwc {
  const [n, h, w, ch] = v.dims as [number, number, number, number];
  const dims = [n, h * k[0], w * k[1], ch];
  const out = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let c = 0; c < ch; c++) {
          const i = Math.trunc(index.data[at(v.dims, b, y, x, c)]!);
          out[at(dims, b, y * k[0] + Math.floor(i / k[1]), x * k[1] + (i % k[1]), c)] = v.data[at(v.dims, b, y, x, c)]!;
        }
  return { dims, data: out };
}

/** Transposed convolution as a scatter: OHWI weights, bias, MediaPipe's output size and padding. */
function transposeConvBias(x: Nhwc, wt: Tensor, bias: Float32Array, stride: number, same: boolean): Nhwc {
  const [n, h, w, ci] = x.dims as [number, number, number, number];
  const [co, kh, kw] = wt.dims as [number, number, number];
  const weights = wt.toFloat32();
  const pad = (size: number, k: number) => (same ? Math.max(0, k - ((size - 1) % stride) - 1) : 0);
  const [padH, padW] = [pad(h, kh), pad(w, kw)];
  const dims = [n, stride * (h - 1) + kh - padH, stride * (w - 1) + kw - padW, co];
  const out = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = bias[i % co]!;
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++)
        for (let c = 0; c < ci; c++)
          for (let fy = 0; fy < kh; fy++)
            for (let fx = 0; fx < kw; fx++) {
              const [oy, ox] = [y * stride - Math.floor(padH / 2) + fy, xx * stride - Math.floor(padW / 2) + fx];
              if (oy < 0 || oy >= dims[1]! || ox < 0 || ox >= dims[2]!) continue;
              for (let o = 0; o < co; o++) {
                const i = at(dims, b, oy, ox, o);
                out[i] = out[i]! + x.data[at(x.dims, b, y, xx, c)]! * weights[((o * kh + fy) * kw + fx) * ci + c]!;
              }
            }
  return { dims, data: out };
}

function expectMatches(actual: readonly Tensor[], expected: readonly Nhwc[]): void {
  expected.forEach((e, i) => {
    expect(actual[i]!.dims).toEqual(e.dims);
    const d = diff(actual[i]!, tensor(e));
    expect(withinFp32(d), `output ${i}: max-abs ${d.maxAbs}`).toBe(true);
  });
}

describe("MaxPoolingWithArgmax2D and MaxUnpooling2D", () => {
  it("2×2 stride 2 SAME pooling with argmax, then unpooling: values, indices (+0.1) and the unpooled map", () => {
    const f = fixture("mediapipe_argmax_unpool");
    const x = nhwc(f.inputs[0]!);
    const [pooled, index] = argmaxPool(x, [2, 2], [2, 2], true);
    const r = convertAndRun(f.model, f.inputs);
    expectMatches(r.outputs, [pooled, index, unpool(pooled, index, [2, 2])]);
    // MYRIAD's MaxPool has no indices output: the index is computed from window taps.
    const layers = layerCounts(r.converted);
    expect(layers.get("MaxPool")).toBe(1);
    expect(r.converted.net.layers.filter((l) => l.type === "MaxPool" && l.outputs.length > 1)).toEqual([]);
    const h = convertAndRun(f.model, f.inputs, { dataType: "FP16" });
    expect(withinFp16(diff(h.outputs[2]!, tensor(unpool(pooled, index, [2, 2]))))).toBe(true);
    expect(Array.from(h.outputs[1]!.toFloat32(), Math.floor)).toEqual(Array.from(index.data, Math.floor));
  });

  it("3×3 stride 2 SAME on an odd size (the extra padding after), fused RELU on the values only", () => {
    const f = fixture("mediapipe_argmax_odd_relu");
    const r = convertAndRun(f.model, f.inputs);
    expectMatches(r.outputs, argmaxPool(nhwc(f.inputs[0]!), [3, 3], [2, 2], true, true));
  });

  it("VALID with ties: the first maximum in row-major window order wins", () => {
    const f = fixture("mediapipe_argmax_ties");
    const x = nhwc(f.inputs[0]!);
    expect(new Set(x.data).size).toBeLessThanOrEqual(3);
    const r = convertAndRun(f.model, f.inputs);
    expectMatches(r.outputs, argmaxPool(x, [2, 2], [2, 2], false));
  });

  it("translates without a warning; overlapping unpooling windows are refused with the reason", () => {
    expect(loadModel(fixture("mediapipe_argmax_unpool").model).warnings).toEqual([]);
    const { warnings } = loadModel(fixture("mediapipe_unpool_overlapping").model);
    expect(warnings).toEqual([expect.stringMatching(/^operator 0 \(MaxUnpooling2D\): overlapping windows \(stride 2×2 ≠ filter 3×3\)/)]);
  });
});

describe("Convolution2DTransposeBias", () => {
  it.each([
    ["mediapipe_transpose_conv_bias_k3", 2, true],
    ["mediapipe_transpose_conv_bias_k2", 2, false],
  ] as const)("%s matches the scatter reference (MediaPipe's output size)", (name, stride, same) => {
    const f = fixture(name);
    const tfl = readTfliteBytes(readFileSync(f.model), f.model);
    const constant = (name: string) => {
      const t = tfl.subgraphs[0]!.tensors.find((x) => x.name === name)!;
      return constantTensor(t, tfl.buffers[t.buffer]!);
    };
    const w = constant("w");
    const b = constant("b").toFloat32();
    const expected = transposeConvBias(nhwc(f.inputs[0]!), w, b, stride, same);
    const r = convertAndRun(f.model, f.inputs);
    expectMatches(r.outputs, [expected]);
  });
});
