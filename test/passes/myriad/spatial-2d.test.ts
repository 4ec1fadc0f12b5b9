/**
 * spatial-2d builds nothing before its check has passed: a 1-D convolution it cannot
 * rewrite (weights of unknown rank) leaves the graph exactly as it was, and the pass says
 * why. (It used to build an Unsqueeze and a constant first, then report no change with one
 * more node in the graph.)
 */
import { describe, expect, it } from "vitest";
import { tensorType } from "../../../src/ir/types.js";
import { Value } from "../../../src/ir/value.js";
import { spatial2dPass } from "../../../src/targets/myriad/passes/spatial-2d.js";
import { ovModel } from "../../support/rule-tester.js";

const conv1d = { strides: [1], pads_begin: [0], pads_end: [0], dilations: [1], auto_pad: "explicit" };

describe("spatial-2d", () => {
  it("leaves a 1-D convolution whose weights have no known rank exactly as it was, and says why", () => {
    const m = ovModel([["x", "float32", [1, 1, 9]]], (b, [x]) => {
      const w = b.graph.addInput(new Value("w", tensorType("float32", undefined)));
      return [b.one("Convolution", 1, [x, w], conv1d)];
    });
    const nodes = [...m.graph.nodes];
    const constants = [...m.graph.initializers.keys()];
    const conv = m.graph.nodes[0]!;
    expect(spatial2dPass.canFix(conv)).toBe("the rank of its weights is not known");
    const r = spatial2dPass.run(m);
    expect(r.changed).toBe(false);
    expect(r.notes).toEqual([
      'node "n/Convolution" (openvino::Convolution) left as it is (spatial-to-2d): the rank of its weights is not known',
    ]);
    expect(m.graph.nodes).toEqual(nodes);
    expect([...m.graph.initializers.keys()]).toEqual(constants);
  });

  it("rewrites the same convolution once the weights' rank is known", () => {
    const m = ovModel([["x", "float32", [1, 1, 9]]], (b, [x]) => [
      b.one("Convolution", 1, [x, b.floats("w", [1, 2, 3], "float32", [1, 1, 3])], conv1d),
    ]);
    expect(spatial2dPass.canFix(m.graph.nodes[0]!)).toBeUndefined();
    expect(spatial2dPass.run(m)).toMatchObject({ changed: true, changes: 1 });
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(["Unsqueeze", "Convolution", "Squeeze"]);
  });
});
