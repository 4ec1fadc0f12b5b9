/**
 * Text output in the spirit of ESLint's "stylish": the file, one line per finding (node, op,
 * severity, message, rule id) with its suggestion below, and a summary with the fixable count.
 */
import pc from "picocolors";
import { countBySeverity, type Finding } from "../finding.js";

export function formatStylish(file: string, findings: readonly Finding[], color = false): string {
  const c = color
    ? pc
    : { red: (s: string) => s, yellow: (s: string) => s, dim: (s: string) => s, bold: (s: string) => s, green: (s: string) => s };
  if (!findings.length) return `${c.green("✔")} ${file}: no problems for MYRIAD\n`;
  const lines = [c.bold(file)];
  const nodeWidth = Math.min(40, Math.max(...findings.map((f) => f.node.length)));
  for (const f of findings) {
    const sev = f.severity === "error" ? c.red("error  ") : c.yellow("warning");
    lines.push(
      `  ${f.node.padEnd(nodeWidth)}  ${f.op.padEnd(12)}  ${sev}  ${f.message}  ${c.dim(f.rule)}${f.fixable ? c.dim(" (fixable)") : ""}`,
    );
    if (f.suggestion) lines.push(`  ${"".padEnd(nodeWidth)}  ${c.dim(`→ ${f.suggestion}`)}`);
    if (f.whyNotFixable) lines.push(`  ${"".padEnd(nodeWidth)}  ${c.dim(`✗ not fixed by fix --target myriad: ${f.whyNotFixable}`)}`);
  }
  const n = countBySeverity(findings);
  const total = n.errors + n.warnings;
  const summary =
    `✖ ${total} problem${total === 1 ? "" : "s"} (${n.errors} error${n.errors === 1 ? "" : "s"}, ${n.warnings} ` +
    `warning${n.warnings === 1 ? "" : "s"})`;
  lines.push("", (n.errors ? c.red : c.yellow)(c.bold(summary)));
  if (n.fixable) lines.push(`  ${n.fixable} of them fixable: myriadc fix --target myriad, or myriadc convert (which applies the fixes)`);
  return `${lines.join("\n")}\n`;
}
