/**
 * The frontend contract. Each format (src/frontends/<format>/) exports one Frontend; the
 * registry lists them, and open-model.ts asks each in turn whether a model's first bytes are
 * its format. Nothing else in the code base decides a file's format.
 *
 * Frontends read bytes, never files: a model comes as a ModelSource (its bytes, its name for
 * messages, and a Companion for the files beside it), so the same frontends run in Node and
 * in a browser. Reading files is load-model.ts's job alone.
 */
import type { Model } from "../ir/model.js";
import type { DeferredBytes } from "../util/deferred-bytes.js";
import type { Companion } from "./companion.js";

export type { Companion, CompanionFile } from "./companion.js";

/** A model to load: its bytes and how to reach the files beside it. */
export interface ModelSource {
  /** How messages name the model: its path, or the dropped file's name. */
  name: string;
  bytes: Uint8Array;
  /** The files beside it (an IR's .bin, ONNX external data); none when absent. */
  companion?: Companion;
  /** Payloads of `bytes` left in the file (zeros in `bytes` until read); none when `bytes` is all read. */
  unread?: UnreadBytes;
}

/** The large payloads a model file was read without (load-model.ts), each read when first needed. */
export interface UnreadBytes {
  /**
   * The payload that is exactly bytes [offset, offset + length) of the model's bytes, or
   * undefined when those bytes were read. (A range that overlaps a payload otherwise is a
   * mistake of the reader, and throws.)
   */
  at(offset: number, length: number): DeferredBytes | undefined;
}

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
   * Whether a model is in this format, from its first bytes (`head`, up to 64 KiB) and its
   * total size. Cheap and conservative: a true answer means `loadBytes` will be tried.
   */
  sniff(head: Uint8Array, size: number): boolean;
  /** Reads the model; every failure the bytes cause is a MyriadcError naming `source.name`. */
  loadBytes(source: ModelSource): LoadedModel;
}
