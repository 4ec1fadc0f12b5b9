/**
 * `myriadc compile <model.onnx|model.xml> -o <out.blob> [convert flags] [--shaves N]
 * [--cmx-slices N] [--streams N] [--ip P] [--op P] [--iop "name:P,…"] [--backend …]
 * [--compile-tool PATH] [--docker-image IMG] [--blobconverter-url URL] [--dry-run]`:
 * converts an ONNX model first (everything `convert --target myriad` does), says what lint
 * expects MYRIAD to refuse, then compiles the IR to a MYRIAD blob, checks it, and writes it
 * atomically.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { type BackendName, type CompileRequest, compileBlob, describeCompile } from "../../backends/compile.js";
import { convertToIr } from "../../convert.js";
import { calibrationFromFlags } from "../../convert-flags.js";
import { writeIr } from "../../emit/openvino-ir.js";
import { loadModel } from "../../frontends/load-model.js";
import { binPathFor } from "../../frontends/openvino/read-ir.js";
import { readNamedTensors } from "../../io/tensor-file.js";
import type { Model } from "../../ir/model.js";
import type { Finding } from "../../lint/finding.js";
import { checkFp16, describeFp16Check } from "../../lint/fp16-calibration.js";
import { lintOpenvino, valueTypes } from "../../lint/lint.js";
import { parseInputShape } from "../../passes/onnx/input-shapes.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { MyriadcError } from "../../util/errors.js";
import type { CliIO } from "../io.js";
import { type ConvertOptions, preprocessingFlags, quantizationNote } from "./convert.js";

export interface CompileCliOptions extends Omit<ConvertOptions, "output" | "json" | "target"> {
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

function whole(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new MyriadcError("usage", `${flag} ${JSON.stringify(v)}: expected a whole number`);
  return n;
}

/**
 * What lint expects MYRIAD to refuse, said before compile_tool runs (which then either
 * confirms it at the same layer, or the table was too strict): the compile goes ahead.
 */
function warnAboutRefusals(model: Model, file: string, io: CliIO): void {
  let errors: Finding[];
  try {
    errors = lintOpenvino(model, valueTypes(model, file)).filter((f) => f.severity === "error");
  } catch {
    return; // lint is advice here; the compiler has the last word
  }
  if (!errors.length) return;
  io.stderr(`myriadc: lint expects MYRIAD to refuse ${errors.length} layer(s); compiling anyway:\n`);
  for (const f of errors.slice(0, 10)) io.stderr(`  ${f.node} (${f.op}): ${f.message} [${f.rule}]\n`);
  if (errors.length > 10) io.stderr(`  … and ${errors.length - 10} more (myriadc lint ${file})\n`);
}

