/**
 * myriad/i64-range: an I64 constant with values outside the I32 range. MYRIAD narrows every
 * I64 tensor to I32 (ConvertPrecision i64→i32), so such values wrap around silently.
 */
import type { Finding } from "../finding.js";
import { type LintRule, type RuleMeta, report } from "../rule.js";

const MIN = -(2n ** 31n);
const MAX = 2n ** 31n - 1n;

export const I64_RANGE: RuleMeta = {
  id: "myriad/i64-range",
  severity: "error",
  description: "a 64-bit integer constant outside the I32 range MYRIAD narrows it to",
  docs:
    "The plugin narrows every I64 tensor to I32 on load (ConvertPrecision i64→i32); values beyond ±2^31 wrap around silently. " +
    "Exporters write INT64_MAX as the end of open Slices: clamp such values to the axis length.",
  fixedBy: [],
};

export const i64RangeRule: LintRule = {
  meta: [I64_RANGE],
  check({ model }) {
    const findings: Finding[] = [];
    for (const v of model.graph.initializers.values()) {
      const t = v.initializer!;
      if (t.dtype !== "int64" && t.dtype !== "uint64") continue;
      const bad = t.toBigInts().find((x) => x < MIN || x > MAX);
      if (bad === undefined) continue;
      findings.push(
        report(
          I64_RANGE,
          { name: v.name, opType: "Const" },
          `constant ${JSON.stringify(v.name)} holds ${bad}, outside the I32 range MYRIAD narrows I64 to`,
          {
            suggestion: "clamp the value in the model (e.g. Slice ends of INT64_MAX to the axis length)",
          },
        ),
      );
    }
    return findings;
  },
};
