/** `myriadc inspect <model> [--json]`: what is in a model file. */
import pc from "picocolors";
import { type ModelSummary, summarizeModel, type ValueSummary } from "../../analysis/summary.js";
import { loadModel } from "../../frontends/load-model.js";
import type { DefineCommand } from "../command.js";
import type { CliIO } from "../io.js";
import { addModelArgument } from "../options.js";

export interface InspectOptions {
  json?: boolean;
}

export function inspectCommand(file: string, options: InspectOptions, io: CliIO): number {
  const loaded = loadModel(file);
  const summary = summarizeModel(loaded.model, {
    file,
    fileBytes: loaded.fileBytes,
    warnings: loaded.warnings,
    externalFiles: loaded.externalFiles,
  });
  if (options.json) {
    io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    io.stdout(formatSummary(summary, io.isTTY));
  }
  return 0;
}

function formatValue(v: ValueSummary): string {
  const shape = v.shape === null ? "?" : `[${v.shape.map((d) => (typeof d === "string" && d !== "?" ? d : String(d))).join(", ")}]`;
  return `${v.name}  ${v.dtype ?? "?"}${v.dtype?.includes("(") ? "" : shape}`;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

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

export const defineInspect: DefineCommand = (program, { io, setCode }) => {
  addModelArgument(
    program.command("inspect").description("show what is in a model: opsets, inputs/outputs, op histogram, parameters, problems"),
  )
    .option("--json", "print one JSON object instead of text")
    .action((model: string, opts: InspectOptions) => setCode(inspectCommand(model, opts, io)));
};
