/**
 * `lint` as a library call: what the MYRIAD plugin of OpenVINO 2022.3.1 would refuse, at
 * the node, with the fix. A file is read as every command reads it; a model in memory is
 * left as it is (an ONNX model is checked as given and after fix, each on its own copy).
 */
import type { LoadedModel } from "../frontends/frontend.js";
import { loadOnnxBytes } from "../frontends/onnx/load.js";
import { encodeOnnx } from "../frontends/onnx/save.js";
import type { Finding } from "../lint/finding.js";
import { lintFile } from "../lint/lint-file.js";
import { type LintFileOptions, lintLoadedModel } from "../lint/lint-model.js";
import { type ModelInput, modelOf } from "./model-input.js";

export interface LintOptions extends LintFileOptions {
  /** Names the model in messages (a file path is its own name). */
  file?: string;
}

export function lint(model: string | ModelInput, options: LintOptions = {}): Finding[] {
  if (typeof model === "string") return lintFile(model, options).findings;
  const { model: m, dialect } = modelOf(model);
  const file = options.file ?? "<model>";
  const loaded = (fresh: LoadedModel["model"]): LoadedModel => ({
    model: fresh,
    format: dialect === "openvino" ? "openvino-ir" : "onnx",
    dialect,
    warnings: [],
    externalFiles: [],
    fileBytes: 0,
  });
  // An IR is only read; an ONNX model is copied through its encoding for each form lint checks.
  if (dialect === "openvino") return lintLoadedModel(() => loaded(m), file, options).findings;
  const bytes = encodeOnnx(m);
  return lintLoadedModel(() => loaded(loadOnnxBytes(bytes, file).model), file, options).findings;
}
