import { describe, expect, it } from "vitest";
import { attr } from "../../../src/ir/attribute.js";
import { Graph } from "../../../src/ir/graph.js";
import { Node } from "../../../src/ir/node.js";
import { Value } from "../../../src/ir/value.js";
import { eliminateCommonSubexpressions } from "../../../src/passes/common/cse.js";

/** x → two nodes of the same op and attributes → a Concat of both → the output. */
function twins(opType: string, domain = ""): Graph {
  const g = new Graph();
  const x = g.addInput(new Value("x"));
  const ys = [1, 2].map((k) => {
    const y = new Value(`y${k}`);
    g.appendNode(new Node({ opType, domain, name: `${opType}_${k}`, inputs: [x], outputs: [y] }));
    return y;
  });
  const out = new Value("out");
  g.appendNode(new Node({ opType: "Concat", domain, name: "both", inputs: ys, outputs: [out] }));
  g.addOutput(out);
  return g;
}

describe("cse", () => {
  it("merges two equal nodes of a known op", () => {
    const g = twins("Relu");
    expect(eliminateCommonSubexpressions(g)).toBe(true);
    expect(g.nodes.map((n) => n.name)).toEqual(["Relu_1", "both"]);
  });

  it("merges two equal OpenVINO-dialect nodes", () => {
    const g = twins("ReLU", "openvino");
    expect(eliminateCommonSubexpressions(g)).toBe(true);
    expect(g.nodes).toHaveLength(2);
  });

  it.each([
    ["a custom-domain op", "Landmarks2TransformMatrix", "com.example"],
    ["a TFLite op left untranslated", "CUSTOM", "tflite"],
    ["an unknown op of the default domain", "NoSuchOp", ""],
    ["a random op", "RandomUniformLike", ""],
  ])("never merges %s (it may keep state, and lint must still see both)", (_what, opType, domain) => {
    const g = twins(opType, domain);
    expect(eliminateCommonSubexpressions(g)).toBe(false);
    expect(g.nodes).toHaveLength(3);
  });

  it("tells nodes apart by attributes, whatever their order, and merges a chain of equal nodes in one run", () => {
    const g = new Graph();
    const x = g.addInput(new Value("x"));
    const node = (name: string, opType: string, input: Value, attributes: Record<string, ReturnType<typeof attr.int>> = {}) => {
      const y = new Value(`${name}_out`);
      g.appendNode(new Node({ opType, name, inputs: [input], outputs: [y], attributes }));
      return y;
    };
    const a = node("a", "Softmax", x, { axis: attr.int(1) });
    node("b", "Softmax", x, { axis: attr.int(0) }); // another attribute value: kept (unread, which is dead-code's business)
    const t1 = node("t1", "Transpose", x, { perm: attr.ints([1, 0]) });
    // Equal Relu over equal Transposes: the second Relu is equal once the Transposes merged.
    const r1 = node("r1", "Relu", t1);
    const t2 = node("t2", "Transpose", x, { perm: attr.ints([1, 0]) });
    const r2 = node("r2", "Relu", t2);
    const out = new Value("out");
    g.appendNode(new Node({ opType: "Concat", name: "all", inputs: [a, r1, r2], outputs: [out], attributes: { axis: attr.int(0) } }));
    g.addOutput(out);
    expect(eliminateCommonSubexpressions(g)).toBe(true);
    expect(g.nodes.map((n) => n.name)).toEqual(["a", "b", "t1", "r1", "all"]);
    expect(g.nodes.at(-1)!.inputs.map((v) => v?.name)).toEqual(["a_out", "r1_out", "r1_out"]);
    // A second run finds nothing more (stamps of the first run do not make values look local).
    expect(eliminateCommonSubexpressions(g)).toBe(false);
  });

  it("merges equal nodes of a subgraph that read the same value of the enclosing graph", () => {
    const g = new Graph();
    const x = g.addInput(new Value("x"));
    const branch = new Graph("then");
    const ys = [1, 2].map((k) => {
      const y = new Value(`inner${k}`);
      branch.appendNode(new Node({ opType: "Neg", name: `neg${k}`, inputs: [x], outputs: [y] }));
      return y;
    });
    const sum = new Value("sum");
    branch.appendNode(new Node({ opType: "Add", name: "add", inputs: ys, outputs: [sum] }));
    branch.addOutput(sum);
    const cond = g.addInput(new Value("cond"));
    const out = new Value("out");
    g.appendNode(
      new Node({
        opType: "If",
        name: "if",
        inputs: [cond],
        outputs: [out],
        attributes: { then_branch: attr.graph(branch), else_branch: attr.graph(new Graph("else")) },
      }),
    );
    g.addOutput(out);
    expect(eliminateCommonSubexpressions(g)).toBe(true);
    expect(branch.nodes.map((n) => n.name)).toEqual(["neg1", "add"]);
  });
});
