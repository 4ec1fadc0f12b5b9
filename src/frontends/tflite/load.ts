/**
 * TFLite bytes → ONNX-dialect Model. Works on bytes only (no file system), so a browser
 * bundle can use it; frontend.ts reads the file. Every structural problem of the bytes is a
 * MyriadcError naming the file and what is wrong.
 */

import { MyriadcError } from "../../util/errors.js";
import type { LoadedModel } from "../frontend.js";
import { FlatBuffer, FlatError } from "./flat.js";
import { metadataEntries } from "./metadata.js";
import { readTfliteModel, type TfliteModel } from "./schema.js";
import { translateTflite } from "./translate.js";

export const TFLITE_IDENTIFIER = "TFL3";

/** Whether bytes 4–7 hold the TFLite file identifier. */
export function hasTfliteIdentifier(head: Uint8Array): boolean {
  return head.byteLength >= 8 && String.fromCharCode(head[4]!, head[5]!, head[6]!, head[7]!) === TFLITE_IDENTIFIER;
}

/** Parses the flatbuffer structure (no translation). */
export function readTfliteBytes(bytes: Uint8Array, file = "<buffer>"): TfliteModel {
  if (bytes.byteLength === 0) throw new MyriadcError("truncated", "is empty (0 bytes), not a TFLite model", { file });
  if (bytes.byteLength < 8)
    throw new MyriadcError("truncated", `is truncated: ${bytes.byteLength} bytes, too short for a TFLite model`, { file });
  if (!hasTfliteIdentifier(bytes))
    throw new MyriadcError("bad-format", `is not a TFLite model (bytes 4–7 are not the identifier "${TFLITE_IDENTIFIER}")`, { file });
  try {
    return readTfliteModel(new FlatBuffer(bytes));
  } catch (e) {
    if (e instanceof FlatError) throw new MyriadcError("bad-format", `is not a valid TFLite model: ${e.message}`, { file, cause: e });
    throw e;
  }
}

export type LoadedTflite = Omit<LoadedModel, "format" | "dialect" | "externalFiles"> & { tflite: TfliteModel };

/** Loads a TFLite model from memory; `file` names it in messages. */
export function loadTfliteBytes(bytes: Uint8Array, file = "<buffer>"): LoadedTflite {
  const tflite = readTfliteBytes(bytes, file);
  let translated: ReturnType<typeof translateTflite>;
  try {
    translated = translateTflite(tflite);
  } catch (e) {
    if (e instanceof MyriadcError) throw e;
    if (e instanceof FlatError) throw new MyriadcError("bad-format", `is not a valid TFLite model: ${e.message}`, { file, cause: e });
    throw e;
  }
  const { model, warnings, untranslated } = translated;
  model.metadataProps.push(...metadataEntries(tflite, bytes, model, warnings));
  for (const u of untranslated)
    warnings.push(`operator ${u.index}${u.subgraph ? ` of subgraph ${u.subgraph}` : ""} (${u.op}): ${u.reason}`);
  return { model, warnings, fileBytes: bytes.byteLength, tflite };
}
