/**
 * The layout pass (transpose sinking) on hand-built graphs of the shape a naive NHWC → NCHW
 * translation makes, checked with onnxruntime before and after: Transposes sink through
 * elementwise ops, concat/split/softmax axes, reductions, Pad and Slice, and meet their
 * inverses; constants are permuted at conversion time; a Transpose that only moves unit axes
 * into a reshape or a graph output becomes a Reshape; what it cannot prove it leaves alone.
 */
import { describe, expect, it } from "vitest";
import { attr } from "../../../src/ir/attribute.js";
import type { Model } from "../../../src/ir/model.js";
import type { Value } from "../../../src/ir/value.js";
import { deadCodePass } from "../../../src/passes/common/dead-code.js";
import { runPipeline } from "../../../src/passes/manager.js";
import { transposeSinkingPass } from "../../../src/passes/onnx/layout/transpose-sinking.js";
import { shapeInferencePass } from "../../../src/passes/onnx/shape-inference.js";
import { GraphBuilder, preservesOutputs, randomTensor } from "../../support/build.js";

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
const sink = (m: Model) => runPipeline(m, [shapeInferencePass, transposeSinkingPass, deadCodePass]).changed;
const count = (ops: string[], op: string) => ops.filter((o) => o === op).length;

/** An NHWC input turned NCHW, as the translation of a TFLite op's input does. */
function nhwcInput(b: GraphBuilder, name: string, dims: number[]): Value {
  const x = b.input(name, "float32", dims);
  return b.op("Transpose", [x], { perm: attr.ints(TO_NCHW) })[0]!;
}
const toNhwc = (b: GraphBuilder, v: Value) => b.op("Transpose", [v], { perm: attr.ints(TO_NHWC) })[0]!;

describe("transpose sinking", () => {
  it("cancels a Transpose pair across a chain of elementwise ops with a per-channel constant", async () => {
    const b = new GraphBuilder(17);
    const x = nhwcInput(b, "x", [1, 4, 5, 3]);
    const bias = b.floats("bias", [0.5, -1, 2], [3, 1, 1]);
    const [added] = b.op("Add", [x, bias]);
    const [relu] = b.op("Relu", [added]);
    const [sig] = b.op("Sigmoid", [relu]);
    b.output(toNhwc(b, sig!));
    const { changed, ops } = await preservesOutputs(b.model(), [randomTensor([1, 4, 5, 3])], sink);
    expect(changed).toBe(true);
    expect(ops).toEqual(["Add", "Relu", "Sigmoid"]);
  });

  it("renumbers Concat, Softmax and reduction axes (keepdims 0 too)", async () => {
    const b = new GraphBuilder(17);
    const x = nhwcInput(b, "x", [1, 2, 3, 4]);
    const y = nhwcInput(b, "y", [1, 2, 3, 5]);
    const [cat] = b.op("Concat", [x, y], { axis: attr.int(1) });
    const [soft] = b.op("Softmax", [cat], { axis: attr.int(1) });
    b.output(toNhwc(b, soft!));
    const [mean] = b.op("ReduceMean", [cat], { axes: attr.ints([2, 3]), keepdims: attr.int(0) });
    b.output(mean!);
    const m = b.model();
    const { ops } = await preservesOutputs(m, [randomTensor([1, 2, 3, 4]), randomTensor([1, 2, 3, 5], 2)], sink);
    expect(count(ops, "Transpose")).toBe(0);
    expect(m.graph.nodes.find((n) => n.opType === "Concat")!.getInt("axis", 0)).toBe(3);
    expect(m.graph.nodes.find((n) => n.opType === "ReduceMean")!.getInts("axes")).toEqual([1, 2]);
  });

  it("moves Pad's begins/ends and Slice's axes to the untransposed layout", async () => {
    const b = new GraphBuilder(17);
    const x = nhwcInput(b, "x", [1, 6, 7, 2]);
    const [padded] = b.op("Pad", [x, b.ints("pads", [0, 0, 1, 2, 0, 0, 3, 0])]);
    const [sliced] = b.op("Slice", [padded, b.ints("starts", [1]), b.ints("ends", [5]), b.ints("axes", [2])]);
    b.output(toNhwc(b, sliced!));
    const { ops } = await preservesOutputs(b.model(), [randomTensor([1, 6, 7, 2])], sink);
    expect(ops).toEqual(["Pad", "Slice"]);
  });

  it("turns an NCHW → NHWC output of one channel into a Reshape, and keeps one of several channels", async () => {
    const b = new GraphBuilder(17);
    const x = nhwcInput(b, "x", [1, 4, 4, 1]);
    const w = b.const("w", randomTensor([1, 1, 3, 3], 3));
    const [conv] = b.op("Conv", [x, w], { pads: attr.ints([1, 1, 1, 1]) });
    b.output(toNhwc(b, conv!));
    const w2 = b.const("w2", randomTensor([2, 1, 1, 1], 4));
    const [conv2] = b.op("Conv", [x, w2]);
    b.output(toNhwc(b, conv2!));
    const m = b.model();
    const names = m.graph.outputs.map((v) => v.name);
    const { ops } = await preservesOutputs(m, [randomTensor([1, 4, 4, 1])], sink);
    // The input's Transpose moves only a unit axis too, but it feeds a Conv: it stays a Transpose.
    expect(count(ops, "Transpose")).toBe(2);
    expect(count(ops, "Reshape")).toBe(1);
    expect(m.graph.outputs.map((v) => v.name)).toEqual(names);
    expect(m.graph.outputs[0]!.producer!.opType).toBe("Reshape");
    expect(m.graph.outputs[1]!.producer!.opType).toBe("Transpose");
  });

  it("leaves a Transpose that meets an op it has no rule for, or inputs transposed differently", async () => {
    const b = new GraphBuilder(17);
    const x = nhwcInput(b, "x", [1, 3, 3, 2]);
    const y = b.op("Transpose", [b.input("y", "float32", [1, 3, 3, 2])], { perm: attr.ints([0, 3, 2, 1]) })[0]!;
    const [sum] = b.op("Add", [x, y]);
    b.output(sum!);
    const [mm] = b.op("MatMul", [x, b.const("k", randomTensor([3, 3], 5))]);
    b.output(mm!);
    const { ops } = await preservesOutputs(b.model(), [randomTensor([1, 3, 3, 2]), randomTensor([1, 3, 3, 2], 6)], sink);
    expect(ops).toEqual(["Transpose", "Transpose", "Add", "MatMul"]);
  });
});
