/**
 * The synthetic graph of the bench and the linearity test: a chain of `nodes` nodes
 * alternating Add (with a small constant of its own) and Relu on a [1, 8] float input.
 * Every node depends on the one before it, so any pass that rescans the graph per node
 * shows as quadratic growth; each constant holds different values, so deduplication and
 * folding have real work to do without folding anything away.
 */
import { Graph } from "../../src/ir/graph.js";
import { Model } from "../../src/ir/model.js";
import { Node } from "../../src/ir/node.js";
import { Tensor } from "../../src/ir/tensor.js";
import { tensorType } from "../../src/ir/types.js";
import { Value } from "../../src/ir/value.js";

const WIDTH = 8;

export function addReluChain(nodes: number, opset = 13): Model {
  const g = new Graph("add_relu_chain");
  let prev = g.addInput(new Value("x", tensorType("float32", [1, WIDTH])));
  for (let i = 0; i < nodes; i++) {
    const out = new Value(`t${i}`);
    if (i % 2 === 0) {
      const values = Float32Array.from({ length: WIDTH }, (_, k) => ((i * WIDTH + k) % 65521) / 65536 - 0.5);
      const c = g.addInitializer(new Value(`c${i}`, tensorType("float32", [WIDTH])), Tensor.fromArray("float32", [WIDTH], values));
      g.appendNode(new Node({ opType: "Add", version: opset, name: `add_${i}`, inputs: [prev, c], outputs: [out] }));
    } else {
      g.appendNode(new Node({ opType: "Relu", version: opset, name: `relu_${i}`, inputs: [prev], outputs: [out] }));
    }
    prev = out;
  }
  g.addOutput(prev);
  prev.type = tensorType("float32", [1, WIDTH]);
  return new Model(g, { irVersion: 8, opsetImports: new Map([["", opset]]), producerName: "myriadc-bench" });
}
