/**
 * SARIF 2.1.0 for code-scanning tools: one run, the tool's rules with their descriptions,
 * one result per finding located in the model file, with the node as a logical location.
 */
import { VERSION } from "../../version.js";
import type { Finding } from "../finding.js";
import { RULE_DOCS } from "../rule-docs.js";

export function formatSarif(file: string, findings: readonly Finding[]): string {
  const ruleIds = Object.keys(RULE_DOCS);
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "myriadc",
            version: VERSION,
            rules: ruleIds.map((id) => ({ id, shortDescription: { text: RULE_DOCS[id]! } })),
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
          properties: { op: f.op, fixable: f.fixable },
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
