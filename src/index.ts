/**
 * myriadc library entry. Everything the CLI does is available here: each command is one
 * library call (inspect → summarizeModel, lint, fix/legalize, convert, run, compile), and
 * each step they are made of (loading, the IR, passes, lowering, the MYRIAD legalization,
 * the IR reader and writer) is usable alone.
 */

// Analysis
export { type ModelSummary, summarizeModel, type ValueSummary } from "./analysis/summary.js";
// The commands as library calls
export { type CompileInput, type CompileOptions, type CompilePlan, type CompileResult, compile, planCompile } from "./api/compile.js";
export {
  type Converted,
  type ConvertOptions,
  type ConvertReport,
  type ConvertResult,
  convert,
  convertToIr,
  type QuantizationReport,
  quantizationNote,
} from "./api/convert.js";
export {
  type CheckedConvertOptions,
  type ConvertFlags,
  calibrationFromFlags,
  convertOptionsFromFlags,
  modelEditsFromFlags,
  parseCalibrationRange,
} from "./api/convert-flags.js";
export { type FixOptions, type FixReport, fix, legalize } from "./api/fix.js";
export { type LintOptions, lint } from "./api/lint.js";
export { dialectOf, type ModelInput } from "./api/model-input.js";
export { isFp16Ir, type RunOptions, run } from "./api/run.js";
export { writeConverted } from "./api/write-ir.js";
// OpenVINO IR: emitter, writer and reader; the lowering; the MYRIAD target
export { type EmitOptions, type EmittedIr, emitOpenvinoIr } from "./emit/openvino-emitter.js";
export { encodeIrXml, writeIr } from "./emit/openvino-ir.js";
// Frontends: one entry for every format, and each format's own reader
export {
  type Frontend,
  frontendFor,
  type GraphDialect,
  knownFormats,
  type LoadedModel,
  type LoadOptions,
  loadModel,
  loadOnnxFile,
  type ModelSource,
  openModel,
} from "./frontends/load-model.js";
export { type LoadBytesOptions, type LoadResult, loadOnnxBytes } from "./frontends/onnx/load.js";
export { encodeOnnx, type SaveOptions, type SaveResult, saveOnnxFile } from "./frontends/onnx/save.js";
export type { IrNet } from "./frontends/openvino/ir-document.js";
export { binPathFor, type IrFiles as IrDocument, readIr } from "./frontends/openvino/read-ir.js";
export { irToModel } from "./frontends/openvino/to-graph.js";
export { FRONTENDS } from "./frontends/registry.js";
// Files
export { encodeNpy, type NpyArray, parseNpy, readNpy, writeNpyAtomic } from "./io/npy.js";
export { encodeTensorPb, parseTensorPb, readTensorPb, writeTensorPbAtomic } from "./io/tensor-pb.js";
export * from "./ir/attribute.js";
// Core IR
export * from "./ir/dtype.js";
export { Graph } from "./ir/graph.js";
export { type FunctionDef, type MetadataEntry, Model, normalizeDomain } from "./ir/model.js";
export { Node, type NodeInit } from "./ir/node.js";
export * from "./ir/numeric/float-bits.js";
export * from "./ir/shape.js";
export { type ExternalRef, type NumericArray, type SparseTensor, Tensor, typedArrayFor } from "./ir/tensor.js";
export { CycleError, sortTopologically, topologicalOrder } from "./ir/topo.js";
export * from "./ir/types.js";
export { type Use, Value } from "./ir/value.js";
export { type VerifyProblem, verifyGraph, verifyModel } from "./ir/verify.js";
// Lint
export type { Finding } from "./lint/finding.js";
export { formatJson } from "./lint/format/json.js";
export { formatSarif } from "./lint/format/sarif.js";
export { formatStylish } from "./lint/format/stylish.js";
export { type CalibrationData, checkFp16, describeFp16Check, type Fp16Check } from "./lint/fp16-calibration.js";
export { type LintFileOptions, type LintFileReport, lintFile } from "./lint/lint-file.js";
export { type LoweringFailure, lowerOrThrow, lowerToOpenvino } from "./lower/lower.js";
export { ONNX_TO_OPENVINO } from "./lower/onnx/op-names.js";
export { ONNX_LOWERING } from "./lower/onnx-rules.js";
export type { InferContext, OnnxOpDef, OutputType } from "./ops/onnx/op-def.js";
// Op knowledge
export { knownOnnxOps, onnxOp } from "./ops/onnx/registry.js";
export { cutGraph } from "./passes/common/cut.js";
export { deadCodePass, eliminateDeadCode } from "./passes/common/dead-code.js";
export { identityPass } from "./passes/common/identity.js";
export { type PipelineOptions, type PipelineReport, runPipeline } from "./passes/manager.js";
export { constantFoldingPass, type FoldOptions, foldConstants } from "./passes/onnx/constant-folding.js";
export { convertOpset } from "./passes/onnx/downgrade/downgrade.js";
export { freezeInputs, parseFreeze } from "./passes/onnx/freeze-inputs.js";
export { type InputShapes, parseInputShape, setInputShapes } from "./passes/onnx/input-shapes.js";
// Passes: interface edits, op-set conversion
export { applyModelEdits, type ModelEdits } from "./passes/onnx/model-edits.js";
export { addPreprocessing, type InputPreprocessing } from "./passes/onnx/preprocess.js";
export { inferShapes, shapeInferencePass } from "./passes/onnx/shape-inference.js";
// Passes (each usable alone) and pipelines
export type { Pass, PassResult } from "./passes/pass.js";
export { fixPipeline } from "./passes/pipelines.js";
export { runOpenvinoModel } from "./runtime/interpreter.js";
export { capabilityOf, type OpCapability } from "./targets/myriad/capabilities.js";
export { type LegalizeReport, legalizeForMyriad, MYRIAD_LEGALIZATION } from "./targets/myriad/legalize.js";
export { myriadFixPipeline } from "./targets/myriad/onnx-fixes.js";
export { type ErrorCode, isMyriadcError, MyriadcError } from "./util/errors.js";
export { formatNodeFailures, type NodeFailure } from "./util/node-failures.js";
export { VERSION } from "./version.js";
