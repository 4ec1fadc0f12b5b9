/**
 * Integer arithmetic and comparisons on layers MYRIAD computes in FP16 only: the integer
 * inputs are Cast to float32, and an integer result is Cast back to its type. This is the
 * ONNX-level fix for the plugin's `input #0 has type S32, but one of [FP16] is expected`.
 * Exact for integers within ±2048 (FP16's exact range on the device); beyond that the
 * device rounds, which the fix's note says.
 */

import { attr } from "../../../ir/attribute.js";
import { dtypeInfo, dtypeToOnnx } from "../../../ir/dtype.js";
import { Node } from "../../../ir/node.js";
import { tensorType } from "../../../ir/types.js";
import { isOnnxDomain } from "../../../passes/onnx/op-context.js";
import { type RewritePass, rewritePass } from "../../../passes/rewrite/pass.js";
import { defineRule } from "../../../passes/rewrite/rule.js";

const isInteger = (d: string | undefined) => d !== undefined && d !== "bool" && ["int", "uint"].includes(dtypeInfo(d as never).kind);

export function floatComputePass(ops: ReadonlySet<string>): RewritePass {
  const castToFloat = defineRule({
    name: "cast-to-float",
    opTypes: [...ops],
    match: (node) => (isOnnxDomain(node) && isInteger(node.inputs[0]?.dtype) ? true : undefined),
    rewrite(node, _m, ctx) {
      const g = ctx.graph;
      node.inputs.forEach((v, i) => {
        if (!v || !isInteger(v.dtype)) return;
        const f = g.newValue(`${v.name}_float`, tensorType("float32", v.shape));
        ctx.insertBefore(
          node,
          new Node({
            opType: "Cast",
            name: g.uniqueNodeName(`${node.name || node.opType}_cast_in${i}`),
            inputs: [v],
            outputs: [f],
            attributes: { to: attr.int(dtypeToOnnx("float32")) },
          }),
        );
        node.setInput(i, f);
      });
      const out = node.outputs[0];
      if (out && isInteger(out.dtype)) {
        const f = g.newValue(`${out.name}_float`, tensorType("float32", out.shape));
        node.setOutput(0, f);
        const back = g.newValue(`${out.name}_int`, out.type);
        ctx.insertAfter(
          node,
          new Node({
            opType: "Cast",
            name: g.uniqueNodeName(`${node.name || node.opType}_cast_out`),
            inputs: [f],
            outputs: [back],
            attributes: { to: attr.int(dtypeToOnnx(out.dtype!)) },
          }),
        );
        g.replaceValue(out, back);
      }
      return { inPlace: true };
    },
  });
  return rewritePass({ name: "float-compute", rules: [castToFloat] });
}
