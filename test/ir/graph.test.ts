/** The core IR's mutation API keeps use-lists, producers and name tables right. */
import { describe, expect, it } from "vitest";
import { attr } from "../../src/ir/attribute.js";
import { Graph } from "../../src/ir/graph.js";
import { Model } from "../../src/ir/model.js";
import { Node } from "../../src/ir/node.js";
import { Tensor } from "../../src/ir/tensor.js";
import { CycleError, sortTopologically, topologicalOrder } from "../../src/ir/topo.js";
import { tensorType } from "../../src/ir/types.js";
import { Value } from "../../src/ir/value.js";
import { verifyGraph, verifyModel } from "../../src/ir/verify.js";

/** x → Relu(a) → Neg(b) → y */
function chain() {
  const g = new Graph("g");
  const x = g.addInput(new Value("x", tensorType("float32", [2])));
  const a = new Value("a");
  const b = new Value("b");
  const relu = g.appendNode(new Node({ opType: "Relu", name: "relu", inputs: [x], outputs: [a] }));
  const neg = g.appendNode(new Node({ opType: "Neg", name: "neg", inputs: [a], outputs: [b] }));
  g.addOutput(b);
  return { g, x, a, b, relu, neg };
}

describe("use-lists and producers", () => {
  it("track who reads a value", () => {
    const { x, a, relu, neg } = chain();
    expect(x.uses).toEqual([{ node: relu, index: 0 }]);
    expect(a.uses).toEqual([{ node: neg, index: 0 }]);
    expect(a.producer).toBe(relu);
    expect(a.producerOutput).toBe(0);
  });

  it("setInput moves the use from the old value to the new", () => {
    const { x, a, neg } = chain();
    neg.setInput(0, x);
    expect(a.uses).toEqual([]);
    expect(x.uses.map((u) => u.node.name)).toEqual(["relu", "neg"]);
  });

  it("replaceAllUsesWith rewires readers but not graph outputs unless asked", () => {
    const { g, x, a, b } = chain();
    a.replaceAllUsesWith(x);
    expect(a.uses).toEqual([]);
    expect(x.uses).toHaveLength(2);
    b.replaceAllUsesWith(x);
    expect(g.outputs[0]).toBe(b);
    b.replaceAllUsesWith(x, { graphOutputs: true });
    expect(g.outputs[0]).toBe(x);
  });

  it("a value with two reads through the same node keeps both uses", () => {
    const g = new Graph();
    const x = g.addInput(new Value("x"));
    const add = g.appendNode(new Node({ opType: "Add", inputs: [x, x], outputs: [new Value("y")] }));
    expect(x.uses).toEqual([
      { node: add, index: 0 },
      { node: add, index: 1 },
    ]);
    add.setInput(1, undefined);
    expect(x.uses).toEqual([{ node: add, index: 0 }]);
  });
});

describe("node insertion and removal", () => {
  it("insertBefore / insertAfter place nodes where asked", () => {
    const { g, a, relu, neg } = chain();
    const c = new Value("c");
    const id = new Node({ opType: "Identity", name: "id", inputs: [a], outputs: [c] });
    g.insertAfter(relu, id);
    expect(g.nodes.map((n) => n.name)).toEqual(["relu", "id", "neg"]);
    const d = new Value("d");
    g.insertBefore(relu, new Node({ opType: "Identity", name: "first", inputs: [g.inputs[0]], outputs: [d] }));
    expect(g.nodes.map((n) => n.name)).toEqual(["first", "relu", "id", "neg"]);
    expect(neg.graph).toBe(g);
    expect(g.value("c")).toBe(c);
  });

  it("removeNode refuses while the outputs are read, then detaches inputs", () => {
    const { g, x, a, relu, neg } = chain();
    expect(() => g.removeNode(relu)).toThrow(/still has 1 use/);
    expect(() => g.removeNode(neg)).toThrow(/is a graph output/);
    neg.setInput(0, x);
    g.removeNode(relu);
    expect(x.uses.map((u) => u.node)).toEqual([neg]);
    expect(g.value("a")).toBeUndefined();
    expect(a.producer).toBe(relu);
    expect(relu.graph).toBeUndefined();
  });

  it("uniqueName avoids names used anywhere, including subgraphs", () => {
    const { g, relu } = chain();
    const body = new Graph("body");
    body.parent = relu;
    body.appendNode(new Node({ opType: "Identity", inputs: [g.value("x")], outputs: [new Value("inner")] }));
    relu.setAttribute("body", attr.graph(body));
    expect(g.uniqueName("a")).toBe("a_1");
    expect(g.uniqueName("inner")).toBe("inner_1");
    expect(g.uniqueName("fresh")).toBe("fresh");
  });

  it("defining a name twice is refused", () => {
    const { g } = chain();
    expect(() => g.appendNode(new Node({ opType: "Relu", outputs: [new Value("a")] }))).toThrow(/defined twice/);
  });
});

