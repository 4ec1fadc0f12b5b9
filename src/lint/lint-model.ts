/**
 * `lint` of a loaded model (the file is read by lint-file.ts). An OpenVINO IR is checked as
 * it is. An ONNX model is checked as `convert --target none` would lower it *without* `fix`
 * (shape inference only), so problems that `fix` removes (run-time shape arithmetic, integer
 * math on float-only layers) are seen and marked fixable; the model is also fixed and lowered
 * in memory to tell which ones go away, and to lint what cannot be lowered as given.
 */

import { convertToIr } from "../convert.js";
import type { LoadedModel } from "../frontends/frontend.js";
import type { Model } from "../ir/model.js";
import { isStaticShape } from "../ir/shape.js";
import type { Tensor } from "../ir/tensor.js";
import type { Value } from "../ir/value.js";
import { type LoweringFailure, type LoweringNote, type LowerOptions, lowerToOpenvino } from "../lower/lower.js";
import { cutGraph } from "../passes/common/cut.js";
import { eliminateDeadCode } from "../passes/common/dead-code.js";
import { runPipeline } from "../passes/manager.js";
import { type InputShapes, setInputShapes } from "../passes/onnx/input-shapes.js";
import { dequantizePass } from "../passes/onnx/quantization/dequantize.js";
import { shapeInferencePass } from "../passes/onnx/shape-inference.js";
import { myriadFixPipeline } from "../targets/myriad/onnx-fixes.js";
import { isMyriadcError } from "../util/errors.js";
import type { Finding } from "./finding.js";
import { calibrationFeeds, type Fp16Profile, type Fp16TensorStat, fp16Profile } from "./fp16-calibration.js";
import { inputDependence } from "./input-dependence.js";
import { lintOpenvino, valueTypes } from "./lint.js";
import { report, type ValueInfo } from "./rule.js";
import { DYNAMIC_SHAPE, dynamicInputFinding } from "./rules/dynamic-shape.js";
import { loweringNoteFindings } from "./rules/lowering-notes.js";
import { notLoweredFindings } from "./rules/not-lowered.js";
import { quantizedModelFinding } from "./rules/quantized.js";

export interface LintFileOptions {
  inputShapes?: InputShapes;
  /**
   * Run the FP16 range analysis with these input values (by input name); float inputs not
   * given are filled uniformly from `calibrationRange` (default [-1, 1]).
   */
  calibration?: ReadonlyMap<string, Tensor>;
  calibrationRange?: readonly [number, number];
  /** Lint a quantized model as `convert --dequantize` makes it (activation quantize/dequantize pairs lose their rounding). */
  dequantize?: boolean;
}

export interface LintFileReport {
  file: string;
  format: "onnx" | "openvino";
  findings: Finding[];
  /** With calibration data: every float tensor's peak and FP16 error on it (the report's model card shows them). */
  fp16Tensors?: Fp16TensorStat[];
}

/** An ONNX node's name for an OpenVINO node made from it ("Resize_230/Interpolate" → "Resize_230"). */
function sourceName(name: string, onnxNames: ReadonlySet<string>): string {
  let n = name;
  while (!onnxNames.has(n) && n.includes("/")) n = n.slice(0, n.lastIndexOf("/"));
  return onnxNames.has(n) ? n : name;
}

interface Lowered {
  findings: Finding[];
  /** True when every node lowered (the findings are the lint of the whole graph). */
  complete: boolean;
}

/** Lowering rounds that cut out the nodes that failed, to lint what is behind them. */
const MAX_CUTS = 3;

/** Whether a failure is only for want of static shapes: the node reads a value of unknown size. */
function blockedByShapes(model: Model, f: LoweringFailure): boolean {
  const node = f.node ? model.graph.nodes.find((n) => n.name === f.node) : undefined;
  return node !== undefined && node.opType !== "If" && node.inputs.some((v) => v !== undefined && !isStaticShape(v.shape));
}

/**
 * Lowers `model`; with `cut`, nodes that cannot be lowered (for other reasons than unknown
 * sizes, which only --input-shape resolves) are cut out, their outputs becoming inputs of
 * the rest as `fix --inputs` would make them, so the rest can still be linted. Returns the
 * failures and, when the rest lowered, the lowered model and the cut values.
 */
