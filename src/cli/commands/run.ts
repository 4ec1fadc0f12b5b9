/**
 * `myriadc run <model> --input name=file.npy|file.pb … --output-dir DIR`: the library's
 * `run` (an IR runs as it is, an FP16 IR in float16; an ONNX model is converted in memory),
 * one .npy per output.
 */
import { join } from "node:path";
import { run } from "../../api/run.js";
import { loadModel } from "../../frontends/load-model.js";
import { writeNpyAtomic } from "../../io/npy.js";
import { readNamedTensors } from "../../io/tensor-file.js";
import { formatShape } from "../../ir/shape.js";
import { Tensor } from "../../ir/tensor.js";
import { findDataInput } from "../../passes/onnx/graph-inputs.js";
import type { DefineCommand } from "../command.js";
import type { CliIO } from "../io.js";
import { addModelArgument, collect } from "../options.js";
import { ensureFolder } from "../output.js";

export interface RunFlags {
  input?: string[];
  outputDir: string;
}

/** Output names become file names: anything but letters, digits, '.', '-' and '_' becomes '_'. */
export function safeFileName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_");
  return s === "" ? "_" : s;
}

export function runCommand(file: string, flags: RunFlags, io: CliIO): number {
  const loaded = loadModel(file);
  // Each file is checked against its model input by its header, before its data is read.
  const graph = loaded.model.graph;
  const feeds = readNamedTensors("--input", flags.input ?? [], (name) => {
    const v = findDataInput(graph, name, "--input", file);
    return { name, dtype: v.dtype, shape: v.shape };
  });
  const outputs = run(loaded, feeds, { file });
  ensureFolder(flags.outputDir);
  const lines: string[] = [];
  for (const [name, t] of outputs) {
    const path = join(flags.outputDir, `${safeFileName(name)}.npy`);
    const data = t.dtype === "float16" ? Tensor.fromArray("float32", t.dims, t.toFloat32()) : t;
    writeNpyAtomic(path, { dtype: data.dtype, dims: [...data.dims], data: data.bytes() });
    lines.push(`${name}  ${data.dtype}${formatShape(t.dims)}  → ${path}`);
  }
  io.stdout(`${lines.join("\n")}\n`);
  return 0;
}

export const defineRun: DefineCommand = (program, { io, setCode }) => {
  addModelArgument(
    program.command("run").description("run a model with the reference interpreter and write its outputs as .npy"),
    "a model that is not an IR is converted in memory",
  )
    .option("--input <name=file>", "an input value from a .npy or TensorProto .pb file (repeatable)", collect)
    .requiredOption("--output-dir <dir>", "folder for one .npy per output (created when missing)")
    .action((model: string, flags: RunFlags) => setCode(runCommand(model, flags, io)));
};
