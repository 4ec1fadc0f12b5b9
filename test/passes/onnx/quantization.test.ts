/**
 * The quantization passes on hand-built QDQ graphs, checked with onnxruntime: the exact form
 * (qdq-arithmetic) must give onnxruntime's own outputs for the QDQ graph, with no integer
 * value left between layers; --dequantize (dequantize) removes the activation pairs, folds the
 * weights, and leaves integer graph inputs/outputs alone.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { attr } from "../../../src/ir/attribute.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { runPipeline } from "../../../src/passes/manager.js";
import { dequantizeGraph, dequantizePass } from "../../../src/passes/onnx/quantization/dequantize.js";
import { qdqToArithmetic } from "../../../src/passes/onnx/quantization/qdq-arithmetic.js";
import { shapeInferencePass } from "../../../src/passes/onnx/shape-inference.js";
import { convertAndRun } from "../../frontends/tflite/fixtures.js";
import { npyTensor } from "../../frontends/tflite/tflite-corpus.js";
import { GraphBuilder, preservesOutputs } from "../../support/build.js";
import { diff, withinFp16, withinFp32 } from "../../support/compare.js";

const f32 = (dims: number[], f: (i: number) => number) =>
  Tensor.fromArray(
    "float32",
    dims,
    Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => f(i)),
  );

/** x → Q/DQ (uint8) → Conv with int8 per-channel weights → Relu → Q/DQ (int8) → output. */
function qdqConvNet() {
  const b = new GraphBuilder(13);
  const x = b.input("x", "float32", [1, 2, 5, 5]);
  const s = b.floats("s", [0.02], []);
  const zp = b.const("zp", Tensor.fromArray("uint8", [], Uint8Array.of(128)));
  const [qx] = b.op("QuantizeLinear", [x, s, zp]);
  const [dx] = b.op("DequantizeLinear", [qx, s, zp]);
  const w = b.const(
    "w",
    Tensor.fromArray(
      "int8",
      [3, 2, 3, 3],
      Int8Array.from({ length: 54 }, (_, i) => ((i * 37) % 255) - 127),
    ),
  );
  const ws = b.floats("ws", [0.01, 0.02, 0.005]);
  const wz = b.const("wz", Tensor.fromArray("int8", [3], new Int8Array(3)));
  const [dw] = b.op("DequantizeLinear", [w, ws, wz], { axis: attr.int(0) });
  const [conv] = b.op("Conv", [dx, dw], { pads: attr.ints([1, 1, 1, 1]) });
  const [relu] = b.op("Relu", [conv!]);
  const s2 = b.floats("s2", [0.2], []);
  const z2 = b.const("z2", Tensor.fromArray("int8", [], Int8Array.of(-5)));
  const [q2] = b.op("QuantizeLinear", [relu!, s2, z2]);
  const [y] = b.op("DequantizeLinear", [q2, s2, z2]);
  b.output(y!);
  return b.model();
}

const input = f32([1, 2, 5, 5], (i) => Math.sin(i * 1.7) * 2.5);
const ops = (m: ReturnType<typeof qdqConvNet>) => m.graph.nodes.map((n) => n.opType);

