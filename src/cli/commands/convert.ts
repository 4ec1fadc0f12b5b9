/**
 * `myriadc convert <model.onnx> -o <out.xml> [--data-type FP32|FP16] [--input-shape …]`:
 * ONNX → OpenVINO IR v11 (.xml + .bin, written together atomically), with a summary.
 */
import { resolve } from "node:path";
import { convertToIr, type QuantizationReport } from "../../convert.js";
import { type ConvertFlags, calibrationFromFlags, convertOptionsFromFlags } from "../../convert-flags.js";
import { nonXmlStringsOfNet } from "../../emit/ir-xml.js";
import { writeIr } from "../../emit/openvino-ir.js";
import { loadModel } from "../../frontends/load-model.js";
import { binPathFor } from "../../frontends/openvino/read-ir.js";
import { readNamedTensors } from "../../io/tensor-file.js";
import { formatStylish } from "../../lint/format/stylish.js";
import { describeFp16Check } from "../../lint/fp16-calibration.js";
import { lintOpenvino, valueTypes } from "../../lint/lint.js";
import { MyriadcError } from "../../util/errors.js";
import type { CliIO } from "../io.js";

export interface ConvertOptions extends ConvertFlags {
  output: string;
  json?: boolean;
}

export { preprocessingFlags } from "../../convert-flags.js";

/** One line on how a quantized model was converted (the --dequantize trade-off said plainly). */
export function quantizationNote(q: QuantizationReport): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const pairs = q.pairs + q.weights > 0 || q.ops === 0;
  const what = pairs
    ? `${plural(q.pairs, "activation quantize/dequantize pair")}, ${plural(q.weights, "quantized weight tensor")} (dequantized to float)`
    : "";
  const ops = (how: string) => (q.ops ? `${pairs ? "; " : ""}${plural(q.ops, "quantized operator")} ${how}` : "");
  return q.mode === "dequantized"
    ? `quantized model run in float (--dequantize): ${pairs ? `removed ${what}` : ""}${ops("as float ops on dequantized weights")}; ` +
        "outputs may differ slightly from the quantized model's"
    : `quantized model kept exact: ${what}${ops("as float/I32 layers")}; ` +
        (pairs
          ? "the pairs are float round/clamp arithmetic (--dequantize removes them: faster, outputs differ slightly)"
          : "--dequantize runs them on dequantized weights instead (faster, outputs differ slightly)");
}

export function convertCommand(file: string, options: ConvertOptions, io: CliIO): number {
  const flags = convertOptionsFromFlags(options, file);
  const { dataType, target } = flags;
  if (!options.output.toLowerCase().endsWith(".xml"))
    throw new MyriadcError("usage", `-o ${JSON.stringify(options.output)}: the IR file name must end in .xml (the .bin goes beside it)`);
  if (resolve(file) === resolve(options.output)) throw new MyriadcError("usage", "the output would overwrite the input");
  const started = performance.now();
  const { model } = loadModel(file);
  // The FP16 check runs only when asked (--calibrate/--calibrate-range): convert computes no activations otherwise.
  const ir = convertToIr(model, file, { ...flags, fp16Check: calibrationFromFlags(options, readNamedTensors) });
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
    ...(ir.quantization ? { quantization: { ...ir.quantization, note: quantizationNote(ir.quantization) } } : {}),
    remaining,
    notes: ir.notes,
    fp16: { checked: ir.fp16.checked, ...(ir.fp16.first ? { first: ir.fp16.first } : {}), summary: describeFp16Check(ir.fp16) },
    xmlReplaced,
  };
  if (options.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    const lines = [
      `${options.output} (+ ${bin}): ${summary.layers} layers, ${summary.weightsBytes.toLocaleString("en-US")} bytes of ${dataType} weights, ${summary.ms} ms`,
    ];
    for (const [t, n] of Object.entries(summary.layersByType)) lines.push(`  ${String(n).padStart(5)}  ${t}`);
    if (target === "myriad") lines.push(`MYRIAD fixes applied: ${summary.myriadFixes.join(", ") || "none needed"}`);
    for (const n of ir.notes)
      lines.push(`note: ${n.node ? `${n.node} (${n.op}): ` : ""}${n.message}${n.suggestion ? `; ${n.suggestion}` : ""}`);
    if (ir.quantization) lines.push(quantizationNote(ir.quantization));
    lines.push(describeFp16Check(ir.fp16));
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
