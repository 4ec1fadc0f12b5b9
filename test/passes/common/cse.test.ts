import { describe, expect, it } from "vitest";
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
});
