/**
 * The rule modules' metas are the one source of the rule documentation: the README's rule
 * table is exactly what they say, SARIF's rule metadata comes from them, every id a table
 * entry reports has one, severities match the table's kinds, and the passes a meta names as
 * its fixers exist.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatRuleTable } from "../../src/lint/format/rule-table.js";
import { formatSarif } from "../../src/lint/format/sarif.js";
import { RULE_METAS } from "../../src/lint/rules/index.js";
import { OP_CONSTRAINT_META } from "../../src/lint/rules/op-constraints.js";
import { fixPipeline } from "../../src/passes/pipelines.js";
import { MYRIAD_OPS } from "../../src/targets/myriad/capabilities.js";
import { MYRIAD_LEGALIZATION } from "../../src/targets/myriad/legalize.js";
import { myriadFixPipeline } from "../../src/targets/myriad/onnx-fixes.js";
import { REPO_ROOT } from "../support/corpus.js";

describe("rule metas", () => {
  it("every id is documented once", () => {
    const ids = RULE_METAS.map((m) => m.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    for (const m of RULE_METAS) {
      expect(m.id).toMatch(/^myriad\/[a-z0-9-]+$/);
      expect(m.description.length, m.id).toBeGreaterThan(10);
      expect(m.docs.length, m.id).toBeGreaterThan(m.description.length / 2);
    }
  });

  it("every rule id of the capability table has a meta, with the severity its kind implies", () => {
    const constraints = Object.values(MYRIAD_OPS).flatMap((c) => (c.supported ? (c.constraints ?? []) : []));
    const tableIds = [...new Set(constraints.map((c) => c.rule))].sort();
    expect(OP_CONSTRAINT_META.map((m) => m.id).sort()).toEqual(tableIds);
    for (const c of constraints)
      expect(OP_CONSTRAINT_META.find((m) => m.id === c.rule)!.severity, c.rule).toBe(c.kind === "attr-fixed" ? "warning" : "error");
  });

  it("the passes a meta names as fixers exist", () => {
    const passes = new Set([...MYRIAD_LEGALIZATION.flat(), ...fixPipeline(), ...myriadFixPipeline()].map((p) => p.name));
    expect(RULE_METAS.flatMap((m) => m.fixedBy.filter((p) => !passes.has(p)).map((p) => `${m.id}: ${p}`))).toEqual([]);
  });

  it("the README's rule table is the metas' (paste the expected table to update it)", () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const start = readme.indexOf("| rule | severity | meaning | fixed by |");
    expect(start, "the README has the rule table").toBeGreaterThanOrEqual(0);
    const end = readme.indexOf("\n\n", start);
    expect(readme.slice(start, end)).toBe(formatRuleTable(RULE_METAS));
  });

  it("SARIF's rules are the metas", () => {
    const log = JSON.parse(formatSarif("m.onnx", []));
    expect(log.runs[0].tool.driver.rules).toEqual(
      RULE_METAS.map((m) => ({
        id: m.id,
        shortDescription: { text: m.description },
        fullDescription: { text: m.docs },
        defaultConfiguration: { level: m.severity },
        properties: { fixedBy: m.fixedBy },
      })),
    );
  });
});