describe("qdq-arithmetic: quantize/dequantize pairs as float round/clamp", () => {
  it("gives onnxruntime's outputs of the QDQ graph, with no integer tensor left", async () => {
    const m = qdqConvNet();
    const r = await preservesOutputs(m, [input], (model) => {
      runPipeline(model, [shapeInferencePass]);
      const { pairs, weights } = qdqToArithmetic(model.graph);
      expect([pairs, weights]).toEqual([2, 1]);
      return pairs > 0;
    });
    expect(r.ops).not.toContain("QuantizeLinear");
    expect(r.ops).not.toContain("DequantizeLinear");
    expect(r.ops).toContain("Round");
    runPipeline(m, [shapeInferencePass]);
    const integer = [...m.graph.values()].filter((v) => v.producer && ["int8", "uint8"].includes(v.dtype ?? ""));
    expect(integer.map((v) => v.name)).toEqual([]);
  });

  it("handles per-axis activation scales and zero points", async () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2, 3, 4]);
    const s = b.floats("s", [0.1, 0.05, 0.2]);
    const zp = b.const("zp", Tensor.fromArray("uint8", [3], Uint8Array.of(10, 128, 250)));
    const [q] = b.op("QuantizeLinear", [x, s, zp], { axis: attr.int(1) });
    const [y] = b.op("DequantizeLinear", [q, s, zp], { axis: attr.int(1) });
    b.output(y!);
    const m = b.model();
    const r = await preservesOutputs(m, [f32([2, 3, 4], (i) => (i - 12) * 1.37)], (model) => {
      runPipeline(model, [shapeInferencePass]);
      return qdqToArithmetic(model.graph).pairs === 1;
    });
    expect(r.changed).toBe(true);
    expect(r.ops).not.toContain("QuantizeLinear");
  });

  it("handles scales computed at run time", async () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2, 6]);
    const [range] = b.op("ReduceMax", [b.op("Abs", [x])[0]], { axes: attr.ints([0, 1]), keepdims: attr.int(0) });
    const [s] = b.op("Div", [range, b.floats("k", [127], [])]);
    const zp = b.const("zp", Tensor.fromArray("int8", [], Int8Array.of(0)));
    const [q] = b.op("QuantizeLinear", [x, s, zp]);
    const [y] = b.op("DequantizeLinear", [q, s, zp]);
    b.output(y!);
    const r = await preservesOutputs(b.model(), [f32([2, 6], (i) => Math.cos(i) * 3)], (model) => {
      runPipeline(model, [shapeInferencePass]);
      return qdqToArithmetic(model.graph).pairs === 1;
    });
    expect(r.changed).toBe(true);
    expect(r.ops).not.toContain("DequantizeLinear");
  });

  it("in FP16 form, writes a scale below FP16's range as the clamp it amounts to (no x/0)", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [4]);
    const s = b.floats("s", [1e-9], []);
    const zp = b.const("zp", Tensor.fromArray("int8", [], Int8Array.of(0)));
    const [q] = b.op("QuantizeLinear", [x, s, zp]);
    const [y] = b.op("DequantizeLinear", [q, s, zp]);
    b.output(y!);
    const m = b.model();
    runPipeline(m, [shapeInferencePass]);
    expect(qdqToArithmetic(m.graph, { fp16: true }).pairs).toBe(1);
    expect(ops(m)).toEqual(["Clip"]);
  });

  it("leaves pairs whose quantize and dequantize parameters differ, and integer graph inputs/outputs", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [4]);
    const u = b.input("u", "uint8", [4]);
    const [q] = b.op("QuantizeLinear", [x, b.floats("s1", [0.1], [])]);
    const [y] = b.op("DequantizeLinear", [q, b.floats("s2", [0.2], [])]);
    const [du] = b.op("DequantizeLinear", [u, b.floats("s3", [0.5], [])]);
    const [qo] = b.op("QuantizeLinear", [x, b.floats("s4", [0.5], [])]);
    b.output(y!);
    b.output(du!);
    b.output(qo!);
    const m = b.model();
    runPipeline(m, [shapeInferencePass]);
    expect(qdqToArithmetic(m.graph)).toEqual({ pairs: 0, weights: 0 });
    expect(dequantizeGraph(m.graph)).toEqual({ pairs: 0, weights: 0 });
    expect(ops(m)).toEqual(["QuantizeLinear", "DequantizeLinear", "DequantizeLinear", "QuantizeLinear"]);
  });
});

