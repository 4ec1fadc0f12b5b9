/**
 * `myriadc compile <model> -o <out.blob>`: a model that is not an IR yet is converted first
 * (the library's `convert`, everything `convert --target myriad` does, FP16 weights unless
 * asked otherwise); what lint expects MYRIAD to refuse is said; then the library's `compile`
 * (or, with --dry-run, `planCompile`) makes the blob, which is checked and written atomically.
 */
import { type CompileInput, type CompileOptions, compile, planCompile } from "../../api/compile.js";
import { convert } from "../../api/convert.js";
import { type ConvertFlags, convertOptionsFromFlags } from "../../api/convert-flags.js";
import type { BackendName } from "../../backends/compile.js";
import { loadModel } from "../../frontends/load-model.js";
import { binPathFor } from "../../frontends/openvino/read-ir.js";
import type { Finding } from "../../lint/finding.js";
import { checkFp16, describeFp16Check } from "../../lint/fp16-calibration.js";
import { lintOpenvino, valueTypes } from "../../lint/lint.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { MyriadcError } from "../../util/errors.js";
import type { DefineCommand } from "../command.js";
import type { CliIO } from "../io.js";
import {
  addCalibrationOptions,
  addDataTypeOption,
  addDequantizeOption,
  addModelArgument,
  addModelEditOptions,
  addPreprocessingOptions,
  calibrationFrom,
  wholeNumber,
} from "../options.js";
import { ensureFolderFor, refuseOverwrite, requireEnding } from "../output.js";

/** The convert flags (all but --target: compile always applies the MYRIAD fixes) and compile_tool's. */
export interface CompileFlags extends Omit<ConvertFlags, "target"> {
  output: string;
  shaves?: string;
  cmxSlices?: string;
  streams?: string;
  ip?: string;
  op?: string;
  iop?: string;
  backend?: string;
  compileTool?: string;
  dockerImage?: string;
  blobconverterUrl?: string;
  blobconverterVersion?: string;
  timeout?: string;
  noCache?: boolean;
  dryRun?: boolean;
  verbose?: boolean;
}

const BACKENDS = ["auto", "local", "docker", "blobconverter"];

/**
 * What lint expects MYRIAD to refuse, said before compile_tool runs (which then either
 * confirms it at the same layer, or the table was too strict): the compile goes ahead.
 */
function warnAboutRefusals(findings: readonly Finding[], file: string, io: CliIO): void {
  const errors = findings.filter((f) => f.severity === "error");
  if (!errors.length) return;
  io.stderr(`myriadc: lint expects MYRIAD to refuse ${errors.length} layer(s); compiling anyway:\n`);
  for (const f of errors.slice(0, 10)) io.stderr(`  ${f.node} (${f.op}): ${f.message} [${f.rule}]\n`);
  if (errors.length > 10) io.stderr(`  … and ${errors.length - 10} more (myriadc lint ${file})\n`);
}

function compileOptions(f: CompileFlags, io: CliIO): CompileOptions {
  const backend = (f.backend ?? "auto").toLowerCase();
  if (!BACKENDS.includes(backend))
    throw new MyriadcError("usage", `--backend ${JSON.stringify(f.backend)}: expected one of ${BACKENDS.join(", ")}`);
  const timeoutS = wholeNumber("--timeout", f.timeout);
  if (timeoutS !== undefined && timeoutS <= 0) throw new MyriadcError("usage", `--timeout ${timeoutS}: expected seconds above 0`);
  const shaves = wholeNumber("--shaves", f.shaves);
  const cmxSlices = wholeNumber("--cmx-slices", f.cmxSlices);
  const streams = wholeNumber("--streams", f.streams);
  return {
    backend: backend as BackendName | "auto",
    ...(shaves !== undefined ? { shaves } : {}),
    ...(cmxSlices !== undefined ? { cmxSlices } : {}),
    ...(streams !== undefined ? { streams } : {}),
    ...(f.ip ? { inputPrecision: f.ip } : {}),
    ...(f.op ? { outputPrecision: f.op } : {}),
    ...(f.iop ? { ioPrecision: f.iop } : {}),
    ...(f.compileTool ? { compileTool: f.compileTool } : {}),
    ...(f.dockerImage ? { dockerImage: f.dockerImage } : {}),
    ...(f.blobconverterUrl ? { blobconverterUrl: f.blobconverterUrl } : {}),
    ...(f.blobconverterVersion ? { blobconverterVersion: f.blobconverterVersion } : {}),
    ...(timeoutS ? { timeoutMs: timeoutS * 1000 } : {}),
    ...(f.noCache ? { cacheDir: null } : {}),
    log: (line) => io.stderr(`${line}\n`),
    ...(f.verbose ? { onOutput: (t: string) => io.stderr(t) } : {}),
  };
}

