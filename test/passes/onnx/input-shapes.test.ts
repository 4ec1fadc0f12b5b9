import { describe, expect, it } from "vitest";
import { loadOnnxBytes } from "../../../src/frontends/onnx/load.js";
import { encodeOnnx } from "../../../src/frontends/onnx/save.js";
import { runPipeline } from "../../../src/passes/manager.js";
import { parseInputShape, setInputShapes } from "../../../src/passes/onnx/input-shapes.js";
import { fixPipeline } from "../../../src/passes/pipelines.js";
import { GraphBuilder } from "../../support/build.js";

describe("input shapes", () => {
  it("parses name=[dims] and name=dims", () => {
    expect(parseInputShape("input=[1,3,224,224]")).toEqual(["input", [1, 3, 224, 224]]);
    expect(parseInputShape("a=b=1, 2")).toEqual(["a=b", [1, 2]]);
    expect(() => parseInputShape("x=[1,a]")).toThrow(/expected name=\[d0,d1,...\]/);
  });

  it("refuses malformed lists instead of reading them as something else", () => {
    expect(() => parseInputShape("x=[1,,3]")).toThrow(/missing between commas/);
    expect(() => parseInputShape("x=[1,3")).toThrow(/brackets do not match/);
    expect(() => parseInputShape("x=[]")).toThrow(/empty/);
    expect(() => parseInputShape("x=")).toThrow(/empty/);
    expect(() => parseInputShape("x=[1,-3]")).toThrow(/not a whole number/);
    expect(() => parseInputShape("x=[1,3,]")).toThrow(/missing between commas/);
  });

  it("makes a dynamic model static so no Shape op is left", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", ["batch", 3, "h", "w"]);
    const [s] = b.op("Shape", [x]);
    const [hw] = b.op("Slice", [s, b.ints("st", [2]), b.ints("en", [4])]);
    const [cat] = b.op("Concat", [b.ints("lead", [1, -1]), hw], { axis: { type: "int", value: 0n } });
    const [y] = b.op("Reshape", [x, cat]);
    b.output(y!);
    y!.type = { kind: "tensor", dtype: "float32", shape: ["batch", null, "h", "w"] };
    const m = b.model();
    runPipeline(m, fixPipeline());
    expect(m.graph.nodes.some((n) => n.opType === "Shape")).toBe(true); // still dynamic
    setInputShapes(m, new Map([["x", [1, 3, 8, 8]]]));
    runPipeline(m, fixPipeline());
    // The Reshape turned out to keep the shape: only an Identity (input → named output) is left.
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(["Identity"]);
    expect(m.graph.outputs[0]!.shape).toEqual([1, 3, 8, 8]);
    // The result is a valid model that loads again.
    expect(loadOnnxBytes(encodeOnnx(m)).model.graph.nodes).toHaveLength(1);
  });

  it("refuses unknown inputs", () => {
    const b = new GraphBuilder(13);
    b.input("x", "float32", [1, "n"]);
    expect(() => setInputShapes(b.model(), new Map([["y", [1]]]))).toThrow(/no input "y" \(inputs: x\)/);
  });

  it("overrides fixed sizes like Model Optimizer, and re-infers what depends on them", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2, 3]);
    const [y] = b.op("Relu", [x]);
    y!.type = { kind: "tensor", dtype: "float32", shape: [2, 3] };
    b.output(y!);
    const m = b.model();
    const r = setInputShapes(m, new Map([["x", [4, 6]]]));
    expect(r.notes).toEqual(["input reshaped: x: [2,3] → [4,6]"]);
    runPipeline(m, fixPipeline());
    expect(m.graph.outputs[0]!.shape).toEqual([4, 6]);
  });

  it("refuses a rank the input does not have", () => {
    const b = new GraphBuilder(13);
    b.output(b.op("Relu", [b.input("x", "float32", [2, "n"])])[0]!);
    expect(() => setInputShapes(b.model(), new Map([["x", [1, 4, 6]]]))).toThrow(/input "x" has rank 2 .*, not 3$/);
  });
});
