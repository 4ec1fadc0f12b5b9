/**
 * `myriadc fix <model> -o <out>`: the library's `fix` (an ONNX model is cleaned up and
 * written back as ONNX) or, for an OpenVINO IR with --target myriad, its `legalize` (written
 * as IR again), with a short summary of what changed and what MYRIAD would still refuse.
 */
import { basename, dirname, resolve } from "node:path";
import pc from "picocolors";
import { emitIr } from "../../api/convert.js";
import { type ModelEditFlags, modelEditsFromFlags, targetFrom } from "../../api/convert-flags.js";
import { type FixReport, fix, legalize } from "../../api/fix.js";
import { writeConverted } from "../../api/write-ir.js";
import { memoryCompanion, piecesFile } from "../../frontends/companion.js";
import { folderCompanion, type LoadedModel, loadModel, openModel } from "../../frontends/load-model.js";
import { type EncodedOnnxFiles, encodeOnnxFiles } from "../../frontends/onnx/save.js";
import { binPathFor } from "../../frontends/openvino/read-ir.js";
import type { Finding } from "../../lint/finding.js";
import { formatStylish } from "../../lint/format/stylish.js";
import { lintLoadedModel } from "../../lint/lint-model.js";
import { writeFilesAtomic } from "../../util/atomic-write.js";
import { concatPieces } from "../../util/deferred-bytes.js";
import { MyriadcError } from "../../util/errors.js";
import { parseByteSize } from "../../util/limits.js";
import type { DefineCommand } from "../command.js";
import type { CliIO } from "../io.js";
import { addDequantizeOption, addModelArgument, addModelEditOptions, wholeNumber } from "../options.js";
import { ensureFolderFor, refuseOverwrite, requireEnding } from "../output.js";

export interface FixFlags extends ModelEditFlags {
  output: string;
  opset?: string;
  foldLimit?: string;
  /** "myriad" adds the MYRIAD fixes and reports what remains. */
  target?: string;
  /** Run a quantized model in float: activation quantize/dequantize pairs removed. */
  dequantize?: boolean;
  json?: boolean;
}

export interface FixSummary extends FixReport {
  input: string;
  output: string;
  /** With --target myriad: what lint still finds in the written model. */
  remaining?: Finding[];
}

