/**
 * myriadc library entry. Everything the CLI does is available here, one step at a time:
 * load a model, inspect or transform the IR, save it.
 */

// Analysis
export { type ModelSummary, summarizeModel, type ValueSummary } from "./analysis/summary.js";
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
export type { InferContext, OnnxOpDef, OutputType } from "./ops/onnx/op-def.js";
// Op knowledge
export { knownOnnxOps, onnxOp } from "./ops/onnx/registry.js";
export { deadCodePass, eliminateDeadCode } from "./passes/common/dead-code.js";
export { identityPass } from "./passes/common/identity.js";
export { type PipelineOptions, type PipelineReport, runPipeline } from "./passes/manager.js";
export { constantFoldingPass, type FoldOptions, foldConstants } from "./passes/onnx/constant-folding.js";
export { type InputShapes, parseInputShape, setInputShapes } from "./passes/onnx/input-shapes.js";
export { inferShapes, shapeInferencePass } from "./passes/onnx/shape-inference.js";
// Passes (each usable alone) and pipelines
export type { Pass, PassResult } from "./passes/pass.js";
export { fixPipeline } from "./passes/pipelines.js";
export { type ErrorCode, isMyriadcError, MyriadcError } from "./util/errors.js";
export { VERSION } from "./version.js";
