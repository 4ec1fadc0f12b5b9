/**
 * `myriadc fix <model> -o <out.onnx>`: the ONNX-level clean-up (shape inference, constant
 * folding, simplification) written back as ONNX, with a short summary of what changed and
 * what could not be done.
 */
import { basename, dirname, resolve } from "node:path";
import pc from "picocolors";
import { emitOpenvinoIr } from "../../emit/openvino-emitter.js";
import { encodeIrXml, writeIr } from "../../emit/openvino-ir.js";
import { memoryCompanion } from "../../frontends/companion.js";
import { folderCompanion, loadModel, openModel } from "../../frontends/load-model.js";
import { AUTO_EXTERNAL_BYTES, encodeOnnx, saveOnnxFile, totalTensorBytes } from "../../frontends/onnx/save.js";
import { binPathFor } from "../../frontends/openvino/read-ir.js";
import type { Model } from "../../ir/model.js";
import { verifyModel } from "../../ir/verify.js";
import type { Finding } from "../../lint/finding.js";
import { formatStylish } from "../../lint/format/stylish.js";
import { lintFile, lintLoadedModel } from "../../lint/lint-file.js";
import { cutGraph, splitNames } from "../../passes/common/cut.js";
import { type PipelineReport, runPipeline } from "../../passes/manager.js";
import { convertOpset } from "../../passes/onnx/downgrade/downgrade.js";
import { freezeInputs, parseFreeze } from "../../passes/onnx/freeze-inputs.js";
import { parseInputShape, setInputShapes } from "../../passes/onnx/input-shapes.js";
import { dequantizePass } from "../../passes/onnx/quantization/dequantize.js";
import { qdqArithmeticPass } from "../../passes/onnx/quantization/qdq-arithmetic.js";
import { shapeInferencePass } from "../../passes/onnx/shape-inference.js";
import { fixPipeline } from "../../passes/pipelines.js";
import { observeTypes } from "../../runtime/observe-types.js";
import { type LegalizeReport, legalizeForMyriad } from "../../targets/myriad/legalize.js";
import { FLOAT_ONLY_ONNX_OPS } from "../../targets/myriad/onnx-fixes.js";
import { floatComputePass } from "../../targets/myriad/passes/float-compute.js";
import { isMyriadcError, MyriadcError } from "../../util/errors.js";
import { parseByteSize } from "../../util/limits.js";
import type { CliIO } from "../io.js";

export interface FixOptions {
  output: string;
  opset?: string;
  freeze?: string[];
  inputs?: string;
  outputs?: string;
  inputShape?: string[];
  foldLimit?: string;
  /** "myriad" adds the MYRIAD fixes and reports what remains. */
  target?: string;
  /** Run a quantized model in float: activation quantize/dequantize pairs removed. */
  dequantize?: boolean;
  json?: boolean;
}

function histogram(model: Model): Map<string, number> {
  const h = new Map<string, number>();
  for (const n of model.graph.nodes) h.set(n.qualifiedType, (h.get(n.qualifiedType) ?? 0) + 1);
  return h;
}

export interface FixSummary {
  input: string;
  output: string;
  nodesBefore: number;
  nodesAfter: number;
  opsBefore: Record<string, number>;
  opsAfter: Record<string, number>;
  opsetBefore: Record<string, number>;
  opsetAfter: Record<string, number>;
  rounds: number;
  hitCap: boolean;
  notes: string[];
  /** With --target myriad: what lint still finds in the written model. */
  remaining?: Finding[];
}

function parseTarget(t: string | undefined): "myriad" | undefined {
  if (t === undefined || t.toLowerCase() === "none") return undefined;
  if (t.toLowerCase() === "myriad") return "myriad";
  throw new MyriadcError("usage", `--target ${JSON.stringify(t)}: expected myriad or none`);
}

