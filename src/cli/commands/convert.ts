/**
 * `myriadc convert <model> -o <out.xml>`: the library's `convert`, written as IR v11 (.xml +
 * .bin together, atomically), with a summary and what MYRIAD would still refuse.
 */
import { convert, writeConverted } from "../../api/convert.js";
import { loadModel } from "../../frontends/load-model.js";
import { binPathFor } from "../../frontends/openvino/read-ir.js";
import { formatStylish } from "../../lint/format/stylish.js";
import type { DefineCommand } from "../command.js";
import type { CliIO } from "../io.js";
import {
  addDataTypeOption,
  addModelArgument,
  addModelEditOptions,
  addPreprocessingOptions,
  convertOptionsFrom,
  dataTypeFrom,
  type ModelEditFlags,
  type PreprocessingFlags,
  targetFrom,
} from "../options.js";
import { ensureFolderFor, refuseOverwrite, requireEnding } from "../output.js";

export interface ConvertFlags extends ModelEditFlags, PreprocessingFlags {
  output: string;
  dataType?: string;
  target?: string;
  json?: boolean;
}

export function convertCommand(file: string, flags: ConvertFlags, io: CliIO): number {
  const dataType = dataTypeFrom(flags.dataType, "FP32");
  requireEnding(flags.output, ".xml", "the IR file name must end in .xml (the .bin goes beside it)");
  refuseOverwrite(file, flags.output);
  const target = targetFrom(flags.target, "myriad");
  const started = performance.now();
  const result = convert(loadModel(file), convertOptionsFrom(file, flags, dataType, target));
  const bin = binPathFor(flags.output);
  ensureFolderFor(flags.output);
  writeConverted(result, flags.output, bin);
  const r = result.report;
  const summary = { input: file, xml: flags.output, bin, ...r, ms: Math.round(performance.now() - started) };
  if (flags.json) {
    io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `${flags.output} (+ ${bin}): ${r.layers} layers, ${r.weightsBytes.toLocaleString("en-US")} bytes of ${dataType} weights, ${summary.ms} ms`,
  ];
  for (const [t, n] of Object.entries(r.layersByType)) lines.push(`  ${String(n).padStart(5)}  ${t}`);
  if (target === "myriad") lines.push(`MYRIAD fixes applied: ${r.myriadFixes.join(", ") || "none needed"}`);
  if (r.xmlReplaced.length)
    lines.push(
      `note: ${r.xmlReplaced.length} name${r.xmlReplaced.length === 1 ? "" : "s"} held characters XML 1.0 cannot hold; ` +
        `written with U+FFFD instead: ${r.xmlReplaced
          .slice(0, 3)
          .map((n) => JSON.stringify(n))
          .join(", ")}`,
    );
  io.stdout(`${lines.join("\n")}\n`);
  if (target === "myriad")
    io.stdout(
      r.remaining.length
        ? `MYRIAD lint of the result:\n${formatStylish(flags.output, r.remaining, io.isTTY)}`
        : "no problems left for MYRIAD\n",
    );
  return 0;
}

export const defineConvert: DefineCommand = (program, { io, setCode }) => {
  const cmd = addModelArgument(
    program
      .command("convert")
      .description("convert a model to OpenVINO IR v11 (.xml + .bin) using only opset1–opset10 ops, with every MYRIAD fix"),
  ).requiredOption("-o, --output <file.xml>", "where to write the IR (.bin goes beside it; missing folders are created)");
  addDataTypeOption(cmd, "FP32", "FP32 or FP16 weights and precisions");
  addModelEditOptions(cmd);
  addPreprocessingOptions(cmd);
  cmd
    .option("--target <target>", "myriad (default): apply the MYRIAD fixes; none: plain lowering", "myriad")
    .option("--json", "print the summary as JSON")
    .action((model: string, flags: ConvertFlags) => setCode(convertCommand(model, flags, io)));
};
