/**
 * MYRIAD pads 4-D tensors only. A Pad of rank below 4 runs on the tensor reshaped with
 * leading unit axes (padded by zero) and is reshaped back: identical results. The pads must
 * be constants (they are widened here) and the shapes static (they are written here).
 */
import type { Tensor } from "../../../ir/tensor.js";
import { strAttr } from "../../../ops/openvino/op-def.js";
import { rankOf, staticDims } from "../../../passes/rewrite/facts.js";
import { type RewritePass, rewritePass } from "../../../passes/rewrite/pass.js";
import { defineRule } from "../../../passes/rewrite/rule.js";

const padTo4d = defineRule({
  name: "pad-to-4d",
  opTypes: ["Pad"],
  match(node, facts) {
    const rank = rankOf(facts, node.inputs[0]);
    return rank !== undefined && rank < 4 ? true : undefined;
  },
  check(node, _m, facts) {
    const [x, begin, end] = node.inputs;
    if (!begin || !end || !facts.isConstant(begin) || !facts.isConstant(end))
      return "its pads are computed at run time (they must be constants to be widened to 4-D)";
    if (!staticDims(facts, x)) return "the shape of its input is not static";
    if (!staticDims(facts, node.outputs[0])) return "the shape of its output is not static";
    return undefined;
  },
  rewrite(node, _m, ctx) {
    const dims = staticDims(ctx.facts, node.inputs[0])!;
    const lead = 4 - dims.length;
    const b = ctx.ov();
    const widen = (t: Tensor) => b.i64("pads", [...new Array<number>(lead).fill(0), ...t.toBigInts().map(Number)]);
    const x = b.one("Reshape", 1, [node.inputs[0], b.i64("shape", [...new Array<number>(lead).fill(1), ...dims])], {
      special_zero: false,
    });
    const attrs = { pad_mode: strAttr(node, "pad_mode", "constant") };
    const padded = b.one("Pad", 1, [x, widen(node.inputs[1]!.initializer!), widen(node.inputs[2]!.initializer!), node.inputs[3]], attrs);
    const outDims = staticDims(ctx.facts, node.outputs[0])!;
    return { replaceWith: [b.one("Reshape", 1, [padded, b.i64("shape", outDims)], { special_zero: false })] };
  },
});

export const pad4dPass: RewritePass = rewritePass({
  name: "pad-4d",
  rules: [padTo4d],
  noteSkips: true,
  unmatched: (node) => `${node.opType} is not a Pad of known rank below 4`,
});