/** `fix --target myriad` on an OpenVINO IR: the MYRIAD legalization, written as IR again. */
function fixIr(model: Model, file: string, options: FixOptions, io: CliIO): number {
  if (!/\.xml$/i.test(options.output))
    throw new MyriadcError("usage", `-o ${JSON.stringify(options.output)}: fixing an IR writes an IR; the name must end in .xml`);
  const before = model.graph.nodes.length;
  let report: LegalizeReport;
  try {
    report = legalizeForMyriad(model, file);
  } catch (e) {
    // Legalization learns the IR's shapes by running it in our interpreter, which lacks some layers.
    if (isMyriadcError(e) && /no kernel/.test(e.message))
      throw new MyriadcError(
        "unsupported",
        `cannot fix this IR: ${e.message}, so its shapes cannot be worked out (lint still works on it)`,
        { file, cause: e },
      );
    throw e;
  }
  const emitted = emitOpenvinoIr(model, {
    dataType: "FP32",
    parameters: { input_model: file, target: "myriad" },
    types: observeTypes(model, file),
  });
  // What MYRIAD would still refuse, found in memory before anything is written: a fix whose
  // check fails leaves no file (and an older output untouched).
  const xmlBytes = new TextEncoder().encode(encodeIrXml(emitted.net));
  const companion = memoryCompanion(new Map([[basename(binPathFor(options.output)), emitted.weights]]));
  const remaining = lintLoadedModel(() => openModel({ name: options.output, bytes: xmlBytes, companion }), options.output).findings;
  writeIr(options.output, binPathFor(options.output), emitted.net, emitted.weights);
  const summary = {
    input: file,
    output: options.output,
    layersBefore: before,
    layersAfter: model.graph.nodes.length,
    applied: report.applied,
    notes: report.notes,
    remaining,
  };
  if (options.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  else
    io.stdout(
      `${options.output}: ${before} → ${model.graph.nodes.length} layers; applied ` +
        `${report.applied.join(", ") || "nothing"}\n${remaining.length ? formatStylish(options.output, remaining, io.isTTY) : "no problems left for MYRIAD\n"}`,
    );
  return 0;
}

export function fixCommand(file: string, options: FixOptions, io: CliIO): number {
  if (resolve(file) === resolve(options.output)) {
    throw new MyriadcError("usage", `fix would overwrite its input ${file}; choose another -o path`);
  }
  const target = parseTarget(options.target);
  const loaded = loadModel(file);
  if (loaded.dialect === "openvino") {
    if (!target) throw new MyriadcError("usage", "an OpenVINO IR can only be fixed for a target: add --target myriad");
    return fixIr(loaded.model, file, options, io);
  }
  const { model } = loaded;
  const before = histogram(model);
  const nodesBefore = model.graph.nodes.length;
  const opsetBefore = Object.fromEntries(model.opsetImports);
  if (options.inputShape?.length) setInputShapes(model, new Map(options.inputShape.map(parseInputShape)));
  if (options.freeze?.length) freezeInputs(model, new Map(options.freeze.map(parseFreeze)));
  if (options.inputs || options.outputs) {
    // New inputs need types: infer first.
    if (options.inputs) runPipeline(model, [shapeInferencePass]);
    cutGraph(model, {
      inputs: options.inputs ? splitNames(options.inputs) : undefined,
      outputs: options.outputs ? splitNames(options.outputs) : undefined,
    });
  }
  const expandLimitBytes = options.foldLimit ? parseByteSize("--fold-limit", options.foldLimit) : undefined;
  const plain = fixPipeline({ fold: expandLimitBytes === undefined ? {} : { expandLimitBytes } });
  const quantization = options.dequantize ? [dequantizePass] : target === "myriad" ? [qdqArithmeticPass] : [];
  const pipeline = [...quantization, ...(target === "myriad" ? [...plain, floatComputePass(FLOAT_ONLY_ONNX_OPS)] : plain)];
  let report: PipelineReport = runPipeline(model, pipeline);
  if (options.opset !== undefined) {
    const target = Number(options.opset);
    if (!Number.isInteger(target))
      throw new MyriadcError("usage", `--opset ${JSON.stringify(options.opset)}: expected a whole number such as 13`);
    const { failures } = convertOpset(model, target);
    if (failures.length) {
      const list = failures
        .slice(0, 8)
        .map((f) => `node ${JSON.stringify(f.node)} (${f.op}): ${f.reason}`)
        .join("; ");
      throw new MyriadcError(
        "unsupported",
        `cannot convert to op set ${target}: ${list}${failures.length > 8 ? `; and ${failures.length - 8} more` : ""}`,
        { file },
      );
    }
    // Adapters add constants and Shape/Slice pairs: fold and clean up again.
    const again = runPipeline(model, pipeline);
    report = {
      ...again,
      rounds: report.rounds + again.rounds,
      passes: report.passes.map((p, i) => ({ ...p, notes: [...new Set([...p.notes, ...again.passes[i]!.notes])] })),
    };
  }
  const errors = verifyModel(model).filter((p) => p.severity === "error");
  if (errors.length) {
    // A pass produced an invalid graph: a bug, never written out.
    throw new Error(`fix produced an invalid graph: ${errors[0]!.message}`);
  }
  const remaining = target === "myriad" ? lintBeforeWriting(model, file, options.output) : undefined;
  saveOnnxFile(model, options.output);
  const after = histogram(model);
  const summary: FixSummary = {
    input: file,
    output: options.output,
    nodesBefore,
    nodesAfter: model.graph.nodes.length,
    opsBefore: Object.fromEntries(before),
    opsAfter: Object.fromEntries(after),
    opsetBefore,
    opsetAfter: Object.fromEntries(model.opsetImports),
    rounds: report.rounds,
    hitCap: report.hitCap,
    notes: report.passes.flatMap((p) => p.notes.map((n) => `${p.name}: ${n}`)),
    ...(target === "myriad" ? { remaining: remaining ?? lintFile(options.output).findings } : {}),
  };
  if (options.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    io.stdout(formatFixSummary(summary, io.isTTY));
    if (summary.remaining)
      io.stdout(
        summary.remaining.length
          ? `\nStill to do for MYRIAD (fixable ones are applied by convert):\n${formatStylish(options.output, summary.remaining, io.isTTY)}`
          : "\nno problems left for MYRIAD\n",
      );
  }
  return 0;
}

/**
 * What lint finds in the fixed model, read back from its encoding in memory as lint would read
 * the written file — so a check that fails writes nothing. A model too large to encode inline
 * (it gets external data) is linted after writing instead (undefined here).
 */
function lintBeforeWriting(model: Model, file: string, output: string): Finding[] | undefined {
  if (totalTensorBytes(model) > AUTO_EXTERNAL_BYTES) return undefined;
  const bytes = encodeOnnx(model);
  const companion = folderCompanion(dirname(resolve(file)));
  return lintLoadedModel(() => openModel({ name: output, bytes, companion }), output).findings;
}

export function formatFixSummary(s: FixSummary, color: boolean): string {
  const c = color ? pc : { bold: (x: string) => x, dim: (x: string) => x, green: (x: string) => x, yellow: (x: string) => x };
  const lines = [`${c.bold(s.output)}: ${s.nodesBefore} → ${s.nodesAfter} nodes (${s.rounds} round${s.rounds === 1 ? "" : "s"})`];
  const ops = [...new Set([...Object.keys(s.opsBefore), ...Object.keys(s.opsAfter)])].sort();
  for (const op of ops) {
    const a = s.opsBefore[op] ?? 0;
    const b = s.opsAfter[op] ?? 0;
    if (a !== b) lines.push(`  ${op.padEnd(24)} ${String(a).padStart(5)} → ${String(b).padEnd(5)}`);
  }
  const fmt = (o: Record<string, number>) =>
    Object.entries(o)
      .map(([d, v]) => `${d || "ai.onnx"} ${v}`)
      .join(", ");
  lines.push(`  opset ${fmt(s.opsetBefore)} → ${fmt(s.opsetAfter)}`);
  if (s.hitCap) lines.push(c.yellow("  stopped at the round limit before reaching a fixed point"));
  for (const n of s.notes) lines.push(c.dim(`  note: ${n}`));
  return `${lines.join("\n")}\n`;
}
