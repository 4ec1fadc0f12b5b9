/**
 * Opens a model of any registered format from its bytes. The format is decided by content
 * (each frontend's sniff of the first bytes), never by the name, so a misnamed file still
 * opens and a file of no known format is reported as such, with the formats that are known.
 */
import { MyriadcError } from "../util/errors.js";
import { validateModel } from "../validate/validate.js";
import type { Frontend, LoadedModel, ModelSource } from "./frontend.js";
import { FRONTENDS } from "./registry.js";

/** How much of a model the frontends' sniff sees. */
export const HEAD_BYTES = 64 * 1024;

/** The frontend whose format these first bytes are in, or undefined. */
export function frontendForHead(head: Uint8Array, size: number): Frontend | undefined {
  return FRONTENDS.find((f) => f.sniff(head.subarray(0, HEAD_BYTES), size));
}

/** "ONNX (a protobuf ModelProto, .onnx), OpenVINO IR (…)" for messages. */
export function knownFormats(): string {
  return FRONTENDS.map((f) => `${f.label} (${f.signature}, ${f.extensions.join("/")})`).join(", ");
}

/**
 * Loads any registered format from bytes and validates what it read; the one entry every
 * command (through load-model.ts) and the browser page go through.
 */
export function openModel(source: ModelSource): LoadedModel {
  const loaded = readAnyFormat(source);
  validateModel(loaded.model, loaded.dialect, source.name);
  return loaded;
}

function readAnyFormat(source: ModelSource): LoadedModel {
  const { name, bytes } = source;
  if (bytes.byteLength === 0) throw new MyriadcError("truncated", "is empty (0 bytes), not a model", { file: name });
  const frontend = frontendForHead(bytes, bytes.byteLength);
  if (frontend) return frontend.loadBytes(source);
  // No frontend recognises the bytes. When the name promises a format, let that frontend say
  // what is wrong in its own terms; the message always lists what is known.
  const named = FRONTENDS.find((f) => f.extensions.some((ext) => name.toLowerCase().endsWith(ext)));
  let why = "";
  if (named) {
    try {
      return named.loadBytes(source);
    } catch (e) {
      if (!(e instanceof MyriadcError)) throw e;
      why = ` (read as ${named.label}: ${e.message})`;
    }
  }
  throw new MyriadcError("bad-format", `is not a model in a format myriadc reads${why}; known formats: ${knownFormats()}`, { file: name });
}
