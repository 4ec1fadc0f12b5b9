/**
 * External data (ONNX `data_location = EXTERNAL`), for library users who read it themselves:
 * the entries' meaning (external-spec.ts) and range reads of a data file (load-model.ts,
 * the one place that reads files, with the rule that a model never reads outside its folder).
 */

export { fileSize, readRange } from "../load-model.js";
export { type ExternalSpec, parseExternalSpec } from "./external-spec.js";
