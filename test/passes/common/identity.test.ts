import { describe, expect, it } from "vitest";
import { encodeOnnx } from "../../../src/frontends/onnx/save.js";
import { Graph } from "../../../src/ir/graph.js";
import { Model } from "../../../src/ir/model.js";
import { Node } from "../../../src/ir/node.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { tensorType } from "../../../src/ir/types.js";
import { Value } from "../../../src/ir/value.js";
import { verifyModel } from "../../../src/ir/verify.js";
import { identityPass } from "../../../src/passes/common/identity.js";
import { bitwiseEqual, runOrt } from "../../support/ort.js";

const f32 = (dims: number[]) => tensorType("float32", dims);

function model(g: Graph): Model {
  return new Model(g, { irVersion: 8, opsetImports: new Map([["", 13]]) });
}

describe("identity", () => {
  it("drops an inner Identity and keeps outputs equal under onnxruntime", async () => {
    const g = new Graph("g");
    const x = g.addInput(new Value("x", f32([3])));
    const a = new Value("a", f32([3]));
    const b = new Value("b", f32([3]));
    const y = new Value("y", f32([3]));
    g.appendNode(new Node({ opType: "Relu", version: 13, inputs: [x], outputs: [a] }));
    g.appendNode(new Node({ opType: "Identity", version: 13, name: "id", inputs: [a], outputs: [b] }));
    g.appendNode(new Node({ opType: "Neg", version: 13, inputs: [b], outputs: [y] }));
    g.addOutput(y);
    const m = model(g);
    const input = Tensor.fromArray("float32", [3], new Float32Array([-1, 0.5, 2]));
    const before = await runOrt(encodeOnnx(m), [input]);
    expect(identityPass.run(m).changed).toBe(true);
    expect(g.nodes.map((n) => n.opType)).toEqual(["Relu", "Neg"]);
    expect(verifyModel(m)).toEqual([]);
    const after = await runOrt(encodeOnnx(m), [input]);
    expect(bitwiseEqual(after[0]!, before[0]!)).toBe(true);
  });

  it("renames the producer when the Identity feeds a graph output", () => {
    const g = new Graph("g");
    const x = g.addInput(new Value("x", f32([3])));
    const a = new Value("a", f32([3]));
    const y = new Value("y", f32([3]));
    g.appendNode(new Node({ opType: "Relu", version: 13, inputs: [x], outputs: [a] }));
    g.appendNode(new Node({ opType: "Identity", version: 13, inputs: [a], outputs: [y] }));
    g.addOutput(y);
    const m = model(g);
    expect(identityPass.run(m).changed).toBe(true);
    expect(g.nodes.map((n) => n.opType)).toEqual(["Relu"]);
    expect(g.outputs.map((v) => v.name)).toEqual(["y"]);
    expect(g.outputs[0]!.producer?.opType).toBe("Relu");
    expect(verifyModel(m)).toEqual([]);
  });

  it("does not fire when input and output are both part of the interface", () => {
    const g = new Graph("g");
    const x = g.addInput(new Value("x", f32([3])));
    const y = new Value("y", f32([3]));
    g.appendNode(new Node({ opType: "Identity", version: 13, inputs: [x], outputs: [y] }));
    g.addOutput(y);
    expect(identityPass.run(model(g)).changed).toBe(false);
    expect(g.nodes).toHaveLength(1);
  });

  it("treats inference Dropout as Identity but keeps one whose mask is used", () => {
    const g = new Graph("g");
    const x = g.addInput(new Value("x", f32([3])));
    const d = new Value("d", f32([3]));
    const mask = new Value("mask", tensorType("bool", [3]));
    const y = new Value("y", f32([3]));
    g.appendNode(new Node({ opType: "Dropout", version: 13, inputs: [x], outputs: [d, mask] }));
    g.appendNode(new Node({ opType: "Neg", version: 13, inputs: [d], outputs: [y] }));
    g.addOutput(y);
    g.addOutput(mask);
    expect(identityPass.run(model(g)).changed).toBe(false);
    g.removeOutput(1);
    expect(identityPass.run(model(g)).changed).toBe(true);
    expect(g.nodes.map((n) => n.opType)).toEqual(["Neg"]);
  });
});
