/**
 * myriad/illegal-convert: a Convert between device types the MYRIAD Convert stage does not
 * implement ("Conversion from U8 to S32 is unsupported"; legal: U8→FP16, FP16↔S32, S32→FP16,
 * S32→U8, FP16↔FP32 at the edges). Fixable by a chain of legal Converts (U8→FP16→S32, …).
 */

import { dtypeFromElementType } from "../../ops/openvino/element-types.js";
import { strAttr } from "../../ops/openvino/op-def.js";
import { convertChain, isLegalConvert, myriadTypeOf } from "../../targets/myriad/types.js";
import { at, type LintRule } from "../rule.js";
import { plugName } from "./input-type.js";

export const illegalConvertRule: LintRule = {
  ids: ["myriad/illegal-convert"],
  description: "Convert pairs the MYRIAD Convert stage does not implement",
  check({ model, types }) {
    return model.graph.nodes.flatMap((node) => {
      if (node.opType !== "Convert") return [];
      const from = myriadTypeOf(node.inputs[0] ? types.get(node.inputs[0])?.dtype : undefined);
      const to = myriadTypeOf(dtypeFromElementType(strAttr(node, "destination_type", "")));
      if (!from || !to || isLegalConvert(from, to)) return [];
      const chain = convertChain(from, to);
      return [
        at(
          node,
          "myriad/illegal-convert",
          "error",
          `Conversion from ${plugName(from)} to ${plugName(to)} is unsupported by the MYRIAD Convert stage`,
          chain ? `convert through ${[from, ...chain].map(plugName).join(" → ")}` : "remove the conversion",
          chain !== undefined,
        ),
      ];
    });
  },
};
