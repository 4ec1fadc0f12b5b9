import { describe, expect, it } from "vitest";
import { encodeOnnx } from "../../../src/frontends/onnx/save.js";
import { attr } from "../../../src/ir/attribute.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { verifyModel } from "../../../src/ir/verify.js";
import { runPipeline } from "../../../src/passes/manager.js";
import { foldConstants } from "../../../src/passes/onnx/constant-folding.js";
import { inferShapes } from "../../../src/passes/onnx/shape-inference.js";
import { fixPipeline } from "../../../src/passes/pipelines.js";
import { GraphBuilder } from "../../support/build.js";
import { bitwiseEqual, runOrt } from "../../support/ort.js";

describe("constant-folding", () => {
  it("collapses a Shape → Gather → Unsqueeze → Concat → Reshape chain once shapes are known", async () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2, 3, 4]);
    const [shape] = b.op("Shape", [x]);
    const [first] = b.op("Gather", [shape, b.ints("zero", [0], [])], { axis: attr.int(0) });
    const [un] = b.op("Unsqueeze", [first, b.ints("axes", [0])]);
    const [cat] = b.op("Concat", [un, b.ints("minus1", [-1])], { axis: attr.int(0) });
    const [y] = b.op("Reshape", [x, cat]);
    b.output(y!);
    const m = b.model();
    const input = Tensor.fromArray(
      "float32",
      [2, 3, 4],
      Float32Array.from({ length: 24 }, (_, i) => i),
    );
    const before = await runOrt(encodeOnnx(m), [input]);
    const report = runPipeline(m, fixPipeline());
    expect(report.hitCap).toBe(false);
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(["Reshape"]);
    expect(m.graph.nodes[0]!.inputs[1]!.initializer!.toIntegers()).toEqual([2, -1]);
    expect(verifyModel(m)).toEqual([]);
    const after = await runOrt(encodeOnnx(m), [input]);
    expect(bitwiseEqual(after[0]!, before[0]!)).toBe(true);
    expect(after[0]!.dims).toEqual([2, 12]);
  });

  it("folds Constant nodes into initializers and arithmetic on them", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2]);
    const [c] = b.op("Constant", [], { value: attr.tensor(Tensor.fromArray("float32", [2], Float32Array.of(1.5, 2))) });
    const [k] = b.op("Mul", [c, b.floats("two", [2])]);
    const [y] = b.op("Add", [x, k]);
    b.output(y!);
    const m = b.model();
    const r = foldConstants(m);
    expect(r.changed).toBe(true);
    expect(r.stats.folded).toBe(2);
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(["Add"]);
    expect(Array.from(m.graph.nodes[0]!.inputs[1]!.initializer!.toFloat32())).toEqual([3, 4]);
  });

  it("does not fold nodes that read a graph input, an overridable initializer or a random op", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2]);
    const w = b.floats("w", [1, 2]);
    b.graph.addInput(w); // IR<4 style: an initializer that is also an input may be overridden
    const [a] = b.op("Add", [x, b.floats("one", [1, 1])]);
    const [c] = b.op("Mul", [w, b.floats("k", [3, 3])]);
    const [r] = b.op("RandomUniformLike", [b.floats("seed", [0, 0])]);
    const [s] = b.op("Sum", [a, c, r]);
    b.output(s!);
    const m = b.model();
    expect(foldConstants(m).changed).toBe(false);
    expect(m.graph.nodes).toHaveLength(4);
  });

  it("refuses to materialise a huge ConstantOfShape unless the limit allows it", () => {
    const b = new GraphBuilder(13);
    const [big] = b.op("ConstantOfShape", [b.ints("shape", [1024, 1024])], {
      value: attr.tensor(Tensor.fromArray("float32", [1], Float32Array.of(1))),
    });
    const x = b.input("x", "float32", [1024, 1024]);
    const [y] = b.op("Add", [x, big]);
    b.output(y!);
    const m = b.model();
    inferShapes(m);
    const r = foldConstants(m);
    expect(r.changed).toBe(false);
    expect(r.notes?.[0]).toMatch(/ConstantOfShape.*not folded: its result would exceed 1048576 bytes/);
    expect(foldConstants(m, { expandLimitBytes: 8 << 20 }).changed).toBe(true);
    expect(m.graph.initializers.get(big!.name)!.initializer!.byteLength).toBe(4 << 20);
  });

  it("keeps the node that produces a graph output", () => {
    const b = new GraphBuilder(13);
    b.input("x", "float32", [1]);
    const [y] = b.op("Add", [b.floats("a", [1]), b.floats("b", [2])]);
    b.output(y!);
    expect(foldConstants(b.model()).changed).toBe(false);
  });
});

describe("shape-inference", () => {
  it("propagates static and symbolic dims through Conv, pooling and Gemm", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", ["N", 3, 32, 32]);
    const w = b.const("w", Tensor.fromArray("float32", [8, 3, 3, 3], new Float32Array(216)));
    const [c] = b.op("Conv", [x, w], { pads: attr.ints([1, 1, 1, 1]), strides: attr.ints([2, 2]) });
    const [p] = b.op("MaxPool", [c], { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), ceil_mode: attr.int(1) });
    const [g] = b.op("GlobalAveragePool", [p]);
    const [f] = b.op("Flatten", [g]);
    const [y] = b.op("Gemm", [f, b.const("fc", Tensor.fromArray("float32", [10, 8], new Float32Array(80)))], { transB: attr.int(1) });
    b.output(y!);
    const m = b.model();
    expect(inferShapes(m).changed).toBe(true);
    expect(c!.shape).toEqual(["N", 8, 16, 16]);
    expect(p!.shape).toEqual(["N", 8, 8, 8]); // ceil((16-3)/2)+1 = 8
    expect(g!.shape).toEqual(["N", 8, 1, 1]);
    expect(f!.shape).toEqual([null, 8]); // N × 1 × 1 is not a known number
    expect(y!.shape).toEqual([null, 10]);
    expect(y!.dtype).toBe("float32");
    expect(inferShapes(m).changed).toBe(false);
  });

  it("never overwrites a known size, and reports the disagreement", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2, 3]);
    const [y] = b.op("Relu", [x]);
    y!.type = { kind: "tensor", dtype: "float32", shape: [2, 4] };
    b.output(y!);
    const r = inferShapes(b.model());
    expect(y!.shape).toEqual([2, 4]);
    expect(r.notes?.join("\n")).toMatch(/declared shape \[2,4\] disagrees with inferred \[2,3\]/);
  });
});
