/**
 * myriad/fp16-overflow: a float constant beyond ±65504 (it becomes ±Inf in FP16).
 * myriad/fp16-underflow: non-zero float constants smaller than FP16's smallest subnormal
 * (2⁻²⁴ ≈ 6e-8) — they flush to zero. Both are warnings: the model may tolerate them
 * (e.g. −1e9 attention masks), but results can change.
 */
import { fp16RangeOf } from "../../ir/numeric/fp16-arrays.js";
import type { Finding } from "../finding.js";
import { type LintRule, type RuleMeta, report } from "../rule.js";

export const FP16_OVERFLOW: RuleMeta = {
  id: "myriad/fp16-overflow",
  severity: "warning",
  description: "float constants beyond ±65504, which become ±Inf in FP16",
  docs:
    "MYRIAD stores float weights as FP16, whose largest finite value is 65504; larger ones become ±Inf. A warning, since models " +
    "may tolerate it (a −1e9 attention mask works as well as −1e4), but results can change.",
  fixedBy: [],
};

export const FP16_UNDERFLOW: RuleMeta = {
  id: "myriad/fp16-underflow",
  severity: "warning",
  description: "non-zero float constants below FP16's smallest subnormal, which become 0",
  docs: "Values below half of FP16's smallest subnormal (2⁻²⁴ ≈ 6e-8) flush to zero when the weights are stored as FP16.",
  fixedBy: [],
};

export const fp16ConstantsRule: LintRule = {
  meta: [FP16_OVERFLOW, FP16_UNDERFLOW],
  check({ model }) {
    const findings: Finding[] = [];
    for (const v of model.graph.initializers.values()) {
      const t = v.initializer!;
      if (t.dtype !== "float32" && t.dtype !== "float64") continue;
      const { overflow: over, underflow: under, largest: worst } = fp16RangeOf(t);
      const user = { name: v.name, opType: "Const" };
      if (over)
        findings.push(
          report(
            FP16_OVERFLOW,
            user,
            `constant ${JSON.stringify(v.name)} has ${over} value(s) beyond ±65504 (largest ${worst.toExponential(3)}) that become ±Inf in FP16`,
            { suggestion: "scale the values into FP16 range (a mask of −1e4 works as well as −1e9)" },
          ),
        );
      if (under)
        findings.push(
          report(
            FP16_UNDERFLOW,
            user,
            `constant ${JSON.stringify(v.name)} has ${under} non-zero value(s) below 6e-8 that become 0 in FP16`,
            {
              suggestion: "rescale the weights or check the layer's sensitivity",
            },
          ),
        );
    }
    return findings;
  },
};
