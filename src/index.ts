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

// ONNX frontend
export { loadOnnxFile, loadOnnxBytes, type LoadOptions, type LoadResult } from "./frontends/onnx/load.js";
export { saveOnnxFile, encodeOnnx, type SaveOptions, type SaveResult } from "./frontends/onnx/save.js";

// Analysis
export { summarizeModel, type ModelSummary, type ValueSummary } from "./analysis/summary.js";
