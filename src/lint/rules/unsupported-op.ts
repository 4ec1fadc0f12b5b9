/**
 * myriad/unsupported-op: a layer type the MYRIAD plugin has no stage for. Fixable when the
 * rewrite pass (or the constant folder, for the layers the table says to fold) replaces it.
 */
import { capabilityOf } from "../../targets/myriad/capabilities.js";
import { canRewriteUnsupported } from "../../targets/myriad/passes/rewrite-unsupported.js";
import { type LintRule, type RuleMeta, report } from "../rule.js";

export const UNSUPPORTED_OP: RuleMeta = {
  id: "myriad/unsupported-op",
  severity: "error",
  description:
    "a layer type the MYRIAD plugin has no stage for; fixable when an exact rewrite exists (HardSigmoid, LogSoftmax, Negative, Selu, " +
    "SoftSign, DepthToSpace, SpaceToDepth, ShuffleChannels, ReduceL1/L2, constant Range)",
  docs:
    'compile_tool stops with `Failed to compile layer "<name>": unsupported layer type "<type>"` (for If: the DynamicToStaticShape ' +
    "transformation refuses the dynamic node). The capability table (src/targets/myriad/capabilities.ts) lists the layers the " +
    "plugin reads; for the ones it refuses it names an exact rewrite into layers it runs, or what to do instead. A layer the table " +
    "does not know at all (a custom op) is refused too.",
  fixedBy: ["rewrite-unsupported", "fold-constants-openvino"],
};

export const unsupportedOpRule: LintRule = {
  meta: [UNSUPPORTED_OP],
  check({ model, facts }) {
    return model.graph.nodes.flatMap((node) => {
      const cap = capabilityOf(node.opType);
      if (cap?.supported) return [];
      const refusal =
        cap?.supported === false && cap.refusal
          ? cap.refusal.replace("{name}", node.name)
          : `Failed to compile layer "${node.name}": unsupported layer type "${node.opType}"`;
      const message = `${node.opType} has no MYRIAD layer (compile_tool: ${refusal})`;
      if (!cap)
        return [
          report(UNSUPPORTED_OP, node, message, {
            suggestion: "replace the op before export, or run this part on the host (cut the graph with fix --outputs/--inputs)",
          }),
        ];
      return [report(UNSUPPORTED_OP, node, message, { suggestion: cap.suggestion, fix: { whyNot: canRewriteUnsupported(node, facts) } })];
    });
  },
};