export async function compileCommand(file: string, f: CompileFlags, io: CliIO): Promise<number> {
  requireEnding(f.output, ".blob", "the blob's name must end in .blob");
  refuseOverwrite(file, f.output);
  const options = { ...compileOptions(f, io), file };
  const started = performance.now();
  // Progress on a terminal: converting and compiling can take minutes.
  const progress = (line: string) => io.isTTY && io.stderr(`myriadc: ${line}\n`);
  const loaded = loadModel(file);
  // The FP16 check only with --calibrate/--calibrate-range (nothing is computed otherwise).
  const calibration = calibrationFrom(f);
  let source: CompileInput;
  let fp16: { first?: Finding; summary: string };
  if (loaded.dialect === "openvino") {
    source = { xml: file, bin: binPathFor(file) };
    let findings: Finding[] = [];
    try {
      findings = lintOpenvino(loaded.model, valueTypes(loaded.model, file));
    } catch {
      // lint is advice here; the compiler has the last word
    }
    warnAboutRefusals(findings, file, io);
    const check = checkFp16(loaded.model, calibration);
    fp16 = { ...(check.first ? { first: check.first } : {}), summary: describeFp16Check(check) };
  } else {
    // The IR MYRIAD gets: every MYRIAD fix applied, FP16 weights unless asked otherwise.
    progress(`converting ${file} …`);
    const converted = convert(loaded, { ...convertOptionsFromFlags(f, file, { dataType: "FP16" }), fp16Check: calibration, file });
    const { quantization, notes, remaining } = converted.report;
    if (quantization) io.stderr(`myriadc: note: ${quantization.note}\n`);
    for (const n of notes) io.stderr(`myriadc: note: ${n.node} (${n.op}): ${n.message}${n.suggestion ? `; ${n.suggestion}` : ""}\n`);
    warnAboutRefusals(remaining, file, io);
    fp16 = converted.report.fp16;
    source = converted;
  }
  // A precision loss found with --calibrate is a warning now; otherwise the summary says what was (not) checked.
  if (fp16.first) io.stderr(`myriadc: ${fp16.summary}\n`);
  const fp16Line = fp16.first ? "" : `${fp16.summary}\n`;
  if (f.dryRun) {
    ensureFolderFor(f.output);
    // A dry run keeps the converted IR beside the blob's path, so the printed commands can be run.
    const plan = planCompile(source, f.output, options);
    io.stdout(
      `# backend: ${plan.backend}${plan.ir.xml !== file ? ` (converted IR written to ${plan.ir.xml})` : ""}\n${plan.text}# ${fp16Line}`,
    );
    return 0;
  }
  progress(`compiling ${file} (backend ${options.backend}) …`);
  const { backend: used, blob, header } = await compile(source, options);
  ensureFolderFor(f.output);
  writeFileAtomic(f.output, blob);
  io.stdout(
    `${f.output}: ${blob.length.toLocaleString("en-US")} bytes, MYRIAD blob version ${header.versionMajor}.${header.versionMinor}, backend ${used}, ` +
      `${Math.round(performance.now() - started)} ms\n${fp16Line}`,
  );
  return 0;
}

export const defineCompile: DefineCommand = (program, { io, setCode, verbose }) => {
  const cmd = addModelArgument(
    program
      .command("compile")
      .description("compile a model to a MYRIAD .blob (converted first, with every MYRIAD fix, unless it is an IR)"),
    "a model that is not an IR is converted first",
  ).requiredOption("-o, --output <file.blob>", "where to write the blob (missing folders are created)");
  addDataTypeOption(cmd, "FP16", "FP16 (default) or FP32 weights when converting the model");
  addModelEditOptions(cmd);
  addPreprocessingOptions(cmd);
  addDequantizeOption(cmd);
  addCalibrationOptions(cmd)
    .option("--shaves <n>", "SHAVE cores to compile for (1-16; with --cmx-slices)")
    .option("--cmx-slices <n>", "CMX slices (1-16, at least --shaves)")
    .option("--streams <n>", "throughput streams (1-3)")
    .option("--ip <precision>", "precision of every input, e.g. U8 or FP16")
    .option("--op <precision>", "precision of every output, e.g. FP16 or FP32")
    .option("--iop <name:precision,...>", "per-tensor precisions (compile_tool 2022.x has a bug here; prefer --ip/--op)")
    .option("--backend <backend>", "auto (local, then docker), local, docker or blobconverter (uploads the model)", "auto")
    .option("--compile-tool <path>", "the compile_tool executable (else MYRIADC_COMPILE_TOOL, $INTEL_OPENVINO_DIR, PATH)")
    .option("--docker-image <image>", "OpenVINO image with the MYRIAD plugin (2022.3.1 or later 2022.3.x)")
    .option("--blobconverter-url <url>", "blobconverter service (default https://blobconverter.luxonis.com)")
    .option("--blobconverter-version <version>", "OpenVINO version on the service (default 2022.1)")
    .option("--timeout <seconds>", "stop the compiler after this long (default 600)")
    .option("--no-cache", "do not use or fill the blobconverter cache")
    .option("--dry-run", "print the exact commands or request, run nothing")
    .action(async (model: string, flags: CompileFlags & { cache?: boolean }) => {
      setCode(await compileCommand(model, { ...flags, noCache: flags.cache === false, verbose: verbose() }, io));
    });
};
