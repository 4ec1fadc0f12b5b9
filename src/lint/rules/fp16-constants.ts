/**
 * myriad/fp16-overflow: a float constant beyond ±65504 (it becomes ±Inf in FP16).
 * myriad/fp16-underflow: non-zero float constants smaller than FP16's smallest subnormal
 * (2⁻²⁴ ≈ 6e-8) — they flush to zero. Both are warnings: the model may tolerate them
 * (e.g. −1e9 attention masks), but results can change.
 */
import { fp16RangeOf } from "../../ir/numeric/fp16-arrays.js";
import type { Finding } from "../finding.js";
import { at, type LintRule } from "../rule.js";

export const fp16ConstantsRule: LintRule = {
  ids: ["myriad/fp16-overflow", "myriad/fp16-underflow"],
  description: "float constants FP16 cannot hold",
  check({ model }) {
    const findings: Finding[] = [];
    for (const v of model.graph.initializers.values()) {
      const t = v.initializer!;
      if (t.dtype !== "float32" && t.dtype !== "float64") continue;
      const { overflow: over, underflow: under, largest: worst } = fp16RangeOf(t);
      const user = { name: v.name, opType: "Const" };
      if (over)
        findings.push(
          at(
            user,
            "myriad/fp16-overflow",
            "warning",
            `constant ${JSON.stringify(v.name)} has ${over} value(s) beyond ±65504 (largest ${worst.toExponential(3)}) that become ±Inf in FP16`,
            "scale the values into FP16 range (a mask of −1e4 works as well as −1e9)",
            false,
          ),
        );
      if (under)
        findings.push(
          at(
            user,
            "myriad/fp16-underflow",
            "warning",
            `constant ${JSON.stringify(v.name)} has ${under} non-zero value(s) below 6e-8 that become 0 in FP16`,
            "rescale the weights or check the layer's sensitivity",
            false,
          ),
        );
    }
    return findings;
  },
};