describe("dequantize (--dequantize)", () => {
  it("removes the rounding of activation pairs and folds weights: the graph computes the float model", async () => {
    const quantized = qdqConvNet();
    const m = qdqConvNet();
    const result = runPipeline(m, [shapeInferencePass, dequantizePass]);
    // Each pair leaves the clamp to its range (the saturation), as one Clip.
    expect(ops(m)).toEqual(["Clip", "Conv", "Relu", "Clip"]);
    expect(result.passes.find((p) => p.name === "dequantize")?.notes.join()).toMatch(
      /removed 2 activation .* pairs .* 1 weight .* may differ slightly/,
    );
    // The float model differs from the quantized one by about a quantization step.
    const { runOrt } = await import("../../support/ort.js");
    const { encodeOnnx } = await import("../../../src/frontends/onnx/save.js");
    const [a] = await runOrt(encodeOnnx(m), [input]);
    const [q] = await runOrt(encodeOnnx(quantized), [input]);
    const fa = a!.toFloat32();
    const fq = q!.toFloat32();
    const maxDiff = Math.max(...fa.map((v, i) => Math.abs(v - fq[i]!)));
    expect(maxDiff).toBeGreaterThan(0);
    expect(maxDiff).toBeLessThanOrEqual(2 * 0.2);
  });

  it("keeps the saturation a QDQ model relies on (onnxruntime drops a Relu into a zero point of 0)", async () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [6]);
    const s = b.floats("s", [0.1], []);
    const zp = b.const("zp", Tensor.fromArray("uint8", [], Uint8Array.of(0)));
    const [y] = b.op("DequantizeLinear", [b.op("QuantizeLinear", [x, s, zp])[0], s, zp]);
    b.output(y!);
    const m = b.model();
    runPipeline(m, [shapeInferencePass, dequantizePass]);
    const { runOrt } = await import("../../support/ort.js");
    const { encodeOnnx } = await import("../../../src/frontends/onnx/save.js");
    const [out] = await runOrt(encodeOnnx(m), [Tensor.fromArray("float32", [6], Float32Array.of(-3, -0.01, 0.26, 1, 25.4, 30))]);
    expect(Array.from(out!.toFloat32())).toEqual(Array.from(Float32Array.of(0, 0, 0.26, 1, 25.4, 25.5)));
  });

  it("folds a round trip (x/s + z − z)·s around a removed pair back to x", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2, 6]);
    const [range] = b.op("ReduceMax", [x], { axes: attr.ints([1]), keepdims: attr.int(1) });
    const [s] = b.op("Div", [range, b.floats("k", [255], [])]);
    const z = b.floats("z", [-3], []);
    const [u] = b.op("Add", [b.op("Div", [x, s])[0], z]);
    const one = b.floats("one", [1], []);
    const zero = b.const("zero", Tensor.fromArray("int8", [], Int8Array.of(0)));
    const [v] = b.op("DequantizeLinear", [b.op("QuantizeLinear", [u, one, zero])[0], one, zero]);
    const [y] = b.op("Mul", [b.op("Sub", [v, z])[0], s]);
    const [out] = b.op("Relu", [y!]);
    b.output(out!);
    const m = b.model();
    runPipeline(m, [shapeInferencePass, dequantizePass]);
    expect(m.graph.nodes.find((n) => n.opType === "Relu")!.inputs[0]).toBe(x);
  });
});

describe("an onnxruntime QDQ model (test/fixtures/realworld/qstatic_qdq)", () => {
  const dirOf = fileURLToPath(new URL("../../fixtures/realworld/qstatic_qdq/", import.meta.url));
  const file = join(dirOf, "model.onnx");
  const feeds = [npyTensor(join(dirOf, "input_0.npy"))];
  const expected = npyTensor(join(dirOf, "output_0.npy"));

  it("converts exactly: onnxruntime's outputs in FP32, no integer Convert pair for MYRIAD to refuse", () => {
    const exact = convertAndRun(file, feeds);
    expect(withinFp32(diff(exact.outputs[0]!, expected))).toBe(true);
    expect(exact.converted.quantization).toMatchObject({ mode: "exact", pairs: 8, weights: 6 });
    expect(exact.converted.net.layers.filter((l) => l.type === "Convert")).toEqual([]);
    expect(withinFp16(diff(convertAndRun(file, feeds, { dataType: "FP16" }).outputs[0]!, expected))).toBe(true);
  });

  it("--dequantize: fewer layers, within the quantized model's own distance from its float model (0.013)", () => {
    const exact = convertAndRun(file, feeds);
    const r = convertAndRun(file, feeds, { dequantize: true });
    expect(r.converted.net.layers.length).toBeLessThan(exact.converted.net.layers.length / 2);
    expect(diff(r.outputs[0]!, expected).maxAbs).toBeLessThanOrEqual(0.02);
  });
});
