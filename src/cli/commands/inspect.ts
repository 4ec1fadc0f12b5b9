/** `myriadc inspect <model> [--json]`: what is in a model file. */
import pc from "picocolors";
import { type ModelStatistics, modelStatistics, statisticsJson } from "../../analysis/statistics.js";
import { type ModelSummary, summarizeModel, type ValueSummary } from "../../analysis/summary.js";
import { formatBytes, formatCount } from "../../analysis/units.js";
import { loadModel } from "../../frontends/load-model.js";
import { parseInputShape } from "../../passes/onnx/input-shapes.js";
import type { CliIO } from "../io.js";

export interface InspectOptions {
  json?: boolean;
  inputShape?: string[];
}

export function inspectCommand(file: string, options: InspectOptions, io: CliIO): number {
  const loaded = loadModel(file);
  const summary = summarizeModel(loaded.model, {
    file,
    fileBytes: loaded.fileBytes,
    warnings: loaded.warnings,
    externalFiles: loaded.externalFiles,
  });
  // After the summary: statistics refine the model's shapes in place.
  const inputShapes = new Map((options.inputShape ?? []).map(parseInputShape));
  const statistics = statisticsJson(modelStatistics(loaded.model, loaded.dialect, file, inputShapes));
  if (options.json) {
    io.stdout(`${JSON.stringify({ ...summary, statistics }, null, 2)}\n`);
  } else {
    io.stdout(formatSummary(summary, io.isTTY) + formatStatistics(statistics, summary, io.isTTY));
  }
  return 0;
}

export { formatCount };

export function formatStatistics(s: ModelStatistics, summary: Pick<ModelSummary, "inputs">, color: boolean): string {
  const c = color ? pc : { bold: (x: string) => x, dim: (x: string) => x };
  const lines = ["", c.bold("statistics")];
  const row = (k: string, v: string): void => {
    lines.push(`  ${c.dim(k.padEnd(11))} ${v}`);
  };
  row("weights", `${s.parameters.toLocaleString("en-US")} parameters, ${bytes(s.weightBytesFp16)} in an FP16 IR`);
  if (s.macs === null) {
    const dynamic = summary.inputs.find((v) => v.shape === null || v.shape.some((d) => typeof d !== "number"));
    row("MACs", `need static input shapes${dynamic ? ` (give --input-shape ${dynamic.name}=[…])` : ""}`);
  } else {
    row("MACs", `${formatCount(s.macs)} (multiply-accumulates of convolutions, matrix products and recurrent gates)`);
    for (const [op, n] of Object.entries(s.macsByOp)) lines.push(`  ${formatCount(n).padStart(11)}  ${op}`);
    if (s.macsUnknown.length) row("", `not counted (shapes unknown): ${s.macsUnknown.join(", ")}`);
  }
  if (s.oakEstimate) row("OAK speed", s.oakEstimate.text);
  return `${lines.join("\n")}\n`;
}

function formatValue(v: ValueSummary): string {
  const shape = v.shape === null ? "?" : `[${v.shape.map((d) => (typeof d === "string" && d !== "?" ? d : String(d))).join(", ")}]`;
  return `${v.name}  ${v.dtype ?? "?"}${v.dtype?.includes("(") ? "" : shape}`;
}

const bytes = formatBytes;

export function formatSummary(s: ModelSummary, color: boolean): string {
  const c = color ? pc : { bold: (x: string) => x, dim: (x: string) => x, yellow: (x: string) => x, red: (x: string) => x };
  const lines: string[] = [];
  const row = (k: string, v: string): void => {
    lines.push(`${c.dim(k.padEnd(12))} ${v}`);
  };
  lines.push(c.bold(s.file));
  row("file", bytes(s.fileBytes));
  row("ir version", String(s.irVersion));
  row("producer", [s.producer.name, s.producer.version].filter(Boolean).join(" ") || "(none)");
  row(
    "opsets",
    Object.entries(s.opsets)
      .map(([d, v]) => `${d || "ai.onnx"} ${v}`)
      .join(", "),
  );
  row("nodes", `${s.nodes}${s.subgraphs ? ` (+${s.subgraphNodes} in ${s.subgraphs} subgraph${s.subgraphs === 1 ? "" : "s"})` : ""}`);
  row(
    "parameters",
    `${s.parameters.toLocaleString("en-US")} in ${s.initializers} initializer${s.initializers === 1 ? "" : "s"} (${bytes(s.parameterBytes)})`,
  );
  if (s.externalData.length) row("external", s.externalData.join(", "));
  if (s.functions.length)
    row("functions", s.functions.map((f) => `${f.domain ? `${f.domain}::` : ""}${f.name} (${f.nodes} nodes)`).join(", "));
  for (const [k, v] of Object.entries(s.metadata)) row(`meta ${k}`, v);
  lines.push("", c.bold("inputs"));
  for (const v of s.inputs) lines.push(`  ${formatValue(v)}`);
  if (s.overridableInitializers.length) lines.push(c.dim(`  (+${s.overridableInitializers.length} initializers also listed as inputs)`));
  lines.push(c.bold("outputs"));
  for (const v of s.outputs) lines.push(`  ${formatValue(v)}`);
  lines.push("", c.bold("ops"));
  for (const [op, n] of Object.entries(s.ops)) lines.push(`  ${String(n).padStart(6)}  ${op}`);
  if (s.subgraphNodes) {
    lines.push(c.bold("ops in subgraphs"));
    for (const [op, n] of Object.entries(s.subgraphOps)) lines.push(`  ${String(n).padStart(6)}  ${op}`);
  }
  if (s.problems.length) {
    lines.push("", c.bold("problems"));
    for (const p of s.problems) lines.push(`  ${p.severity === "error" ? c.red("error") : c.yellow("warning")}  ${p.message}`);
  }
  return `${lines.join("\n")}\n`;
}
