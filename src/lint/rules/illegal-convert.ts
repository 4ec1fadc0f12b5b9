/**
 * myriad/illegal-convert: a Convert between device types the MYRIAD Convert stage does not
 * implement. Fixable where the Convert pass chains legal Converts instead.
 */
import { dtypeFromElementType } from "../../ops/openvino/element-types.js";
import { strAttr } from "../../ops/openvino/op-def.js";
import { legalConvertsPass } from "../../targets/myriad/passes/legal-converts.js";
import { convertChain, isLegalConvert, myriadTypeOf } from "../../targets/myriad/types.js";
import { type LintRule, type RuleMeta, report } from "../rule.js";
import { plugName } from "./input-type.js";

export const ILLEGAL_CONVERT: RuleMeta = {
  id: "myriad/illegal-convert",
  severity: "error",
  description: "a Convert pair the MYRIAD Convert stage lacks (e.g. U8→S32); fixable with a chain of legal Converts",
  docs:
    "stages/convert.cpp implements U8→FP16, FP16↔S32, S32→FP16 and S32→U8 (and FP16↔FP32 at the network's edges); any other pair " +
    'stops the compiler with "Conversion from U8 to S32 is unsupported". A chain of legal Converts (U8→FP16→S32) computes the same.',
  fixedBy: ["legal-converts"],
};

export const illegalConvertRule: LintRule = {
  meta: [ILLEGAL_CONVERT],
  check({ model, types, facts }) {
    return model.graph.nodes.flatMap((node) => {
      if (node.opType !== "Convert") return [];
      const from = myriadTypeOf(node.inputs[0] ? types.get(node.inputs[0])?.dtype : undefined);
      const to = myriadTypeOf(dtypeFromElementType(strAttr(node, "destination_type", "")));
      if (!from || !to || isLegalConvert(from, to)) return [];
      const chain = convertChain(from, to);
      return [
        report(ILLEGAL_CONVERT, node, `Conversion from ${plugName(from)} to ${plugName(to)} is unsupported by the MYRIAD Convert stage`, {
          suggestion: chain ? `convert through ${[from, ...chain].map(plugName).join(" → ")}` : "remove the conversion",
          fix: { whyNot: legalConvertsPass.canFix(node, facts) },
        }),
      ];
    });
  },
};