function lowerAround(
  model: Model,
  cut: boolean,
  lowerOptions: LowerOptions = {},
): { failures: LoweringFailure[]; ov?: Model; cutNames: Set<string>; notes: readonly LoweringNote[] } {
  const cutNames = new Set<string>();
  const failures: LoweringFailure[] = [];
  for (let round = 0; ; round++) {
    const lowered = lowerToOpenvino(model, lowerOptions);
    failures.push(...lowered.failures);
    const notes = lowered.notes;
    if (!lowered.failures.length) return { failures, ov: lowered.model, cutNames, notes };
    if (!cut || round === MAX_CUTS || lowered.failures.some((f) => blockedByShapes(model, f))) return { failures, cutNames, notes };
    const failed = new Set(lowered.failures.map((f) => f.node));
    // Failures name their node; an unnamed one cannot be told apart from other unnamed nodes.
    if (failed.has("")) return { failures, cutNames, notes };
    const outs = model.graph.nodes.filter((n) => failed.has(n.name)).flatMap((n) => n.outputs.filter((v): v is Value => v !== undefined));
    // A cut value must have a type to become an input; without one what follows stays unchecked.
    if (!outs.length || outs.some((v) => v.uses.length + (v.isGraphOutput() ? 1 : 0) > 0 && (!v.dtype || !v.shape)))
      return { failures, cutNames, notes };
    const used = outs.filter((v) => v.uses.length > 0 || v.isGraphOutput());
    for (const v of used) cutNames.add(v.name);
    const keep = model.graph.inputs.filter((v) => !v.isInitializer).map((v) => v.name);
    cutGraph(model, { inputs: [...keep, ...used.map((v) => v.name)] });
    // A node none of whose outputs is used is gone now; nothing is left to lower around.
    for (const n of model.graph.nodes) if (failed.has(n.name)) return { failures, cutNames, notes };
  }
}

/** Layers whose output sizes are unknown (what the rules needing sizes could not check). */
function unknownSizes(ov: Model, types: ReadonlyMap<Value, ValueInfo>): number {
  return ov.graph.nodes.filter((n) =>
    n.outputs.some((v) => {
      const t = v ? types.get(v) : undefined;
      return v !== undefined && (!t || t.dims.some((d) => d === null));
    }),
  ).length;
}

function lintOnnx(model: Model, file: string, options: { cut: boolean; dequantize: boolean }): Lowered {
  const onnxNames = new Set(model.graph.nodes.map((n) => n.name).filter(Boolean));
  const dynamic = model.graph.inputs.filter((v) => !v.isInitializer && !isStaticShape(v.shape));
  const { failures, ov, cutNames, notes } = lowerAround(model, options.cut, { dequantize: options.dequantize });
  // How rules lowered particular nodes (an If as both branches and a Select): warnings, with the way to avoid the cost.
  const noted = loweringNoteFindings(notes);
  // Failures for want of sizes are said once, at the input whose size is missing.
  const blocked = failures.filter((f) => dynamic.length > 0 && blockedByShapes(model, f));
  const notLowered = notLoweredFindings(
    model,
    failures.filter((f) => !blocked.includes(f)),
  );
  // Which model inputs each blocked node depends on (one walk per blocked node).
  const byName = new Map(model.graph.nodes.map((n) => [n.name, n]));
  const blockedInputs = blocked.map((f) => {
    const deps = new Set<Value>();
    for (const i of byName.get(f.node)?.inputs ?? []) {
      if (!i) continue;
      const d = inputDependence(model.graph, i);
      for (const v of [...d.data, ...d.shape]) deps.add(v);
    }
    return { node: f.node, deps };
  });
  const blockedBy = (v: Value) => blockedInputs.filter((b) => b.deps.has(v)).map((b) => b.node);
  if (!ov)
    return {
      complete: false,
      findings: [...dynamic.map((v) => dynamicInputFinding(v, { blocked: blockedBy(v) })), ...noted, ...notLowered],
    };
  eliminateDeadCode(ov.graph);
  let findings: Finding[];
  let unknown = 0;
  try {
    const types = valueTypes(ov, file);
    unknown = dynamic.length ? unknownSizes(ov, types) : 0;
    findings = lintOpenvino(ov, types);
  } catch (e) {
    if (!isMyriadcError(e)) throw e;
    findings = [report(DYNAMIC_SHAPE, { name: "", opType: "" }, e.message, { suggestion: "give static input shapes with --input-shape" })];
  }
  // The model's inputs are reported with the ONNX shapes (symbolic names help fill them in);
  // the inputs the cut made are not the user's.
  const ownFinding = (f: Finding) =>
    !(f.op === "Parameter" && (cutNames.has(f.node) || (f.rule === DYNAMIC_SHAPE.id && dynamic.some((v) => v.name === f.node))));
  return {
    complete: failures.length === 0,
    findings: [
      ...dynamic.map((v) => dynamicInputFinding(v, { unknownSizes: unknown })),
      ...noted,
      ...notLowered,
      ...findings.filter(ownFinding).map((f) => {
        const node = sourceName(f.node, onnxNames);
        return { ...f, node, message: f.node ? f.message.split(f.node).join(node) : f.message };
      }),
    ],
  };
}

