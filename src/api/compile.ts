/**
 * `compile` as a library call: an IR → a MYRIAD .blob through compile_tool (local or in
 * Docker) or the blobconverter service, the blob's header checked. A model that is not an IR
 * yet is converted first (everything `convert` does, FP16 weights unless asked otherwise);
 * the IR compile_tool reads is written to a scratch folder, removed afterwards.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { BlobHeader } from "../backends/blob-header.js";
import { type BackendName, type CompileRequest, compileBlob, describeCompile } from "../backends/compile.js";
import type { CompileOptions as BlobOptions } from "../backends/compile-options.js";
import type { IrFiles } from "../backends/local.js";
import { type ConvertOptions, type ConvertResult, convert, emitIr } from "./convert.js";
import { type ModelInput, modelOf } from "./model-input.js";
import { writeConverted } from "./write-ir.js";

export type { BackendName, BlobHeader, IrFiles };

/** An IR on disk ({ xml, bin } paths), a conversion's result, or a model (converted, or emitted when it is an IR already). */
export type CompileInput = IrFiles | IrContent | ModelInput;

export interface CompileOptions extends BlobOptions, Omit<CompileRequest, "ir" | "options" | "backend"> {
  /** "auto" (the default) uses a local compile_tool, else Docker; it never uploads a model by itself. */
  backend?: BackendName | "auto";
  /** How a model that is not an IR yet is converted (dataType defaults to FP16 here). */
  convert?: ConvertOptions;
  /** Names the model in messages and the written IR's files. */
  file?: string;
}

export interface CompileResult {
  backend: BackendName;
  blob: Uint8Array;
  header: BlobHeader;
}

/** What compile needs of a conversion's result. */
type IrContent = Pick<ConvertResult, "xml" | "net" | "bin" | "weights">;

const isIrFiles = (x: CompileInput): x is IrFiles => typeof (x as IrFiles).bin === "string";
// By `weights`, not `bin`: reading `bin` builds the whole .bin in memory.
const isConverted = (x: CompileInput): x is IrContent =>
  (x as ConvertResult).weights !== undefined && (x as ConvertResult).net !== undefined;

/** The IR as text and bytes: a conversion's result as it is, a model converted or emitted. */
function irContent(input: Exclude<CompileInput, IrFiles>, options: CompileOptions): IrContent {
  if (isConverted(input)) return input;
  const { model, dialect } = modelOf(input);
  const file = options.file ?? "<model>";
  if (dialect === "openvino") return emitIr(model, { file });
  return convert(model, {
    dataType: "FP16",
    target: "myriad",
    parameters: { input_model: file, target: "myriad" },
    ...options.convert,
    file,
  });
}

/** The IR's files in `dir`, named after the model file. */
function writeIrIn(content: IrContent, dir: string, file: string | undefined): IrFiles {
  const stem =
    (file ?? "model")
      .split(/[\\/]/)
      .pop()!
      .replace(/\.onnx$/i, "")
      .replace(/[.=\s]/g, "_") || "model";
  const ir = { xml: join(dir, `${stem}.xml`), bin: join(dir, `${stem}.bin`) };
  writeConverted(content, ir.xml, ir.bin);
  return ir;
}

function request(ir: IrFiles, o: CompileOptions): CompileRequest {
  const { shaves, cmxSlices, streams, inputPrecision, outputPrecision, ioPrecision, convert: _convert, file: _file, backend, ...rest } = o;
  const options: BlobOptions = {
    ...(shaves !== undefined ? { shaves } : {}),
    ...(cmxSlices !== undefined ? { cmxSlices } : {}),
    ...(streams !== undefined ? { streams } : {}),
    ...(inputPrecision ? { inputPrecision } : {}),
    ...(outputPrecision ? { outputPrecision } : {}),
    ...(ioPrecision ? { ioPrecision } : {}),
  };
  return { ...rest, ir, options, backend: backend ?? "auto" };
}

export async function compile(input: CompileInput, options: CompileOptions = {}): Promise<CompileResult> {
  if (isIrFiles(input)) return compileBlob(request(input, options));
  const content = irContent(input, options);
  const scratch = mkdtempSync(join(tmpdir(), "myriadc-ir-"));
  try {
    return await compileBlob(request(writeIrIn(content, scratch, options.file), options));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface CompilePlan {
  backend: BackendName;
  /** Shell lines to paste (the config file, then the command), or blobconverter's HTTP request. */
  text: string;
  /** The IR the plan compiles; a converted one is written beside the blob's path. */
  ir: IrFiles;
}

/** What `compile` would run for a blob at `blobPath`, running nothing but the conversion (whose IR it keeps). */
export function planCompile(input: CompileInput, blobPath: string, options: CompileOptions = {}): CompilePlan {
  const ir = isIrFiles(input) ? input : writeIrIn(irContent(input, options), dirname(resolve(blobPath)), options.file);
  const plan = describeCompile(request(ir, options), blobPath);
  return { ...plan, ir };
}
