/**
 * myriad/input-type: an input whose device type the layer does not accept — the plugin's
 * `Stage node <name> (<type>) types check error: input #0 has type S32, but one of [FP16] is
 * expected` (eltwise.cpp; Floor is FP16 only). Typical cause: index arithmetic in I64 (narrowed
 * to I32) feeding float-only layers. Fixable by inserting legal Converts around the layer.
 * myriad/unsupported-type: a tensor of a type MYRIAD has no form for (int8, int16, float8 …).
 */
import { capabilityOf } from "../../targets/myriad/capabilities.js";
import { convertChain, type MyriadType, myriadTypeOf } from "../../targets/myriad/types.js";
import type { Finding } from "../finding.js";
import { at, type LintRule } from "../rule.js";

/** The plugin's spelling of I32 in its messages. */
export const plugName = (t: MyriadType) => (t === "I32" ? "S32" : t);

export const inputTypeRule: LintRule = {
  ids: ["myriad/input-type", "myriad/unsupported-type"],
  description: "input types a layer does not accept",
  check({ model, types }) {
    return model.graph.nodes.flatMap((node) => {
      const cap = capabilityOf(node.opType);
      const findings: Finding[] = [];
      for (const out of node.outputs) {
        const info = out ? types.get(out) : undefined;
        if (info && !myriadTypeOf(info.dtype)) {
          findings.push(
            at(
              node,
              "myriad/unsupported-type",
              "error",
              `output ${JSON.stringify(out!.name)} is ${info.dtype}, a type MYRIAD has no form for (it computes in FP16 and I32)`,
              "cast to float or int32 in the model",
              false,
            ),
          );
        }
      }
      if (!cap?.supported || !cap.inputTypes) return findings;
      for (const [port, allowed] of Object.entries(cap.inputTypes)) {
        const v = node.inputs[Number(port)];
        const info = v ? types.get(v) : undefined;
        const actual = myriadTypeOf(info?.dtype);
        if (!actual || allowed.includes(actual)) continue;
        const fixable = allowed.some((t) => convertChain(actual, t) !== undefined);
        findings.push(
          at(
            node,
            "myriad/input-type",
            "error",
            `Stage node ${node.name} (${node.opType}) types check error: input #${port} has type ${plugName(actual)}, but one of ` +
              `[${allowed.map(plugName).join(", ")}] is expected`,
            actual === "I32"
              ? "compute this in float: Converts to FP16 (and back) are inserted around the layer, exact for integers up to 2048"
              : `convert the input to ${allowed.map(plugName).join(" or ")}`,
            fixable,
          ),
        );
      }
      return findings;
    });
  },
};
