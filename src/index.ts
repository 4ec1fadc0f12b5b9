/**
 * myriadc library entry. Everything the CLI does is available here, one step at a time:
 * load a model, inspect or transform the IR, save it.
 */
export { VERSION } from "./version.js";
export { MyriadcError, isMyriadcError, type ErrorCode } from "./util/errors.js";

// Core IR
export * from "./ir/dtype.js";
export * from "./ir/shape.js";
export * from "./ir/types.js";
export { Tensor, typedArrayFor, type ExternalRef, type NumericArray, type SparseTensor } from "./ir/tensor.js";
export * from "./ir/attribute.js";
export { Value, type Use } from "./ir/value.js";
export { Node, type NodeInit } from "./ir/node.js";
export { Graph } from "./ir/graph.js";
export { Model, normalizeDomain, type FunctionDef, type MetadataEntry } from "./ir/model.js";
export { CycleError, topologicalOrder, sortTopologically } from "./ir/topo.js";
export { verifyModel, verifyGraph, type VerifyProblem } from "./ir/verify.js";
export * from "./ir/numeric/float-bits.js";

// Frontends: one entry for every format, and each format's own reader
export { loadModel, frontendFor, knownFormats, type Frontend, type GraphDialect, type LoadedModel } from "./frontends/load-model.js";
export { FRONTENDS } from "./frontends/registry.js";
export { loadOnnxFile, loadOnnxBytes, type LoadOptions, type LoadResult } from "./frontends/onnx/load.js";
export { saveOnnxFile, encodeOnnx, type SaveOptions, type SaveResult } from "./frontends/onnx/save.js";

// Analysis
export { summarizeModel, type ModelSummary, type ValueSummary } from "./analysis/summary.js";

// Passes (each usable alone) and pipelines
export type { Pass, PassResult, Dialect } from "./passes/pass.js";
export { runPipeline, type PipelineReport, type PipelineOptions } from "./passes/manager.js";
export { fixPipeline } from "./passes/pipelines.js";
export { deadCodePass, eliminateDeadCode } from "./passes/common/dead-code.js";
export { identityPass } from "./passes/common/identity.js";
export { shapeInferencePass, inferShapes } from "./passes/onnx/shape-inference.js";
export { constantFoldingPass, foldConstants, type FoldOptions } from "./passes/onnx/constant-folding.js";
export { setInputShapes, parseInputShape, type InputShapes } from "./passes/onnx/input-shapes.js";

// Op knowledge
export { onnxOp, knownOnnxOps } from "./ops/onnx/registry.js";
export type { OnnxOpDef, InferContext, OutputType } from "./ops/onnx/op-def.js";

// Files
export { readNpy, parseNpy, encodeNpy, writeNpyAtomic, type NpyArray } from "./io/npy.js";
export { readTensorPb, parseTensorPb, encodeTensorPb, writeTensorPbAtomic } from "./io/tensor-pb.js";
