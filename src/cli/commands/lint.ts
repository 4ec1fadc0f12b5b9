/**
 * `myriadc lint <model> [--format stylish|json|sarif]`: the library's `lint` — what MYRIAD
 * would refuse, at the node, before compile_tool runs. Exit 0 when clean or only warnings,
 * 1 with errors, 2 for usage and input problems.
 */
import { type CalibrationFlags, type ModelEditFlags, modelEditsFromFlags } from "../../api/convert-flags.js";
import { lint } from "../../api/lint.js";
import { formatJson } from "../../lint/format/json.js";
import { formatSarif } from "../../lint/format/sarif.js";
import { formatStylish } from "../../lint/format/stylish.js";
import { MyriadcError } from "../../util/errors.js";
import type { DefineCommand } from "../command.js";
import type { CliIO } from "../io.js";
import { addCalibrationOptions, addDequantizeOption, addModelArgument, addModelEditOptions, calibrationFrom } from "../options.js";

export interface LintFlags extends ModelEditFlags, CalibrationFlags {
  target?: string;
  format?: string;
  /** Lint the model as `convert --dequantize` would make it. */
  dequantize?: boolean;
}

const FORMATS = ["stylish", "json", "sarif"] as const;

export function lintCommand(file: string, flags: LintFlags, io: CliIO): number {
  const target = (flags.target ?? "myriad").toLowerCase();
  if (target !== "myriad") throw new MyriadcError("usage", `--target ${JSON.stringify(flags.target)}: the only target is myriad`);
  const format = (flags.format ?? "stylish").toLowerCase();
  if (!(FORMATS as readonly string[]).includes(format))
    throw new MyriadcError("usage", `--format ${JSON.stringify(flags.format)}: expected one of ${FORMATS.join(", ")}`);
  const findings = lint(file, {
    ...modelEditsFromFlags(flags),
    ...(flags.dequantize ? { dequantize: true } : {}),
    ...calibrationFrom(flags),
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

export const defineLint: DefineCommand = (program, { io, setCode }) => {
  const cmd = addModelArgument(
    program.command("lint").description("report what the MYRIAD plugin would refuse, at the node, with the fix (exit 1 on errors)"),
  )
    .option("--target <target>", "the device to check for (myriad)", "myriad")
    .option("--format <format>", "stylish (text), json or sarif (2.1.0)", "stylish");
  addModelEditOptions(cmd);
  addDequantizeOption(cmd);
  addCalibrationOptions(cmd).action((model: string, flags: LintFlags) => setCode(lintCommand(model, flags, io)));
};
