/** The TFLite frontend: a schema-v3 flatbuffer, recognised by "TFL3" at bytes 4–7. */
import type { Frontend } from "../frontend.js";
import { hasTfliteIdentifier, loadTfliteBytes } from "./load.js";

export const tfliteFrontend: Frontend = {
  name: "tflite",
  label: "TFLite",
  extensions: [".tflite"],
  signature: '"TFL3" at bytes 4–7',
  sniff: (head) => hasTfliteIdentifier(head),
  loadBytes(source) {
    // Files are read by load-model.ts (which refuses model files above 2 GiB, the most Node reads at once).
    const { model, warnings, fileBytes } = loadTfliteBytes(source.bytes, source.name);
    return { model, format: "tflite", dialect: "onnx", warnings, externalFiles: [], fileBytes };
  },
};