const key = (f: Finding) => `${f.rule}|${f.node}`;

/** The FP16 range analysis on the model MYRIAD would run. */
function calibrate(model: Model, options: LintFileOptions): Fp16Profile | undefined {
  if (!options.calibration && !options.calibrationRange) return undefined;
  return fp16Profile(model, calibrationFeeds(model, options));
}

const profiled = (p: Fp16Profile | undefined) => (p ? { fp16Tensors: p.tensors } : {});

/**
 * Lints a model that `open` loads (a fresh copy each call: the ONNX path needs several);
 * `file` names it in the report and messages. Node-free: lintFile reads the file.
 */
export function lintLoadedModel(open: () => LoadedModel, file: string, options: LintFileOptions = {}): LintFileReport {
  const first = open();
  if (first.dialect === "openvino") {
    const model = first.model;
    const profile = calibrate(model, options);
    return {
      file,
      format: "openvino",
      findings: [...lintOpenvino(model, valueTypes(model, file)), ...(profile?.findings ?? [])],
      ...profiled(profile),
    };
  }
  let pending: Model | undefined = first.model;
  const load = (dequantize = options.dequantize === true) => {
    // Each use needs its own copy of the model: the first is the one already loaded.
    const model = pending ?? open().model;
    pending = undefined;
    for (const v of [...model.graph.inputs]) if (v.isInitializer) model.graph.removeInput(v);
    if (options.inputShapes?.size) setInputShapes(model, options.inputShapes);
    if (dequantize) runPipeline(model, [shapeInferencePass, dequantizePass]);
    return model;
  };
  const asGiven = load();
  runPipeline(asGiven, [shapeInferencePass]);
  const given = lintOnnx(asGiven, file, { cut: false, dequantize: options.dequantize === true });
  const fixedModel = load();
  runPipeline(fixedModel, myriadFixPipeline());
  // What fix cannot lower stays; the rest of the fixed model is still linted around it.
  const fixed = lintOnnx(fixedModel, file, { cut: true, dequantize: options.dequantize === true });
  const afterFix = new Set(fixed.findings.map(key));
  // A problem of the model as given that is gone after fix is fixable.
  const mark = (f: Finding): Finding => {
    if (f.fixable || afterFix.has(key(f))) return f;
    const { whyNotFixable: _, ...rest } = f;
    return { ...rest, fixable: true, suggestion: f.suggestion ?? "fix --target myriad resolves it" };
  };
  // Calibration runs on what convert produces: the fixed, lowered and legalized model.
  const dequantize = options.dequantize === true;
  const profile =
    options.calibration || options.calibrationRange ? calibrate(convertToIr(load(), file, { dequantize }).openvino, options) : undefined;
  const calibrated = [...(profile?.findings ?? [])];
  // What each way of converting a quantized model costs, counted on the model as given.
  const quantized = quantizedModelFinding(dequantize ? load(false) : asGiven, (dequantizeIt) => {
    try {
      return convertToIr(load(false), file, { dequantize: dequantizeIt }).net.layers.filter(
        (l) => !["Const", "Parameter", "Result"].includes(l.type),
      ).length;
    } catch (e) {
      if (!isMyriadcError(e)) throw e;
      return undefined;
    }
  });
  calibrated.push(...quantized);
  if (given.complete) return { file, format: "onnx", findings: [...given.findings.map(mark), ...calibrated], ...profiled(profile) };
  const seen = new Set(given.findings.map(key));
  return {
    file,
    format: "onnx",
    findings: [...given.findings.map(mark), ...fixed.findings.filter((f) => !seen.has(key(f))), ...calibrated],
    ...profiled(profile),
  };
}
