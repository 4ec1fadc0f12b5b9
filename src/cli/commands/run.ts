/**
 * `myriadc run <model.xml|model.onnx> --input name=file.npy|file.pb … --output-dir DIR`:
 * runs the model with our interpreter and writes one .npy per output. IR files run as they
 * are (an FP16 IR computes in float16); ONNX models are converted in memory first.
 */
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { loadModel } from "../../frontends/load-model.js";
import { writeNpyAtomic } from "../../io/npy.js";
import { readNamedTensors } from "../../io/tensor-file.js";
import type { Model } from "../../ir/model.js";
import { formatShape } from "../../ir/shape.js";
import { Tensor } from "../../ir/tensor.js";
import { lowerOrThrow } from "../../lower/lower.js";
import { eliminateDeadCode } from "../../passes/common/dead-code.js";
import { runPipeline } from "../../passes/manager.js";
import { fixPipeline } from "../../passes/pipelines.js";
import { runOpenvinoModel } from "../../runtime/interpreter.js";
import { MyriadcError } from "../../util/errors.js";
import type { CliIO } from "../io.js";

export interface RunOptions {
  input?: string[];
  outputDir: string;
}

/** Output names become file names: anything but letters, digits, '.', '-' and '_' becomes '_'. */
export function safeFileName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_");
  return s === "" ? "_" : s;
}

/** An IR with float16 weights or inputs computes in float16 (as MYRIAD does). */
function isFp16Ir(model: Model): boolean {
  const g = model.graph;
  return g.inputs.some((v) => v.dtype === "float16") || [...g.initializers.values()].some((v) => v.dtype === "float16");
}

export function runCommand(file: string, options: RunOptions, io: CliIO): number {
  const loaded = loadModel(file);
  let model = loaded.model;
  let fp16 = false;
  if (loaded.dialect === "openvino") {
    fp16 = isFp16Ir(model);
  } else {
    runPipeline(model, fixPipeline());
    model = lowerOrThrow(model, file).model;
    eliminateDeadCode(model.graph);
  }
  // Inputs are read only now, each checked against its model input by its header first.
  const inputs = model.graph.inputs.filter((v) => !v.isInitializer);
  const feeds = readNamedTensors("--input", options.input ?? [], (name) => {
    const v = inputs.find((i) => i.name === name);
    if (!v)
      throw new MyriadcError(
        "usage",
        `--input: the model has no input ${JSON.stringify(name)} (inputs: ${inputs.map((i) => i.name).join(", ")})`,
        {
          file,
        },
      );
    return { name, dtype: v.dtype, shape: v.shape };
  });
  const outputs = runOpenvinoModel(model, feeds, { fp16, file });
  try {
    if (!statSync(options.outputDir).isDirectory()) throw new MyriadcError("usage", `--output-dir ${options.outputDir} is not a folder`);
  } catch (e) {
    if (e instanceof MyriadcError) throw e;
    mkdirSync(options.outputDir, { recursive: true });
  }
  const lines: string[] = [];
  for (const [name, t] of outputs) {
    const path = join(options.outputDir, `${safeFileName(name)}.npy`);
    const data = t.dtype === "float16" ? Tensor.fromArray("float32", t.dims, t.toFloat32()) : t;
    writeNpyAtomic(path, { dtype: data.dtype, dims: [...data.dims], data: data.bytes() });
    lines.push(`${name}  ${data.dtype}${formatShape(t.dims)}  → ${path}`);
  }
  io.stdout(`${lines.join("\n")}\n`);
  return 0;
}
