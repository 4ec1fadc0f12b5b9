/** The rule table of the README, made from the rule modules' metas (a test keeps the README equal to it). */
import type { RuleMeta } from "../rule.js";

export function formatRuleTable(metas: readonly RuleMeta[]): string {
  const rows = metas.map(
    (m) => `| \`${m.id}\` | ${m.severity} | ${m.description} | ${m.fixedBy.map((p) => `\`${p}\``).join(", ") || "—"} |`,
  );
  return ["| rule | severity | meaning | fixed by |", "|---|---|---|---|", ...rows].join("\n");
}
