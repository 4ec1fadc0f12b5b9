/**
 * MYRIAD convolves and pools in 2-D only. A 1-D layer ([N, C, W]) runs as a 2-D one on
 * [N, C, 1, W]: the data gets a unit H axis, the kernel a unit height, every spatial
 * attribute a leading 1 (strides, dilations, kernel) or 0 (pads, output padding), and the
 * result loses the H axis again. Identical results.
 */
import type { Model } from "../../../ir/model.js";
import { Tensor } from "../../../ir/tensor.js";
import { OvBuilder } from "../../../lower/builder.js";
import { strAttr } from "../../../ops/openvino/op-def.js";
import type { Pass, PassResult } from "../../../passes/pass.js";
import { replaceNode } from "./rewrite-unsupported.js";

const WITH_WEIGHTS = new Set(["Convolution", "GroupConvolution", "ConvolutionBackpropData", "GroupConvolutionBackpropData"]);
const SPATIAL = new Set([...WITH_WEIGHTS, "MaxPool", "AvgPool"]);
const LEAD_ONE = ["strides", "dilations", "kernel"];
const LEAD_ZERO = ["pads_begin", "pads_end", "output_padding"];

export const spatial2dPass: Pass = {
  name: "spatial-2d",
  dialect: "openvino",
  description: "run 1-D convolution and pooling as 2-D with a unit height",
  run(model: Model): PassResult {
    const g = model.graph;
    let changed = false;
    for (const node of [...g.nodes]) {
      if (!SPATIAL.has(node.opType) || node.inputs[0]?.shape?.length !== 3) continue;
      if (node.inputs.length > 2 || node.outputs.slice(1).some((v) => v?.uses.length || v?.isGraphOutput())) continue;
      const b = new OvBuilder(g, node.name);
      const x = b.one("Unsqueeze", 1, [node.inputs[0], b.i64("axis", [2])]);
      const inputs = [x];
      if (WITH_WEIGHTS.has(node.opType)) {
        const w = node.inputs[1]!;
        const rank = w.shape?.length;
        if (rank === undefined) continue;
        const t = w.initializer;
        inputs.push(
          t
            ? b.constTensor("weights", Tensor.fromBytes(t.dtype, [...t.dims.slice(0, -1), 1, t.dims[t.dims.length - 1]!], t.bytes()))
            : b.one("Unsqueeze", 1, [w, b.i64("axis", [rank - 1])]),
        );
      }
      const attrs: Record<string, string> = {};
      for (const k of node.attributes.keys()) attrs[k] = strAttr(node, k, "");
      for (const k of LEAD_ONE) if (attrs[k] !== undefined) attrs[k] = `1,${strAttr(node, k, "")}`;
      for (const k of LEAD_ZERO) if (attrs[k] !== undefined) attrs[k] = `0,${strAttr(node, k, "")}`;
      const y = b.op(node.opType, node.version ?? 1, inputs, attrs, node.outputs.length);
      replaceNode(node, [b.one("Squeeze", 1, [y[0], b.i64("axis", [2])])]);
      changed = true;
    }
    return { changed };
  },
};
