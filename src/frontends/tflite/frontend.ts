/** The TFLite frontend: a schema-v3 flatbuffer, recognised by "TFL3" at bytes 4–7. */
import { readFileSync, statSync } from "node:fs";
import { MyriadcError } from "../../util/errors.js";
import type { Frontend } from "../frontend.js";
import { hasTfliteIdentifier, loadTfliteBytes } from "./load.js";

/** Flatbuffers address with 32-bit offsets: a TFLite file beyond 2 GiB keeps its weights outside (offset/size buffers). */
const MAX_FILE_BYTES = 2 ** 32 - 1;

export const tfliteFrontend: Frontend = {
  name: "tflite",
  label: "TFLite",
  extensions: [".tflite"],
  signature: '"TFL3" at bytes 4–7',
  sniff: (head) => hasTfliteIdentifier(head),
  load(file) {
    let bytes: Uint8Array;
    try {
      if (statSync(file).size > MAX_FILE_BYTES)
        throw new MyriadcError("unsupported", "is larger than 4 GiB, beyond what a flatbuffer addresses", { file });
      bytes = readFileSync(file);
    } catch (e) {
      if (e instanceof MyriadcError) throw e;
      throw new MyriadcError("io", `cannot read: ${(e as Error).message}`, { file, cause: e });
    }
    const { model, warnings, fileBytes } = loadTfliteBytes(bytes, file);
    return { model, format: "tflite", dialect: "onnx", warnings, externalFiles: [], fileBytes };
  },
};
