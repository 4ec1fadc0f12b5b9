import { describe, expect, it } from "vitest";
import { attr } from "../../../src/ir/attribute.js";
import { Graph } from "../../../src/ir/graph.js";
import { Model } from "../../../src/ir/model.js";
import { Node } from "../../../src/ir/node.js";
import { Tensor } from "../../../src/ir/tensor.js";
import { Value } from "../../../src/ir/value.js";
import { verifyModel } from "../../../src/ir/verify.js";
import { deadCodePass } from "../../../src/passes/common/dead-code.js";

function model(g: Graph): Model {
  return new Model(g, { opsetImports: new Map([["", 13]]) });
}

describe("dead-code", () => {
  it("removes an unused chain and the initializer only it read", () => {
    const g = new Graph();
    const x = g.addInput(new Value("x"));
    const w = g.addInitializer(new Value("w"), Tensor.fromArray("float32", [1], new Float32Array([2])));
    const y = new Value("y");
    g.appendNode(new Node({ opType: "Relu", name: "live", inputs: [x], outputs: [y] }));
    const d1 = new Value("d1");
    g.appendNode(new Node({ opType: "Mul", name: "dead1", inputs: [x, w], outputs: [d1] }));
    g.appendNode(new Node({ opType: "Neg", name: "dead2", inputs: [d1], outputs: [new Value("d2")] }));
    g.addOutput(y);
    const m = model(g);
    expect(deadCodePass.run(m).changed).toBe(true);
    expect(g.nodes.map((n) => n.name)).toEqual(["live"]);
    expect(g.initializers.size).toBe(0);
    expect(verifyModel(m)).toEqual([]);
    expect(deadCodePass.run(m).changed).toBe(false);
  });

  it("keeps nodes read only from inside a subgraph, and initializers that are inputs", () => {
    const g = new Graph();
    const x = g.addInput(new Value("x"));
    const w = g.addInitializer(new Value("w"), Tensor.fromArray("float32", [1], new Float32Array([2])));
    g.addInput(w);
    const v = new Value("v");
    g.appendNode(new Node({ opType: "Relu", name: "feeds-branch", inputs: [x], outputs: [v] }));
    const out = new Value("out");
    const ifNode = g.appendNode(new Node({ opType: "If", name: "if", inputs: [x], outputs: [out] }));
    const branch = new Graph("then");
    branch.parent = ifNode;
    const bo = new Value("bo");
    branch.appendNode(new Node({ opType: "Identity", inputs: [v], outputs: [bo] }));
    branch.addOutput(bo);
    ifNode.setAttribute("then_branch", attr.graph(branch));
    g.addOutput(out);
    expect(deadCodePass.run(model(g)).changed).toBe(false);
    expect(g.nodes.map((n) => n.name)).toEqual(["feeds-branch", "if"]);
    expect(g.initializers.has("w")).toBe(true);
  });

  it("removes dead nodes inside subgraphs", () => {
    const g = new Graph();
    const x = g.addInput(new Value("x"));
    const out = new Value("out");
    const loop = g.appendNode(new Node({ opType: "If", inputs: [x], outputs: [out] }));
    const body = new Graph("body");
    body.parent = loop;
    const bo = new Value("bo");
    body.appendNode(new Node({ opType: "Identity", name: "kept", inputs: [x], outputs: [bo] }));
    body.appendNode(new Node({ opType: "Neg", name: "unused", inputs: [x], outputs: [new Value("waste")] }));
    body.addOutput(bo);
    loop.setAttribute("then_branch", attr.graph(body));
    g.addOutput(out);
    expect(deadCodePass.run(model(g)).changed).toBe(true);
    expect(body.nodes.map((n) => n.name)).toEqual(["kept"]);
  });
});
