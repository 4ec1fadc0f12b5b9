/**
 * myriad/opset-too-new and myriad/unsupported-version: op versions the 2022.3 IR reader or
 * the MYRIAD plugin refuse. Fixable where the rewrite pass replaces the version by one that
 * computes the same (MaxPool-8 without dilations and unused indices is MaxPool-1).
 */
import { capabilityOf, NEWEST_OPSET } from "../../targets/myriad/capabilities.js";
import { canRewriteUnsupported } from "../../targets/myriad/passes/rewrite-unsupported.js";
import { type LintRule, type RuleMeta, report } from "../rule.js";

export const OPSET_TOO_NEW: RuleMeta = {
  id: "myriad/opset-too-new",
  severity: "error",
  description: "a layer from opset11 or newer, which the OpenVINO 2022.3 IR reader refuses",
  docs:
    "OpenVINO 2022.3 reads opset1–opset10; compile_tool stops with `Cannot create <type> layer <name> id:<n> from unsupported opset: " +
    "opsetN`. myriadc writes opset1–opset10 only, so this concerns IRs written by newer Model Optimizers.",
  fixedBy: [],
};

export const UNSUPPORTED_VERSION: RuleMeta = {
  id: "myriad/unsupported-version",
  severity: "error",
  description: "an op version the MYRIAD plugin does not convert (MaxPool-8 with indices or dilations, NonMaxSuppression-9, …)",
  docs:
    "The plugin converts some newer op versions to the ones its stages implement (Gather-7/8 to Gather-1, NMS-3/4/5 to its static " +
    "NMS) but not all; the capability table lists the versions each layer may have. MaxPool-8 whose indices output is unused and " +
    "that is not dilated computes what MaxPool-1 does and is rewritten.",
  fixedBy: ["rewrite-unsupported"],
};

export const opVersionRule: LintRule = {
  meta: [OPSET_TOO_NEW, UNSUPPORTED_VERSION],
  check({ model, facts }) {
    return model.graph.nodes.flatMap((node) => {
      const v = node.version;
      const cap = capabilityOf(node.opType);
      if (v === undefined || !cap?.supported) return [];
      if (v > NEWEST_OPSET) {
        return [
          report(
            OPSET_TOO_NEW,
            node,
            `${node.opType} comes from opset${v}, newer than the opset${NEWEST_OPSET} that OpenVINO 2022.3 reads (compile_tool: Cannot create ` +
              `${node.opType} layer ${node.name} from unsupported opset: opset${v})`,
            { suggestion: "convert with myriadc (it writes opset1–opset10 only) or with Model Optimizer 2022.3" },
          ),
        ];
      }
      if (cap.versions.includes(v)) return [];
      const whyNot = canRewriteUnsupported(node, facts);
      return [
        report(
          UNSUPPORTED_VERSION,
          node,
          `${node.opType}-${v} is not among the versions the MYRIAD plugin converts (${cap.versions.map((x) => `${node.opType}-${x}`).join(", ")})`,
          {
            suggestion:
              whyNot === undefined ? `rewritten as ${node.opType}-${cap.versions[0]}` : "export the op in a version MYRIAD accepts",
            fix: { whyNot },
          },
        ),
      ];
    });
  },
};
