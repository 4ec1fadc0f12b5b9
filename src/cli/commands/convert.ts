/**
 * `myriadc convert <model.onnx> -o <out.xml> [--data-type FP32|FP16] [--input-shape …]`:
 * ONNX → OpenVINO IR v11 (.xml + .bin, written together atomically), with a summary.
 */
import { resolve } from "node:path";
import { convertToIr } from "../../convert.js";
import { type ConvertFlags, convertOptionsFromFlags } from "../../convert-flags.js";
import { nonXmlStringsOfNet } from "../../emit/ir-xml.js";
import { writeIr } from "../../emit/openvino-ir.js";
import { loadModel } from "../../frontends/load-model.js";
import { binPathFor } from "../../frontends/openvino/read-ir.js";
import { formatStylish } from "../../lint/format/stylish.js";
import { lintOpenvino, valueTypes } from "../../lint/lint.js";
import { MyriadcError } from "../../util/errors.js";
import type { CliIO } from "../io.js";

export interface ConvertOptions extends ConvertFlags {
  output: string;
  json?: boolean;
}

export { preprocessingFlags } from "../../convert-flags.js";

export function convertCommand(file: string, options: ConvertOptions, io: CliIO): number {
  const flags = convertOptionsFromFlags(options, file);
  const { dataType, target } = flags;
  if (!options.output.toLowerCase().endsWith(".xml"))
    throw new MyriadcError("usage", `-o ${JSON.stringify(options.output)}: the IR file name must end in .xml (the .bin goes beside it)`);
  if (resolve(file) === resolve(options.output)) throw new MyriadcError("usage", "the output would overwrite the input");
  const started = performance.now();
  const { model } = loadModel(file);
  const ir = convertToIr(model, file, flags);
  // What MYRIAD would still refuse in the written IR (nothing to report for target none).
  const remaining = target === "myriad" ? lintOpenvino(ir.openvino, valueTypes(ir.openvino, file)) : [];
  const bin = binPathFor(options.output);
  // Names with characters XML 1.0 cannot hold are written with U+FFFD instead: say which.
  const xmlReplaced = nonXmlStringsOfNet(ir.net);
  writeIr(options.output, bin, ir.net, ir.bin);
  const ms = performance.now() - started;
  const byType = new Map<string, number>();
  for (const l of ir.net.layers)
    byType.set(`${l.type}-${l.version.replace("opset", "")}`, (byType.get(`${l.type}-${l.version.replace("opset", "")}`) ?? 0) + 1);
  const summary = {
    input: file,
    xml: options.output,
    bin,
    dataType,
    layers: ir.net.layers.length,
    layersByType: Object.fromEntries([...byType].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
    weightsBytes: ir.bin.byteLength,
    ms: Math.round(ms),
    target,
    myriadFixes: ir.legalization.applied,
    remaining,
    xmlReplaced,
  };
  if (options.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    const lines = [
      `${options.output} (+ ${bin}): ${summary.layers} layers, ${summary.weightsBytes.toLocaleString("en-US")} bytes of ${dataType} weights, ${summary.ms} ms`,
    ];
    for (const [t, n] of Object.entries(summary.layersByType)) lines.push(`  ${String(n).padStart(5)}  ${t}`);
    if (target === "myriad") lines.push(`MYRIAD fixes applied: ${summary.myriadFixes.join(", ") || "none needed"}`);
    if (xmlReplaced.length)
      lines.push(
        `note: ${xmlReplaced.length} name${xmlReplaced.length === 1 ? "" : "s"} held characters XML 1.0 cannot hold; written with U+FFFD instead: ` +
          xmlReplaced
            .slice(0, 3)
            .map((n) => JSON.stringify(n))
            .join(", "),
      );
    io.stdout(`${lines.join("\n")}\n`);
    if (target === "myriad")
      io.stdout(
        remaining.length
          ? `MYRIAD lint of the result:\n${formatStylish(options.output, remaining, io.isTTY)}`
          : "no problems left for MYRIAD\n",
      );
  }
  return 0;
}
