/**
 * myriad/input-type: an input whose device type the layer does not accept. Fixable where the
 * Convert-insertion pass computes the layer in float. myriad/unsupported-type: a tensor of a
 * type MYRIAD has no form for.
 */
import { capabilityOf } from "../../targets/myriad/capabilities.js";
import { insertConvertsPass } from "../../targets/myriad/passes/insert-converts.js";
import { type MyriadType, myriadTypeOf } from "../../targets/myriad/types.js";
import type { Finding } from "../finding.js";
import { type LintRule, type RuleMeta, report } from "../rule.js";

/** The plugin's spelling of I32 in its messages. */
export const plugName = (t: MyriadType) => (t === "I32" ? "S32" : t);

export const INPUT_TYPE: RuleMeta = {
  id: "myriad/input-type",
  severity: "error",
  description: "a layer input of a type its MYRIAD stage refuses (e.g. S32 into Subtract, Greater or Floor); fixable with Converts",
  docs:
    "MYRIAD computes in FP16 and I32 only, and many stages accept FP16 only (stages/eltwise.cpp: S32 only for some eltwise ops; " +
    "Floor is FP16 only). The plugin stops with `Stage node <name> (<type>) types check error: input #0 has type S32, but one of " +
    "[FP16] is expected`. Typical cause: index arithmetic in I64 (narrowed to I32) feeding a float-only layer. Converts to FP16 " +
    "around the layer fix it, exact for integers up to 2048.",
  fixedBy: ["insert-converts", "float-compute"],
};

export const UNSUPPORTED_TYPE: RuleMeta = {
  id: "myriad/unsupported-type",
  severity: "error",
  description: "a tensor type MYRIAD has no form for (int8, int16, float8 …)",
  docs: "The device keeps tensors as FP16, I32 or U8 (I64, U64, U32 and BOOL are narrowed to I32 on load); other types cannot be stored.",
  fixedBy: [],
};

export const inputTypeRule: LintRule = {
  meta: [INPUT_TYPE, UNSUPPORTED_TYPE],
  check({ model, types, facts }) {
    return model.graph.nodes.flatMap((node) => {
      const cap = capabilityOf(node.opType);
      const findings: Finding[] = [];
      for (const out of node.outputs) {
        const info = out ? types.get(out) : undefined;
        if (info && !myriadTypeOf(info.dtype)) {
          findings.push(
            report(
              UNSUPPORTED_TYPE,
              node,
              `output ${JSON.stringify(out!.name)} is ${info.dtype}, a type MYRIAD has no form for (it computes in FP16 and I32)`,
              { suggestion: "cast to float or int32 in the model" },
            ),
          );
        }
      }
      if (!cap?.supported || !cap.inputTypes) return findings;
      for (const [port, allowed] of Object.entries(cap.inputTypes)) {
        const v = node.inputs[Number(port)];
        const actual = myriadTypeOf(v ? types.get(v)?.dtype : undefined);
        if (!actual || allowed.includes(actual)) continue;
        findings.push(
          report(
            INPUT_TYPE,
            node,
            `Stage node ${node.name} (${node.opType}) types check error: input #${port} has type ${plugName(actual)}, but one of ` +
              `[${allowed.map(plugName).join(", ")}] is expected`,
            {
              suggestion:
                actual === "I32"
                  ? "compute this in float: Converts to FP16 (and back) are inserted around the layer, exact for integers up to 2048"
                  : `convert the input to ${allowed.map(plugName).join(" or ")}`,
              fix: { whyNot: insertConvertsPass.canFix(node, facts) },
            },
          ),
        );
      }
      return findings;
    });
  },
};