describe("topological order", () => {
  it("sorts out-of-order nodes and leaves sorted graphs alone", () => {
    const { g, relu, neg } = chain();
    expect(sortTopologically(g)).toBe(false);
    g.reorderNodes([neg, relu]);
    expect(sortTopologically(g)).toBe(true);
    expect(g.nodes).toEqual([relu, neg]);
  });

  it("is stable: independent nodes keep their order", () => {
    const g = new Graph();
    const x = g.addInput(new Value("x"));
    const names = ["p", "q", "r", "s"];
    for (const n of names) g.appendNode(new Node({ opType: "Relu", name: n, inputs: [x], outputs: [new Value(n)] }));
    expect(topologicalOrder(g).map((n) => n.name)).toEqual(names);
  });

  it("counts reads from inside subgraphs as dependencies", () => {
    const g = new Graph();
    const x = g.addInput(new Value("x"));
    const v = new Value("v");
    const producer = new Node({ opType: "Relu", name: "producer", inputs: [x], outputs: [v] });
    const ifNode = new Node({ opType: "If", name: "if", inputs: [x], outputs: [new Value("out")] });
    g.appendNode(ifNode);
    g.appendNode(producer);
    const branch = new Graph("then");
    branch.parent = ifNode;
    const bo = new Value("bo");
    branch.appendNode(new Node({ opType: "Identity", inputs: [v], outputs: [bo] }));
    branch.addOutput(bo);
    ifNode.setAttribute("then_branch", attr.graph(branch));
    expect(topologicalOrder(g).map((n) => n.name)).toEqual(["producer", "if"]);
  });

  it("reports a cycle with the nodes in it", () => {
    const g = new Graph();
    const x = g.addInput(new Value("x"));
    const a = new Value("a");
    const b = new Value("b");
    const n1 = new Node({ opType: "Add", name: "n1", inputs: [x], outputs: [a] });
    const n2 = new Node({ opType: "Add", name: "n2", inputs: [a], outputs: [b] });
    g.appendNode(n1);
    g.appendNode(n2);
    n1.appendInput(b);
    expect(() => topologicalOrder(g)).toThrow(CycleError);
    try {
      topologicalOrder(g);
    } catch (e) {
      expect((e as CycleError).nodes).toEqual([n1, n2]);
    }
  });
});

describe("verifier", () => {
  it("passes a well-formed graph", () => {
    expect(verifyGraph(chain().g)).toEqual([]);
  });

  it("reports a dangling input", () => {
    const { g, neg } = chain();
    neg.setInput(0, new Value("ghost"));
    expect(verifyGraph(g).map((p) => p.message)).toContainEqual(expect.stringMatching(/reads "ghost", which no graph input/));
  });

  it("reports out-of-order nodes", () => {
    const { g, relu, neg } = chain();
    g.reorderNodes([neg, relu]);
    expect(verifyGraph(g).map((p) => p.message)).toContainEqual(expect.stringMatching(/before the node that produces it/));
  });

  it("reports an initializer whose tensor disagrees with its declared type", () => {
    const g = new Graph();
    const w = new Value("w", tensorType("float32", [3]));
    g.addInitializer(w, Tensor.fromArray("int32", [2], new Int32Array([1, 2])));
    const msgs = verifyGraph(g).map((p) => p.message);
    expect(msgs).toContainEqual(expect.stringMatching(/holds int32 data but is declared float32/));
    expect(msgs).toContainEqual(expect.stringMatching(/has shape \[2\] but is declared \[3\]/));
  });

  it("reports a node version that differs from the model's import, and unimported domains", () => {
    const { g, relu } = chain();
    relu.version = 6;
    g.appendNode(new Node({ opType: "Foo", domain: "com.x", inputs: [g.inputs[0]], outputs: [new Value("z")] }));
    const m = new Model(g, { opsetImports: new Map([["", 13]]) });
    const msgs = verifyModel(m).map((p) => p.message);
    expect(msgs).toContainEqual(expect.stringMatching(/marked op-set 6 but the model imports 13/));
    expect(msgs).toContainEqual(expect.stringMatching(/domain "com.x", which the model does not import/));
  });

  it("reports a graph output nothing defines", () => {
    const { g } = chain();
    g.addOutput(new Value("nowhere"));
    expect(verifyGraph(g).map((p) => p.message)).toContainEqual(expect.stringMatching(/graph output "nowhere" is not defined/));
  });
});

describe("attributes", () => {
  it("typed getters convert and check", () => {
    const n = new Node({
      opType: "Slice",
      attributes: { axis: attr.int(-1), ends: attr.ints([0, 9223372036854775807n]), mode: attr.string("nearest"), alpha: attr.float(0.5) },
    });
    expect(n.getInt("axis")).toBe(-1);
    expect(n.getInt("missing", 7)).toBe(7);
    expect(n.getBigInts("ends")).toEqual([0n, 9223372036854775807n]);
    expect(n.getInts("ends")).toEqual([0, Number.MAX_SAFE_INTEGER]);
    expect(n.getString("mode")).toBe("nearest");
    expect(n.getFloat("alpha")).toBe(0.5);
    expect(() => n.getString("axis")).toThrow(/is int, expected string/);
  });
});

describe("replaceValue", () => {
  it("moves readers, and hands a graph output's name and type to the replacement", () => {
    const { g, a, b, neg } = chain();
    b.type = tensorType("float32", [2]);
    expect(g.canTakeOverName(a)).toBe(true);
    g.replaceValue(b, a);
    g.removeNode(neg, { force: true });
    expect(g.outputs[0]).toBe(a);
    expect(a.name).toBe("b");
    expect(a.type).toEqual(tensorType("float32", [2]));
    expect(verifyGraph(g)).toEqual([]);
  });

  it("refuses to let a graph input take over an output's name", () => {
    const { g, x } = chain();
    expect(g.canTakeOverName(x)).toBe(false);
  });
});
