/**
 * myriad/opset-too-new: a layer from an opset the 2022.3 IR reader does not know (compile_tool:
 * `Cannot create <type> layer <name> id:<n> from unsupported opset: opsetN`).
 * myriad/unsupported-version: an op version the MYRIAD plugin does not convert (e.g. MaxPool-8,
 * NonMaxSuppression-9). Fixable where an older version computes the same (MaxPool-8 without
 * dilations and without its indices output is MaxPool-1).
 */

import { intsAttr } from "../../ops/openvino/op-def.js";
import { capabilityOf, NEWEST_OPSET } from "../../targets/myriad/capabilities.js";
import { at, type LintRule } from "../rule.js";

export const opVersionRule: LintRule = {
  ids: ["myriad/opset-too-new", "myriad/unsupported-version"],
  description: "op versions the 2022.3 reader or the MYRIAD plugin refuse",
  check({ model }) {
    return model.graph.nodes.flatMap((node) => {
      const v = node.version;
      const cap = capabilityOf(node.opType);
      if (v === undefined || !cap?.supported) return [];
      if (v > NEWEST_OPSET) {
        return [
          at(
            node,
            "myriad/opset-too-new",
            "error",
            `${node.opType} comes from opset${v}, newer than the opset${NEWEST_OPSET} that OpenVINO 2022.3 reads (compile_tool: Cannot create ` +
              `${node.opType} layer ${node.name} from unsupported opset: opset${v})`,
            "convert with myriadc (it writes opset1–opset10 only) or with Model Optimizer 2022.3",
            false,
          ),
        ];
      }
      if (cap.versions.includes(v)) return [];
      const maxPoolWithoutIndices =
        node.opType === "MaxPool" &&
        !node.outputs[1]?.uses.length &&
        !node.outputs[1]?.isGraphOutput() &&
        intsAttr(node, "dilations", [1]).every((d) => d === 1);
      return [
        at(
          node,
          "myriad/unsupported-version",
          "error",
          `${node.opType}-${v} is not among the versions the MYRIAD plugin converts (${cap.versions.map((x) => `${node.opType}-${x}`).join(", ")})`,
          maxPoolWithoutIndices ? "rewritten as MaxPool-1 (the indices output is unused)" : "export the op in a version MYRIAD accepts",
          maxPoolWithoutIndices,
        ),
      ];
    });
  },
};
