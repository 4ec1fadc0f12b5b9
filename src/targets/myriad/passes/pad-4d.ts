/**
 * MYRIAD pads 4-D tensors only. A Pad of rank below 4 runs on the tensor reshaped with
 * leading unit axes (padded by zero) and is reshaped back: identical results.
 */
import type { Model } from "../../../ir/model.js";
import { isStaticShape } from "../../../ir/shape.js";
import { OvBuilder } from "../../../lower/builder.js";
import { strAttr } from "../../../ops/openvino/op-def.js";
import type { Pass, PassResult } from "../../../passes/pass.js";
import { replaceNode } from "./rewrite-unsupported.js";

export const pad4dPass: Pass = {
  name: "pad-4d",
  dialect: "openvino",
  description: "run Pad of rank below 4 on a 4-D view",
  run(model: Model): PassResult {
    const g = model.graph;
    let changed = false;
    for (const node of [...g.nodes]) {
      const dims = node.inputs[0]?.shape;
      const begin = node.inputs[1]?.initializer;
      const end = node.inputs[2]?.initializer;
      const outDims = node.outputs[0]?.shape;
      if (node.opType !== "Pad" || !isStaticShape(dims) || dims.length >= 4 || !begin || !end || !isStaticShape(outDims)) continue;
      const lead = 4 - dims.length;
      const b = new OvBuilder(g, node.name);
      const widen = (t: typeof begin) => b.i64("pads", [...new Array<number>(lead).fill(0), ...t.toBigInts().map(Number)]);
      const x = b.one("Reshape", 1, [node.inputs[0], b.i64("shape", [...new Array<number>(lead).fill(1), ...dims])], {
        special_zero: false,
      });
      const attrs = { pad_mode: strAttr(node, "pad_mode", "constant") };
      const padded = b.one("Pad", 1, [x, widen(begin), widen(end), node.inputs[3]], attrs);
      replaceNode(node, [b.one("Reshape", 1, [padded, b.i64("shape", outDims)], { special_zero: false })]);
      changed = true;
    }
    return { changed };
  },
};
