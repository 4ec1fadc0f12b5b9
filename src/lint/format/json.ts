/**
 * JSON output with a stable, versioned schema: { schemaVersion, file, target, summary, findings[] }.
 * `whyNotFixable` (added within schema 1) is the fixing pass's reason when a rule's fix
 * exists but does not apply to this node, else null.
 */
import { countBySeverity, type Finding } from "../finding.js";

export const LINT_JSON_SCHEMA_VERSION = 1;

/** One finding as the JSON output writes it (the report shows findings through this too). */
export function findingJson(f: Finding) {
  return {
    rule: f.rule,
    severity: f.severity,
    node: f.node,
    op: f.op,
    message: f.message,
    suggestion: f.suggestion ?? null,
    fixable: f.fixable,
    whyNotFixable: f.whyNotFixable ?? null,
  };
}

export type FindingJson = ReturnType<typeof findingJson>;

export function formatJson(file: string, findings: readonly Finding[]): string {
  const findingsOut = findings.map(findingJson);
  const doc = {
    schemaVersion: LINT_JSON_SCHEMA_VERSION,
    file,
    target: "myriad",
    summary: countBySeverity(findings),
    findings: findingsOut,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
