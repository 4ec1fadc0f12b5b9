/** `lint` on a file: the file is read here; the checks are lint-model.ts's. */
import { readModelSource } from "../frontends/load-model.js";
import { openModel } from "../frontends/open-model.js";
import { type LintFileOptions, type LintFileReport, lintLoadedModel } from "./lint-model.js";

export { type LintFileOptions, type LintFileReport, lintLoadedModel } from "./lint-model.js";

export function lintFile(file: string, options: LintFileOptions = {}): LintFileReport {
  // Read once: lint opens the model more than once (as given, fixed), each a parse of these bytes.
  const source = readModelSource(file);
  return lintLoadedModel(() => openModel(source), file, options);
}
