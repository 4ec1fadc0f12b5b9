/**
 * What compile_tool is asked to do, checked before anything runs: the MYRIAD config file
 * (`KEY VALUE` lines: MYRIAD_NUMBER_OF_SHAVES and MYRIAD_NUMBER_OF_CMX_SLICES both or neither
 * with shaves ≤ slices — --shaves alone means as many slices, as blobconverter does —
 * MYRIAD_THROUGHPUT_STREAMS, MYRIAD_ENABLE_MX_BOOT NO as blobconverter writes it) and the argument list (-m -d MYRIAD -o -c, -ip/-op/-iop). compile_tool has no
 * streams flag: streams go through the config file. Source: shared/docs/myriadx-target.md §1.
 */
import { MyriadcError } from "../util/errors.js";

export interface CompileOptions {
  shaves?: number;
  cmxSlices?: number;
  /** 1–3, or undefined for the plugin's default. */
  streams?: number;
  /** Precision of every input (-ip), of every output (-op), or per tensor (-iop "name:U8,…"). */
  inputPrecision?: string;
  outputPrecision?: string;
  ioPrecision?: string;
}

/** The precisions compile_tool recognises (it upper-cases the value first). */
const PRECISIONS = ["FP32", "FP16", "BF16", "U64", "I64", "U32", "I32", "U16", "I16", "U8", "I8", "BOOL"];
/** MyriadX has 16 SHAVE cores and 16 CMX slices. */
const MAX_SHAVES = 16;

function precision(flag: string, value: string): string {
  const up = value.trim().toUpperCase();
  if (!PRECISIONS.includes(up))
    throw new MyriadcError("usage", `${flag} ${JSON.stringify(value)}: not a precision compile_tool knows (${PRECISIONS.join(", ")})`);
  return up;
}

/** Checks and normalises the options; errors name the flag. */
export function validateCompileOptions(o: CompileOptions): CompileOptions {
  const count = (flag: string, v: number | undefined, max: number) => {
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > max))
      throw new MyriadcError("usage", `${flag} ${v}: expected a whole number from 1 to ${max}`);
  };
  count("--shaves", o.shaves, MAX_SHAVES);
  count("--cmx-slices", o.cmxSlices, MAX_SHAVES);
  count("--streams", o.streams, 3);
  // The plugin needs both or neither; like blobconverter, --shaves alone uses as many CMX slices.
  if (o.cmxSlices !== undefined && o.shaves === undefined)
    throw new MyriadcError("usage", "--cmx-slices needs --shaves: the MYRIAD plugin takes both or neither");
  if (o.shaves !== undefined && o.cmxSlices === undefined) o = { ...o, cmxSlices: o.shaves };
  if (o.shaves !== undefined && o.cmxSlices !== undefined && o.shaves > o.cmxSlices)
    throw new MyriadcError(
      "usage",
      `--shaves ${o.shaves} is more than --cmx-slices ${o.cmxSlices}; the MYRIAD plugin needs shaves ≤ CMX slices`,
    );
  const iop = o.ioPrecision?.split(",").map((pair) => {
    const at = pair.lastIndexOf(":");
    if (at <= 0)
      throw new MyriadcError("usage", `--iop ${JSON.stringify(o.ioPrecision)}: expected name:PRECISION pairs separated by commas`);
    return `${pair.slice(0, at).trim()}:${precision("--iop", pair.slice(at + 1))}`;
  });
  return {
    ...o,
    ...(o.inputPrecision ? { inputPrecision: precision("--ip", o.inputPrecision) } : {}),
    ...(o.outputPrecision ? { outputPrecision: precision("--op", o.outputPrecision) } : {}),
    ...(iop ? { ioPrecision: iop.join(",") } : {}),
  };
}

/** The -c config file's text. */
export function myriadConfigText(o: CompileOptions): string {
  const lines: string[] = [];
  if (o.shaves !== undefined && o.cmxSlices !== undefined)
    lines.push(`MYRIAD_NUMBER_OF_SHAVES ${o.shaves}`, `MYRIAD_NUMBER_OF_CMX_SLICES ${o.cmxSlices}`);
  if (o.streams !== undefined) lines.push(`MYRIAD_THROUGHPUT_STREAMS ${o.streams}`);
  // Compiling needs no device: keep the plugin from trying to boot one.
  lines.push("MYRIAD_ENABLE_MX_BOOT NO");
  return `${lines.join("\n")}\n`;
}

/** compile_tool's arguments (an argv array: never passed through a shell). */
export function compileToolArgs(xml: string, blob: string, config: string, o: CompileOptions): string[] {
  const args = ["-m", xml, "-d", "MYRIAD", "-o", blob, "-c", config];
  if (o.inputPrecision) args.push("-ip", o.inputPrecision);
  if (o.outputPrecision) args.push("-op", o.outputPrecision);
  if (o.ioPrecision) args.push("-iop", o.ioPrecision);
  return args;
}

/** The same list as blobconverter's `myriad_params_advanced` string (it splits on single spaces). */
export function advancedParams(o: CompileOptions): string {
  const parts: string[] = [];
  if (o.inputPrecision) parts.push(`-ip ${o.inputPrecision}`);
  if (o.outputPrecision) parts.push(`-op ${o.outputPrecision}`);
  if (o.ioPrecision) parts.push(`-iop ${o.ioPrecision}`);
  return parts.join(" ");
}

/** A command line a person can paste into a POSIX shell. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}
