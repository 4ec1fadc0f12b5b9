/**
 * The frontend contract. Each format (src/frontends/<format>/) exports one Frontend; the
 * registry lists them, and load-model.ts asks each in turn whether a file's first bytes are
 * its format. Nothing else in the code base decides a file's format.
 */
import type { Model } from "../ir/model.js";

/** The op dialect of a loaded graph: what lowering and linting start from. */
export type GraphDialect = "onnx" | "openvino";

export interface LoadedModel {
  model: Model;
  /** The frontend that read it (Frontend.name). */
  format: string;
  dialect: GraphDialect;
  /** Things worth telling the user that did not stop the load. */
  warnings: string[];
  /** Companion files the model reads (external data, the IR's .bin), relative to its folder. */
  externalFiles: string[];
  /** Bytes read: the model file plus its companions. */
  fileBytes: number;
}

export interface Frontend {
  /** Stable id ("onnx", "openvino-ir", "tflite"). */
  readonly name: string;
  /** How messages name the format ("ONNX", "OpenVINO IR"). */
  readonly label: string;
  /** File name endings, lower case with the dot (".onnx"). Used for messages only, never to decide. */
  readonly extensions: readonly string[];
  /** What sniff looks for, for the "none matched" message ("a protobuf ModelProto"). */
  readonly signature: string;
  /**
   * Whether a file is in this format, from its first bytes (`head`, up to 64 KiB) and its
   * total size. Cheap and conservative: a true answer means `load` will be tried.
   */
  sniff(head: Uint8Array, size: number): boolean;
  /** Reads the file; every failure the file causes is a MyriadcError naming it. */
  load(file: string): LoadedModel;
}
