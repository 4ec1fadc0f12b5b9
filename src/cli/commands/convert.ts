/**
 * `myriadc convert <model> -o <out.xml>`: the library's `convert`, written as IR v11 (.xml +
 * .bin together, atomically), with a summary and what MYRIAD would still refuse.
 */
import { convert } from "../../api/convert.js";
import { type ConvertFlags, convertOptionsFromFlags } from "../../api/convert-flags.js";
import { writeConverted } from "../../api/write-ir.js";
import { loadModel } from "../../frontends/load-model.js";
import { binPathFor } from "../../frontends/openvino/read-ir.js";
import { formatStylish } from "../../lint/format/stylish.js";
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

export interface ConvertCommandFlags extends ConvertFlags {
  output: string;
  json?: boolean;
}

export function convertCommand(file: string, flags: ConvertCommandFlags, io: CliIO): number {
  const options = convertOptionsFromFlags(flags, file);
  const { dataType, target } = options;
  requireEnding(flags.output, ".xml", "the IR file name must end in .xml (the .bin goes beside it)");
  refuseOverwrite(file, flags.output);
  const started = performance.now();
  // The FP16 check runs only when asked (--calibrate/--calibrate-range): convert computes no activations otherwise.
  const result = convert(loadModel(file), { ...options, fp16Check: calibrationFrom(flags), file });
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
  for (const n of r.notes)
    lines.push(`note: ${n.node ? `${n.node} (${n.op}): ` : ""}${n.message}${n.suggestion ? `; ${n.suggestion}` : ""}`);
  if (r.quantization) lines.push(r.quantization.note);
  lines.push(r.fp16.summary);
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
  addConvertTargetOption(cmd);
  addDequantizeOption(cmd);
  addCalibrationOptions(cmd)
    .option("--json", "print the summary as JSON")
    .action((model: string, flags: ConvertCommandFlags) => setCode(convertCommand(model, flags, io)));
};
