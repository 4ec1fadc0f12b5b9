/**
 * SARIF 2.1.0 for code-scanning tools: one run, the tool's rules with the metadata of their
 * rule modules (description, docs, default level, the passes that fix them), one result per
 * finding located in the model file, with the node as a logical location.
 */
import { VERSION } from "../../version.js";
import type { Finding } from "../finding.js";
import { RULE_METAS } from "../rules/index.js";

export function formatSarif(file: string, findings: readonly Finding[]): string {
  const ruleIds = RULE_METAS.map((m) => m.id);
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "myriadc",
            version: VERSION,
            rules: RULE_METAS.map((m) => ({
              id: m.id,
              shortDescription: { text: m.description },
              fullDescription: { text: m.docs },
              defaultConfiguration: { level: m.severity },
              properties: { fixedBy: m.fixedBy },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ...(ruleIds.includes(f.rule) ? { ruleIndex: ruleIds.indexOf(f.rule) } : {}),
          level: f.severity,
          message: { text: f.suggestion ? `${f.message} (${f.suggestion})` : f.message },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: file.split("\\").join("/") } },
              ...(f.node ? { logicalLocations: [{ name: f.node, kind: "member", fullyQualifiedName: `${f.op}:${f.node}` }] } : {}),
            },
          ],
          properties: { op: f.op, fixable: f.fixable, ...(f.whyNotFixable ? { whyNotFixable: f.whyNotFixable } : {}) },
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
