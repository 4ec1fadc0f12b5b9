/**
 * `myriadc report <model> -o report.html [convert flags] [--calibrate …]`: one self-contained
 * HTML file with the source graph and the emitted IR, lint findings at their nodes, the
 * lowering trace and the model card. Written atomically; the viewer script comes from the
 * build (dist/web/viewer.js).
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { formatCount } from "../../analysis/units.js";
import type { ConvertFlags } from "../../api/convert-flags.js";
import { readModelSource } from "../../frontends/load-model.js";
import { buildReport } from "../../report/build-report.js";
import { renderReportHtml } from "../../report/render-html.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { MyriadcError } from "../../util/errors.js";
import type { DefineCommand } from "../command.js";
import type { CliIO } from "../io.js";
import {
  addCalibrationOptions,
  addConvertTargetOption,
  addDataTypeOption,
  addDequantizeOption,
  addModelArgument,
  addModelEditOptions,
  addPreprocessingOptions,
  calibrationFrom,
} from "../options.js";
import { ensureFolderFor, refuseOverwrite, requireEnding } from "../output.js";

export interface ReportCommandOptions extends ConvertFlags {
  output: string;
}

/**
 * The built viewer: beside the bundled executable (dist/myriadc.mjs → dist/web), beside the
 * compiled CLI (dist/src/cli/commands → dist/web), or in dist/ of a source checkout.
 */
export function viewerScriptPath(): string {
  const candidates = ["./web/viewer.js", "../../../web/viewer.js", "../../../dist/web/viewer.js"].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new MyriadcError("io", "the report viewer is not built (dist/web/viewer.js); run npm run build", { file: candidates[2]! });
  return found;
}

export function reportCommand(file: string, options: ReportCommandOptions, io: CliIO): number {
  requireEnding(options.output, ".html", "the report is an .html file");
  refuseOverwrite(file, options.output);
  const viewer = readFileSync(viewerScriptPath(), "utf8");
  const { data } = buildReport(readModelSource(file), { flags: options, ...calibrationFrom(options) });
  ensureFolderFor(options.output);
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

export const defineReport: DefineCommand = (program, { io, setCode }) => {
  const cmd = addModelArgument(
    program
      .command("report")
      .description("write one self-contained HTML page: the graph and the emitted IR, findings at their nodes, statistics"),
  ).requiredOption("-o, --output <report.html>", "where to write the report (missing folders are created)");
  addDataTypeOption(cmd, "FP32", "FP32 or FP16 weights and precisions of the IR");
  addModelEditOptions(cmd);
  addPreprocessingOptions(cmd);
  addConvertTargetOption(cmd);
  addDequantizeOption(cmd);
  addCalibrationOptions(cmd).action((model: string, opts: ReportCommandOptions) => setCode(reportCommand(model, opts, io)));
};
