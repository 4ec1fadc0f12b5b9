/**
 * Fuses chains of data-movement ops whose intermediate result nobody else reads:
 * Transpose(Transpose(x, p1), p2) → Transpose(x, p1∘p2), and Reshape(Reshape(x, s1), s2) →
 * Reshape(x, s2) (when s2 needs nothing from the intermediate shape: no 0 "copy" entries,
 * or a static intermediate shape to resolve them against).
 */
import { attr } from "../../../ir/attribute.js";
import type { Graph } from "../../../ir/graph.js";
import type { Model } from "../../../ir/model.js";
import type { Node } from "../../../ir/node.js";
import { isStaticShape } from "../../../ir/shape.js";
import { Tensor } from "../../../ir/tensor.js";
import { tensorType } from "../../../ir/types.js";
import { Value } from "../../../ir/value.js";
import type { Pass, PassResult } from "../../pass.js";
import { constantOf, isOnnxDomain } from "../op-context.js";

/** The producer of a node's first input, when that input is read by this node only. */
function soleProducer(node: Node, opType: string): Node | undefined {
  const v = node.inputs[0];
  const p = v?.producer;
  if (!v || !p || p.opType !== opType || !isOnnxDomain(p) || p.graph !== node.graph) return undefined;
  if (v.uses.length !== 1 || v.isGraphOutput()) return undefined;
  return p;
}

function fuse(graph: Graph): boolean {
  let changed = false;
  for (const node of [...graph.nodes]) {
    if (!node.graph) continue;
    for (const sg of node.subgraphs()) changed = fuse(sg) || changed;
    if (!isOnnxDomain(node)) continue;
    if (node.opType === "Transpose") {
      const inner = soleProducer(node, "Transpose");
      const p1 = inner?.getInts("perm");
      const p2 = node.getInts("perm");
      if (!inner || !p1 || !p2 || p1.length !== p2.length) continue;
      // out[i] = mid[p2[i]] = x[p1[p2[i]]]
      node.setAttribute("perm", attr.ints(p2.map((i) => p1[i]!)));
      node.setInput(0, inner.inputs[0]);
      graph.removeNode(inner);
      changed = true;
    } else if (node.opType === "Reshape") {
      const inner = soleProducer(node, "Reshape");
      if (!inner) continue;
      const target = constantOf(node.inputs[1]);
      if (!target || node.getInt("allowzero", 0) === 1) continue;
      let dims = target.toBigInts().map(Number);
      if (dims.includes(0)) {
        // 0 copies the intermediate's dim; resolve it when that shape is static.
        const mid = inner.outputs[0]?.shape;
        if (!isStaticShape(mid)) continue;
        dims = dims.map((d, i) => (d === 0 ? mid[i]! : d));
        const shape = new Value(graph.uniqueName(`${node.name || "reshape"}_shape`), tensorType("int64", [dims.length]));
        graph.addInitializer(
          shape,
          Tensor.fromArray(
            "int64",
            [dims.length],
            BigInt64Array.from(dims, (d) => BigInt(d)),
          ),
        );
        node.setInput(1, shape);
      }
      node.setInput(0, inner.inputs[0]);
      graph.removeNode(inner);
      changed = true;
    }
  }
  return changed;
}

export const fuseTransposeReshapePass: Pass = {
  name: "fuse-transpose-reshape",
  dialect: "onnx",
  description: "merge consecutive Transposes and consecutive Reshapes",
  run(model: Model): PassResult {
    return { changed: fuse(model.graph) };
  },
};
