/**
 * `myriadc lint <model> [--target myriad] [--format stylish|json|sarif] [--input-shape …]`:
 * what MYRIAD would refuse, at the node, before compile_tool runs. Exit 0 when clean or only
 * warnings, 1 with errors, 2 for usage and input problems.
 */

import { calibrationFromFlags } from "../../convert-flags.js";
import { readNamedTensors } from "../../io/tensor-file.js";
import { formatJson } from "../../lint/format/json.js";
import { formatSarif } from "../../lint/format/sarif.js";
import { formatStylish } from "../../lint/format/stylish.js";
import { lintFile } from "../../lint/lint-file.js";
import { parseInputShape } from "../../passes/onnx/input-shapes.js";
import { MyriadcError } from "../../util/errors.js";
import type { CliIO } from "../io.js";

export interface LintOptions {
  target?: string;
  format?: string;
  inputShape?: string[];
  calibrate?: string[];
  calibrateRange?: string;
  /** Lint the model as `convert --dequantize` would make it. */
  dequantize?: boolean;
}

const FORMATS = ["stylish", "json", "sarif"] as const;

export function lintCommand(file: string, options: LintOptions, io: CliIO): number {
  const target = (options.target ?? "myriad").toLowerCase();
  if (target !== "myriad") throw new MyriadcError("usage", `--target ${JSON.stringify(options.target)}: the only target is myriad`);
  const format = (options.format ?? "stylish").toLowerCase();
  if (!(FORMATS as readonly string[]).includes(format))
    throw new MyriadcError("usage", `--format ${JSON.stringify(options.format)}: expected one of ${FORMATS.join(", ")}`);
  const inputShapes = new Map((options.inputShape ?? []).map(parseInputShape));
  const { findings } = lintFile(file, {
    inputShapes,
    ...(options.dequantize ? { dequantize: true } : {}),
    ...calibrationFromFlags(options, readNamedTensors),
  });
  const text =
    format === "json"
      ? formatJson(file, findings)
      : format === "sarif"
        ? formatSarif(file, findings)
        : formatStylish(file, findings, io.isTTY);
  io.stdout(text);
  return findings.some((f) => f.severity === "error") ? 1 : 0;
}
