/**
 * myriad/unsupported-op: a layer type the MYRIAD plugin has no stage for. compile_tool stops
 * with `Failed to compile layer "<name>": unsupported layer type "<type>"`. Fixable when the
 * capability table names a rewrite with identical semantics (or the layer folds to a constant).
 */
import { capabilityOf } from "../../targets/myriad/capabilities.js";
import { isConstantComputable } from "../constant-inputs.js";
import { at, type LintRule } from "../rule.js";

export const unsupportedOpRule: LintRule = {
  ids: ["myriad/unsupported-op"],
  description: "layer types MYRIAD cannot run",
  check({ model }) {
    return model.graph.nodes.flatMap((node) => {
      const cap = capabilityOf(node.opType);
      if (cap?.supported) return [];
      const refusal =
        cap?.supported === false && cap.refusal
          ? cap.refusal.replace("{name}", node.name)
          : `Failed to compile layer "${node.name}": unsupported layer type "${node.opType}"`;
      const compileTool = `compile_tool: ${refusal}`;
      if (!cap)
        return [
          at(
            node,
            "myriad/unsupported-op",
            "error",
            `${node.opType} has no MYRIAD layer (${compileTool})`,
            "replace the op before export, or run this part on the host (cut the graph with fix --outputs/--inputs)",
            false,
          ),
        ];
      const fixable = cap.rewrite === "fold-constant" ? node.inputs.every((v) => !v || isConstantComputable(v)) : cap.rewrite !== undefined;
      return [at(node, "myriad/unsupported-op", "error", `${node.opType} has no MYRIAD layer (${compileTool})`, cap.suggestion, fixable)];
    });
  },
};
