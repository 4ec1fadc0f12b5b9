/**
 * `fix` as a library call: the ONNX-level clean-up (shape inference, constant folding,
 * simplification, to a fixed point), the interface edits, op-set conversion and, for
 * target "myriad", the MYRIAD ONNX fixes; and `legalize`, the MYRIAD fixes of an IR.
 */
import type { Model } from "../ir/model.js";
import { verifyModel } from "../ir/verify.js";
import { type PipelineReport, runPipeline } from "../passes/manager.js";
import { convertOpset } from "../passes/onnx/downgrade/downgrade.js";
import { applyModelEdits, type ModelEdits } from "../passes/onnx/model-edits.js";
import { dequantizePass } from "../passes/onnx/quantization/dequantize.js";
import { fixPipeline } from "../passes/pipelines.js";
import { type LegalizeReport, legalizeForMyriad } from "../targets/myriad/legalize.js";
import { myriadFixPipeline } from "../targets/myriad/onnx-fixes.js";
import { isMyriadcError, MyriadcError } from "../util/errors.js";
import { formatNodeFailures } from "../util/node-failures.js";
import { type ModelInput, modelOf } from "./model-input.js";

export interface FixOptions extends ModelEdits {
  /** Convert the default-domain op set to this version (down or up). */
  opset?: number;
  /** Largest ConstantOfShape/Expand/Tile/Range result to fold, in bytes (default 1 MiB). */
  foldLimitBytes?: number;
  /** "myriad" adds the MYRIAD ONNX fixes (and keeps QDQ pairs as exact float arithmetic). */
  target?: "myriad" | "none";
  /** Run a quantized model in float: activation quantize/dequantize pairs removed (as convert's `dequantize`). */
  dequantize?: boolean;
  /** Names the model in messages. */
  file?: string;
}

export interface FixReport {
  nodesBefore: number;
  nodesAfter: number;
  opsBefore: Record<string, number>;
  opsAfter: Record<string, number>;
  opsetBefore: Record<string, number>;
  opsetAfter: Record<string, number>;
  rounds: number;
  hitCap: boolean;
  /** What a pass could not do, as `pass: note`. */
  notes: string[];
}

function histogram(model: Model): Record<string, number> {
  const h: Record<string, number> = {};
  for (const n of model.graph.nodes) h[n.qualifiedType] = (h[n.qualifiedType] ?? 0) + 1;
  return h;
}

/** Fixes an ONNX model in place; every node that the op-set conversion cannot convert is named in the error. */
export function fix(input: ModelInput, options: FixOptions = {}): FixReport {
  const { model } = modelOf(input);
  const file = options.file;
  const opsBefore = histogram(model);
  const nodesBefore = model.graph.nodes.length;
  const opsetBefore = Object.fromEntries(model.opsetImports);
  applyModelEdits(model, options);
  const pipelineOptions = options.foldLimitBytes === undefined ? {} : { fold: { expandLimitBytes: options.foldLimitBytes } };
  // --dequantize drops the quantize/dequantize pairs first, as convert does (myriadFixPipeline keeps them exact).
  const quantization = options.dequantize ? [dequantizePass] : [];
  const pipeline = [...quantization, ...(options.target === "myriad" ? myriadFixPipeline(pipelineOptions) : fixPipeline(pipelineOptions))];
  let report: PipelineReport = runPipeline(model, pipeline);
  if (options.opset !== undefined) {
    const { failures } = convertOpset(model, options.opset);
    if (failures.length)
      throw new MyriadcError("unsupported", `cannot convert to op set ${options.opset}: ${formatNodeFailures(failures)}`, {
        ...(file ? { file } : {}),
      });
    // Adapters add constants and Shape/Slice pairs: fold and clean up again.
    const again = runPipeline(model, pipeline);
    report = {
      ...again,
      rounds: report.rounds + again.rounds,
      passes: report.passes.map((p, i) => ({ ...p, notes: [...new Set([...p.notes, ...again.passes[i]!.notes])] })),
    };
  }
  const errors = verifyModel(model).filter((p) => p.severity === "error");
  // A pass produced an invalid graph: a bug, never written out.
  if (errors.length) throw new Error(`fix produced an invalid graph: ${errors[0]!.message}`);
  return {
    nodesBefore,
    nodesAfter: model.graph.nodes.length,
    opsBefore,
    opsAfter: histogram(model),
    opsetBefore,
    opsetAfter: Object.fromEntries(model.opsetImports),
    rounds: report.rounds,
    hitCap: report.hitCap,
    notes: report.passes.flatMap((p) => p.notes.map((n) => `${p.name}: ${n}`)),
  };
}

/**
 * The MYRIAD legalization of an OpenVINO-dialect model (an IR Model Optimizer wrote), in
 * place. Its shapes are learnt by running it in the interpreter, which lacks some layers.
 */
export function legalize(input: ModelInput, options: { file?: string } = {}): LegalizeReport {
  const { model } = modelOf(input);
  const file = options.file ?? "<model>";
  try {
    return legalizeForMyriad(model, file);
  } catch (e) {
    if (isMyriadcError(e) && /no kernel/.test(e.message))
      throw new MyriadcError(
        "unsupported",
        `cannot fix this IR: ${e.message}, so its shapes cannot be worked out (lint still works on it)`,
        { file, cause: e },
      );
    throw e;
  }
}
