import { describe, expect, it } from "vitest";
import { encodeOnnx } from "../../../src/frontends/onnx/save.js";
import { attr } from "../../../src/ir/attribute.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { verifyModel } from "../../../src/ir/verify.js";
import { cutGraph, splitNames } from "../../../src/passes/common/cut.js";
import { runPipeline } from "../../../src/passes/manager.js";
import { freezeInputs, parseFreeze } from "../../../src/passes/onnx/freeze-inputs.js";
import { inferShapes } from "../../../src/passes/onnx/shape-inference.js";
import { fixPipeline } from "../../../src/passes/pipelines.js";
import { GraphBuilder, randomTensor } from "../../support/build.js";
import { bitwiseEqual, runOrt } from "../../support/ort.js";

describe("freeze", () => {
  it("parses scalars and lists", () => {
    expect(parseFreeze("sr=16000")).toEqual(["sr", [16000]]);
    expect(parseFreeze("s=[1, -2.5,3e2]")).toEqual(["s", [1, -2.5, 300]]);
    expect(() => parseFreeze("sr=abc")).toThrow(/expected name=value/);
  });

  it("turns an input into a constant so the branch that depends on it folds away", async () => {
    // y = x * (sr / 1000), with sr an int64 scalar input: freezing sr leaves a single Mul.
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [3]);
    const sr = b.input("sr", "int64", []);
    const [f] = b.op("Cast", [sr], { to: attr.int(1) });
    const [k] = b.op("Div", [f, b.floats("thousand", [1000], [])]);
    const [y] = b.op("Mul", [x, k]);
    b.output(y!);
    const m = b.model();
    const input = randomTensor([3]);
    const before = await runOrt(encodeOnnx(m), [input, Tensor.fromArray("int64", [], BigInt64Array.of(16000n))]);
    freezeInputs(m, new Map([["sr", [16000]]]));
    runPipeline(m, fixPipeline());
    expect(m.graph.inputs.map((v) => v.name)).toEqual(["x"]);
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(["Mul"]);
    const after = await runOrt(encodeOnnx(m), [input]);
    expect(bitwiseEqual(after[0]!, before[0]!)).toBe(true);
  });

  it("refuses unknown inputs, wrong counts and fractions for integer inputs", () => {
    const b = new GraphBuilder(13);
    b.input("n", "int64", [2]);
    const m = b.model();
    expect(() => freezeInputs(m, new Map([["q", [1]]]))).toThrow(/no input "q"/);
    expect(() => freezeInputs(m, new Map([["n", [1]]]))).toThrow(/2 values\), given 1/);
    expect(() => freezeInputs(m, new Map([["n", [1, 2.5]]]))).toThrow(/2.5 is not a whole number/);
  });
});

describe("cut", () => {
  function chain() {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2, 3]);
    const [a] = b.op("Relu", [x]);
    const [c] = b.op("Neg", [a]);
    const [d] = b.op("Abs", [c]);
    b.output(d!);
    const m = b.model();
    inferShapes(m);
    return { m, a: a!, c: c! };
  }

  it("--outputs keeps only what the new outputs need", () => {
    const { m, a } = chain();
    cutGraph(m, { outputs: [a.name] });
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(["Relu"]);
    expect(m.graph.outputs.map((v) => v.name)).toEqual([a.name]);
    expect(verifyModel(m)).toEqual([]);
  });

  it("--inputs starts the graph at the named value and drops what computed it", async () => {
    const { m, c } = chain();
    const name = c.name;
    cutGraph(m, { inputs: [name] });
    expect(m.graph.inputs.map((v) => v.name)).toEqual([name]);
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(["Abs"]);
    const out = await runOrt(encodeOnnx(m), [Tensor.fromArray("float32", [2, 3], Float32Array.of(-1, 2, -3, 4, -5, 6))]);
    expect(Array.from(out[0]!.toFloat32())).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("names what it cannot find", () => {
    const { m } = chain();
    expect(() => cutGraph(m, { outputs: ["nope"] })).toThrow(/--outputs: the graph has no value "nope"/);
    expect(splitNames(" a, b ,,c")).toEqual(["a", "b", "c"]);
  });
});
