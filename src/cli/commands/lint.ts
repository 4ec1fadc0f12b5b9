/**
 * `myriadc lint <model> [--format stylish|json|sarif]`: the library's `lint` — what MYRIAD
 * would refuse, at the node, before compile_tool runs. Exit 0 when clean or only warnings,
 * 1 with errors, 2 for usage and input problems.
 */
import { lint } from "../../api/lint.js";
import { readNamedTensors } from "../../io/tensor-file.js";
import { formatJson } from "../../lint/format/json.js";
import { formatSarif } from "../../lint/format/sarif.js";
import { formatStylish } from "../../lint/format/stylish.js";
import { MyriadcError } from "../../util/errors.js";
import type { DefineCommand } from "../command.js";
import type { CliIO } from "../io.js";
import { addModelArgument, addModelEditOptions, collect, type ModelEditFlags, modelEditsFrom } from "../options.js";

export interface LintFlags extends ModelEditFlags {
  target?: string;
  format?: string;
  calibrate?: string[];
  calibrateRange?: string;
}

const FORMATS = ["stylish", "json", "sarif"] as const;

function parseRange(spec: string): [number, number] {
  const m = /^\s*(-?[\d.eE+-]+)\s*,\s*(-?[\d.eE+-]+)\s*$/.exec(spec);
  const lo = Number(m?.[1]);
  const hi = Number(m?.[2]);
  if (!m || !Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi)
    throw new MyriadcError("usage", `--calibrate-range ${JSON.stringify(spec)}: expected lo,hi such as 0,255`);
  return [lo, hi];
}

export function lintCommand(file: string, flags: LintFlags, io: CliIO): number {
  const target = (flags.target ?? "myriad").toLowerCase();
  if (target !== "myriad") throw new MyriadcError("usage", `--target ${JSON.stringify(flags.target)}: the only target is myriad`);
  const format = (flags.format ?? "stylish").toLowerCase();
  if (!(FORMATS as readonly string[]).includes(format))
    throw new MyriadcError("usage", `--format ${JSON.stringify(flags.format)}: expected one of ${FORMATS.join(", ")}`);
  const findings = lint(file, {
    ...modelEditsFrom(flags),
    ...(flags.calibrate?.length ? { calibration: readNamedTensors("--calibrate", flags.calibrate) } : {}),
    ...(flags.calibrateRange !== undefined ? { calibrationRange: parseRange(flags.calibrateRange) } : {}),
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
  cmd
    .option("--calibrate <name=file>", "FP16 range analysis on these input values (.npy or .pb; repeatable)", collect)
    .option("--calibrate-range <lo,hi>", "FP16 range analysis with uniform values in [lo,hi] for inputs without a file, e.g. 0,255")
    .action((model: string, flags: LintFlags) => setCode(lintCommand(model, flags, io)));
};
