/** `lint` on a file: the file is read here; the checks are lint-model.ts's. */
import { loadModel } from "../frontends/load-model.js";
import { type LintFileOptions, type LintFileReport, lintLoadedModel } from "./lint-model.js";

export { type LintFileOptions, type LintFileReport, lintLoadedModel } from "./lint-model.js";

export function lintFile(file: string, options: LintFileOptions = {}): LintFileReport {
  return lintLoadedModel(() => loadModel(file), file, options);
}
