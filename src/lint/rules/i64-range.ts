/**
 * myriad/i64-range: an I64 constant with values outside the I32 range. MYRIAD narrows every
 * I64 tensor to I32 (ConvertPrecision i64→i32), so such values wrap around silently.
 */
import type { Finding } from "../finding.js";
import { at, type LintRule } from "../rule.js";

const MIN = -(2n ** 31n);
const MAX = 2n ** 31n - 1n;

export const i64RangeRule: LintRule = {
  ids: ["myriad/i64-range"],
  description: "64-bit integer constants that do not fit the I32 MYRIAD narrows them to",
  check({ model }) {
    const findings: Finding[] = [];
    for (const v of model.graph.initializers.values()) {
      const t = v.initializer!;
      if (t.dtype !== "int64" && t.dtype !== "uint64") continue;
      const bad = t.toBigInts().find((x) => x < MIN || x > MAX);
      if (bad === undefined) continue;
      findings.push(
        at(
          { name: v.name, opType: "Const" },
          "myriad/i64-range",
          "error",
          `constant ${JSON.stringify(v.name)} holds ${bad}, outside the I32 range MYRIAD narrows I64 to`,
          "clamp the value in the model (e.g. Slice ends of INT64_MAX to the axis length)",
          false,
        ),
      );
    }
    return findings;
  },
};
