/**
 * The node-free core, for browsers (bundled by scripts/build-web.mjs into dist/browser/): load
 * models from bytes, convert, lint, run (the interpreter), compute statistics, build the report. It imports no
 * `node:` module, directly or not (test/browser/core-imports.test.ts bundles it to check);
 * file access and process spawning stay in the CLI and the backends.
 */
export { modelStatistics, type Statistics, statisticsJson } from "./analysis/statistics.js";
export { summarizeModel } from "./analysis/summary.js";
export { formatBytes as formatBytesText, formatCount } from "./analysis/units.js";
export { type Converted, type ConvertOptions, convertToIr } from "./api/convert.js";
export { pairedIrFiles } from "./emit/ir-pair-files.js";
export { encodeIrXml } from "./emit/ir-xml.js";
export { bytesFile, type Companion, CompanionError, memoryCompanion } from "./frontends/companion.js";
export type { LoadedModel, ModelSource } from "./frontends/frontend.js";
export { knownFormats, openModel } from "./frontends/open-model.js";
export { formatJson as formatLintJson } from "./lint/format/json.js";
export { type LintFileOptions, type LintFileReport, lintLoadedModel } from "./lint/lint-model.js";
export { parseInputShape } from "./passes/onnx/input-shapes.js";
export { type BuiltReport, buildReport, type ReportOptions } from "./report/build-report.js";
export { renderReportHtml } from "./report/render-html.js";
export type { ReportData } from "./report/report-data.js";
export { type RunOptions, runOpenvinoModel } from "./runtime/interpreter.js";
export { isMyriadcError, MyriadcError } from "./util/errors.js";
export { VERSION } from "./version.js";
