/**
 * `myriadc report <model> -o report.html [convert flags] [--calibrate …]`: one self-contained
 * HTML file with the source graph and the emitted IR, lint findings at their nodes, the
 * lowering trace and the model card. Written atomically; the viewer script comes from the
 * build (dist/web/viewer.js).
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { formatCount } from "../../analysis/units.js";
import { type ConvertFlags, calibrationFromFlags } from "../../convert-flags.js";
import { readModelSource } from "../../frontends/load-model.js";
import { readNamedTensors } from "../../io/tensor-file.js";
import { buildReport } from "../../report/build-report.js";
import { renderReportHtml } from "../../report/render-html.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { MyriadcError } from "../../util/errors.js";
import type { CliIO } from "../io.js";

export interface ReportCommandOptions extends ConvertFlags {
  output: string;
}

/** The built viewer: beside the compiled CLI (dist/src/cli/commands → dist/web), or dist/ of a source checkout. */
export function viewerScriptPath(): string {
  const candidates = ["../../../web/viewer.js", "../../../dist/web/viewer.js"].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new MyriadcError("io", "the report viewer is not built (dist/web/viewer.js); run npm run build", { file: candidates[1]! });
  return found;
}

export function reportCommand(file: string, options: ReportCommandOptions, io: CliIO): number {
  if (!options.output.toLowerCase().endsWith(".html"))
    throw new MyriadcError("usage", `-o ${JSON.stringify(options.output)}: the report is an .html file`);
  if (resolve(file) === resolve(options.output)) throw new MyriadcError("usage", "the output would overwrite the input");
  const viewer = readFileSync(viewerScriptPath(), "utf8");
  const { data } = buildReport(readModelSource(file), { flags: options, ...calibrationFromFlags(options, readNamedTensors) });
  writeFileAtomic(options.output, new TextEncoder().encode(renderReportHtml(data, viewer)));
  const source = data.graphs[0]!;
  const ir = data.graphs[1];
  const conv = data.card.conversion;
  io.stdout(
    `${[
      `${options.output}: ${source.nodes.length} nodes${ir ? `, ${ir.nodes.length} IR layers` : ""}, ${source.findings.length} finding(s)`,
      data.card.macs !== null
        ? `  MACs ${formatCount(data.card.macs)}; ${data.card.oakEstimate ?? ""}`
        : "  MACs: need static input shapes (--input-shape)",
      conv && "error" in conv
        ? `  not converted: ${conv.error}`
        : `  MYRIAD will refuse: ${data.card.refused.length ? data.card.refused.map((f) => f.node || f.rule).join(", ") : "nothing"}`,
    ].join("\n")}\n`,
  );
  return 0;
}