export async function compileCommand(file: string, o: CompileCliOptions, io: CliIO): Promise<number> {
  const backend = (o.backend ?? "auto").toLowerCase();
  if (!BACKENDS.includes(backend))
    throw new MyriadcError("usage", `--backend ${JSON.stringify(o.backend)}: expected one of ${BACKENDS.join(", ")}`);
  if (!o.output.toLowerCase().endsWith(".blob"))
    throw new MyriadcError("usage", `-o ${JSON.stringify(o.output)}: the blob's name must end in .blob`);
  if (resolve(file) === resolve(o.output)) throw new MyriadcError("usage", "the output would overwrite the input");
  const timeoutS = whole("--timeout", o.timeout);
  if (timeoutS !== undefined && timeoutS <= 0) throw new MyriadcError("usage", `--timeout ${timeoutS}: expected seconds above 0`);
  const started = performance.now();
  // Progress on a terminal: converting and compiling can take minutes.
  const progress = (line: string) => io.isTTY && io.stderr(`myriadc: ${line}\n`);
  const scratch = mkdtempSync(join(tmpdir(), "myriadc-ir-"));
  try {
    let ir = { xml: file, bin: binPathFor(file) };
    const loaded = loadModel(file);
    let lowered: Model = loaded.model;
    if (loaded.dialect !== "openvino") {
      // The IR MYRIAD gets: every MYRIAD fix applied, FP16 weights unless asked otherwise.
      const dataType = (o.dataType ?? "FP16").toUpperCase();
      if (dataType !== "FP32" && dataType !== "FP16")
        throw new MyriadcError("usage", `--data-type ${JSON.stringify(o.dataType)}: expected FP32 or FP16`);
      const inputShapes = new Map((o.inputShape ?? []).map(parseInputShape));
      progress(`converting ${file} …`);
      const converted = convertToIr(loaded.model, file, {
        dataType,
        inputShapes,
        preprocessing: preprocessingFlags({ ...o, output: "" }),
        parameters: { input_model: file, target: "myriad", ...(o.dequantize ? { dequantize: "True" } : {}) },
        dequantize: o.dequantize === true,
      });
      if (converted.quantization) io.stderr(`myriadc: note: ${quantizationNote(converted.quantization)}\n`);
      for (const n of converted.notes)
        io.stderr(`myriadc: note: ${n.node} (${n.op}): ${n.message}${n.suggestion ? `; ${n.suggestion}` : ""}\n`);
      const stem =
        file
          .split(/[\\/]/)
          .pop()!
          .replace(/\.onnx$/i, "")
          .replace(/[.=\s]/g, "_") || "model";
      // A dry run keeps the IR beside the blob's path, so the printed commands can be run.
      const dir = o.dryRun ? dirname(resolve(o.output)) : scratch;
      ir = { xml: join(dir, `${stem}.xml`), bin: join(dir, `${stem}.bin`) };
      writeIr(ir.xml, ir.bin, converted.net, converted.bin);
      lowered = converted.openvino;
    }
    warnAboutRefusals(lowered, file, io);
    // A precision loss found with --calibrate is a warning now; otherwise the summary says what was (not) checked.
    const fp16 = checkFp16(lowered, calibrationFromFlags(o, readNamedTensors));
    if (fp16.first) io.stderr(`myriadc: ${describeFp16Check(fp16)}\n`);
    const fp16Line = fp16.first ? "" : `${describeFp16Check(fp16)}\n`;
    const req: CompileRequest = {
      ir,
      options: {
        ...(o.shaves !== undefined ? { shaves: whole("--shaves", o.shaves)! } : {}),
        ...(o.cmxSlices !== undefined ? { cmxSlices: whole("--cmx-slices", o.cmxSlices)! } : {}),
        ...(o.streams !== undefined ? { streams: whole("--streams", o.streams)! } : {}),
        ...(o.ip ? { inputPrecision: o.ip } : {}),
        ...(o.op ? { outputPrecision: o.op } : {}),
        ...(o.iop ? { ioPrecision: o.iop } : {}),
      },
      backend: backend as BackendName | "auto",
      ...(o.compileTool ? { compileTool: o.compileTool } : {}),
      ...(o.dockerImage ? { dockerImage: o.dockerImage } : {}),
      ...(o.blobconverterUrl ? { blobconverterUrl: o.blobconverterUrl } : {}),
      ...(o.blobconverterVersion ? { blobconverterVersion: o.blobconverterVersion } : {}),
      ...(timeoutS ? { timeoutMs: timeoutS * 1000 } : {}),
      ...(o.noCache ? { cacheDir: null } : {}),
      log: (line) => io.stderr(`${line}\n`),
      ...(o.verbose ? { onOutput: (t: string) => io.stderr(t) } : {}),
    };
    if (o.dryRun) {
      const plan = describeCompile(req, o.output);
      io.stdout(`# backend: ${plan.backend}${ir.xml !== file ? ` (converted IR written to ${ir.xml})` : ""}\n${plan.text}# ${fp16Line}`);
      return 0;
    }
    progress(`compiling ${ir.xml} (backend ${backend}) …`);
    const { backend: used, blob, header } = await compileBlob(req);
    writeFileAtomic(o.output, blob);
    io.stdout(
      `${o.output}: ${blob.length.toLocaleString("en-US")} bytes, MYRIAD blob version ${header.versionMajor}.${header.versionMinor}, backend ${used}, ` +
        `${Math.round(performance.now() - started)} ms\n${fp16Line}`,
    );
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
