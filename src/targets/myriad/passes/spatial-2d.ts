/**
 * MYRIAD convolves and pools in 2-D only. A 1-D layer ([N, C, W]) runs as a 2-D one on
 * [N, C, 1, W]: the data gets a unit H axis, the kernel a unit height, every spatial
 * attribute a leading 1 (strides, dilations, kernel) or 0 (pads, output padding), and the
 * result loses the H axis again. Identical results. The check runs before anything is built.
 */
import { Tensor } from "../../../ir/tensor.js";
import { strAttr } from "../../../ops/openvino/op-def.js";
import { rankOf } from "../../../passes/rewrite/facts.js";
import { type RewritePass, rewritePass } from "../../../passes/rewrite/pass.js";
import { defineRule } from "../../../passes/rewrite/rule.js";

const WITH_WEIGHTS = new Set(["Convolution", "GroupConvolution", "ConvolutionBackpropData", "GroupConvolutionBackpropData"]);
const SPATIAL = [...WITH_WEIGHTS, "MaxPool", "AvgPool"];
const LEAD_ONE = ["strides", "dilations", "kernel"];
const LEAD_ZERO = ["pads_begin", "pads_end", "output_padding"];

const to2d = defineRule({
  name: "spatial-to-2d",
  opTypes: SPATIAL,
  // Layers that are not 2-D already: the ones MYRIAD refuses as they are.
  match(node, facts) {
    const rank = rankOf(facts, node.inputs[0]);
    return rank !== undefined && rank !== 4 ? { rank } : undefined;
  },
  check(node, { rank }, facts) {
    if (rank !== 3) return `only 1-D layers run as 2-D; this one is ${rank - 2}-D`;
    if (node.inputs.length > 2) return `it has ${node.inputs.length} inputs; only data and weights carry over to 2-D`;
    if (node.outputs.slice(1).some((v) => v?.uses.length || v?.isGraphOutput()))
      return "its second output (the pooling indices) is used, which the rewrite does not carry over";
    if (WITH_WEIGHTS.has(node.opType) && rankOf(facts, node.inputs[1]) === undefined) return "the rank of its weights is not known";
    return undefined;
  },
  rewrite(node, _m, ctx) {
    const b = ctx.ov();
    const inputs = [b.one("Unsqueeze", 1, [node.inputs[0], b.i64("axis", [2])])];
    if (WITH_WEIGHTS.has(node.opType)) {
      const w = node.inputs[1]!;
      const t = w.initializer;
      inputs.push(
        t
          ? b.constTensor("weights", Tensor.fromBytes(t.dtype, [...t.dims.slice(0, -1), 1, t.dims[t.dims.length - 1]!], t.bytes()))
          : b.one("Unsqueeze", 1, [w, b.i64("axis", [rankOf(ctx.facts, w)! - 1])]),
      );
    }
    const attrs: Record<string, string> = {};
    for (const k of node.attributes.keys()) attrs[k] = strAttr(node, k, "");
    for (const k of LEAD_ONE) if (attrs[k] !== undefined) attrs[k] = `1,${strAttr(node, k, "")}`;
    for (const k of LEAD_ZERO) if (attrs[k] !== undefined) attrs[k] = `0,${strAttr(node, k, "")}`;
    const y = b.op(node.opType, node.version ?? 1, inputs, attrs, node.outputs.length);
    return { replaceWith: [b.one("Squeeze", 1, [y[0], b.i64("axis", [2])])] };
  },
});

export const spatial2dPass: RewritePass = rewritePass({
  name: "spatial-2d",
  rules: [to2d],
  noteSkips: true,
  unmatched: (node) => `${node.opType} is not a convolution or pooling of known rank other than 2-D`,
});