/** `fix --target myriad` on an OpenVINO IR: the MYRIAD legalization, written as IR again. */
function fixIr(loaded: LoadedModel, file: string, flags: FixFlags, io: CliIO): number {
  requireEnding(flags.output, ".xml", "fixing an IR writes an IR; the name must end in .xml");
  const before = loaded.model.graph.nodes.length;
  const report = legalize(loaded, { file });
  const content = emitIr(loaded.model, { parameters: { input_model: file, target: "myriad" }, file });
  // What MYRIAD would still refuse, found in memory before anything is written: a fix whose
  // check fails leaves no file (and an older output untouched).
  const bin = binPathFor(flags.output);
  const companion = memoryCompanion(new Map([[basename(bin), content.bin]]));
  const xmlBytes = new TextEncoder().encode(content.xml);
  const remaining = lintLoadedModel(() => openModel({ name: flags.output, bytes: xmlBytes, companion }), flags.output).findings;
  ensureFolderFor(flags.output);
  writeConverted(content, flags.output, bin);
  const after = loaded.model.graph.nodes.length;
  const summary = { input: file, output: flags.output, layersBefore: before, layersAfter: after, ...report, remaining };
  if (flags.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  else
    io.stdout(
      `${flags.output}: ${before} → ${after} layers; applied ${report.applied.join(", ") || "nothing"}\n` +
        (remaining.length ? formatStylish(flags.output, remaining, io.isTTY) : "no problems left for MYRIAD\n"),
    );
  return 0;
}

export function fixCommand(file: string, flags: FixFlags, io: CliIO): number {
  refuseOverwrite(file, flags.output);
  const target = flags.target === undefined ? "none" : targetFrom(flags.target, "none");
  const opset = wholeNumber("--opset", flags.opset);
  const foldLimitBytes = flags.foldLimit ? parseByteSize("--fold-limit", flags.foldLimit) : undefined;
  const loaded = loadModel(file);
  if (loaded.dialect === "openvino") {
    if (target !== "myriad") throw new MyriadcError("usage", "an OpenVINO IR can only be fixed for a target: add --target myriad");
    return fixIr(loaded, file, flags, io);
  }
  const report = fix(loaded, {
    ...modelEditsFromFlags(flags),
    ...(opset !== undefined ? { opset } : {}),
    ...(foldLimitBytes !== undefined ? { foldLimitBytes } : {}),
    target,
    ...(flags.dequantize ? { dequantize: true } : {}),
    file,
  });
  const encoded = encodeOnnxFiles(loaded.model, flags.output);
  const remaining = target === "myriad" ? lintBeforeWriting(encoded, file, flags.output) : undefined;
  ensureFolderFor(flags.output);
  writeFilesAtomic(encoded.files);
  const summary: FixSummary = { input: file, output: flags.output, ...report, ...(remaining ? { remaining } : {}) };
  if (flags.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    io.stdout(formatFixSummary(summary, io.isTTY));
    if (summary.remaining)
      io.stdout(
        summary.remaining.length
          ? `\nStill to do for MYRIAD (fixable ones are applied by convert):\n${formatStylish(flags.output, summary.remaining, io.isTTY)}`
          : "\nno problems left for MYRIAD\n",
      );
  }
  return 0;
}

/**
 * What lint finds in the fixed model, read back from the files about to be written (in memory,
 * as lint would read them from disk: the model and, for one too large for a protobuf, its
 * external data) — so a check that fails writes nothing, whatever the model's size.
 */
function lintBeforeWriting(encoded: EncodedOnnxFiles, file: string, output: string): Finding[] {
  const [model, ...external] = [...encoded.files].reverse();
  const bytes = concatPieces(model!.chunks);
  const written = new Map(external.map((f) => [basename(f.path), piecesFile(f.path, f.chunks)]));
  const folder = folderCompanion(dirname(resolve(file)));
  const companion = (relativePath: string) => written.get(relativePath) ?? folder(relativePath);
  return lintLoadedModel(() => openModel({ name: output, bytes, companion }), output).findings;
}

export function formatFixSummary(s: FixSummary, color: boolean): string {
  const c = color ? pc : { bold: (x: string) => x, dim: (x: string) => x, green: (x: string) => x, yellow: (x: string) => x };
  const lines = [`${c.bold(s.output)}: ${s.nodesBefore} → ${s.nodesAfter} nodes (${s.rounds} round${s.rounds === 1 ? "" : "s"})`];
  const ops = [...new Set([...Object.keys(s.opsBefore), ...Object.keys(s.opsAfter)])].sort();
  for (const op of ops) {
    const a = s.opsBefore[op] ?? 0;
    const b = s.opsAfter[op] ?? 0;
    if (a !== b) lines.push(`  ${op.padEnd(24)} ${String(a).padStart(5)} → ${String(b).padEnd(5)}`);
  }
  const fmt = (o: Record<string, number>) =>
    Object.entries(o)
      .map(([d, v]) => `${d || "ai.onnx"} ${v}`)
      .join(", ");
  lines.push(`  opset ${fmt(s.opsetBefore)} → ${fmt(s.opsetAfter)}`);
  if (s.hitCap) lines.push(c.yellow("  stopped at the round limit before reaching a fixed point"));
  for (const n of s.notes) lines.push(c.dim(`  note: ${n}`));
  return `${lines.join("\n")}\n`;
}

export const defineFix: DefineCommand = (program, { io, setCode }) => {
  const cmd = addModelArgument(
    program
      .command("fix")
      .description("clean up a model (written as ONNX): infer shapes, fold constants, remove pass-through and dead nodes"),
    "written back as ONNX; an OpenVINO IR needs --target myriad and is written as IR",
  ).requiredOption("-o, --output <file>", "where to write the fixed model (same format as the input; missing folders are created)");
  addModelEditOptions(cmd);
  addDequantizeOption(cmd)
    .option("--opset <version>", "convert the default-domain op set to this version (e.g. 13 or 11)")
    .option("--fold-limit <bytes>", "largest ConstantOfShape/Expand/Tile/Range result to fold (default 1MiB)")
    .option("--target <target>", "also apply the fixes for a device (myriad) and report what remains; required for an IR (.xml)")
    .option("--json", "print the summary as JSON")
    .action((model: string, flags: FixFlags) => setCode(fixCommand(model, flags, io)));
};
