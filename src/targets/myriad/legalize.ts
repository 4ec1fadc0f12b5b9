/**
 * Legalization of an OpenVINO-dialect model for MYRIAD: every safe fix of the lint rules.
 * Constants are folded, refused layers rewritten, 1-D convolution/pooling and low-rank Pad
 * reshaped, 64-bit integers narrowed, Converts inserted where a layer needs FP16, and
 * illegal Convert pairs chained. Passes that read types get them freshly observed; the types
 * of values the last passes create are not (callers observe the result anyway to emit it).
 */

import type { Model } from "../../ir/model.js";
import { tensorType } from "../../ir/types.js";
import { eliminateDeadCode } from "../../passes/common/dead-code.js";
import { runPipeline } from "../../passes/manager.js";
import { foldConstantsPass } from "../../passes/openvino/fold-constants.js";
import type { Pass } from "../../passes/pass.js";
import { observeTypes } from "../../runtime/observe-types.js";
import { insertConvertsPass } from "./passes/insert-converts.js";
import { legalConvertsPass } from "./passes/legal-converts.js";
import { narrowI64Pass } from "./passes/narrow-i64.js";
import { pad4dPass } from "./passes/pad-4d.js";
import { rewriteUnsupportedPass } from "./passes/rewrite-unsupported.js";
import { spatial2dPass } from "./passes/spatial-2d.js";

/** Sets every value's type to the dtype and dims shape inference gives it. */
export function annotateTypes(model: Model, file: string): void {
  for (const [v, t] of observeTypes(model, file))
    v.type = tensorType(
      t.dtype,
      t.dims.map((d) => (d < 0 ? null : d)),
    );
}

/**
 * The passes in order, in groups that can share one type observation. The rewrite passes of
 * a group run as one driver run over all their rules, so a layer that folds, then is
 * rewritten, then reshaped to 2-D is done in one go.
 */
export const MYRIAD_LEGALIZATION: readonly (readonly Pass[])[] = [
  [foldConstantsPass, rewriteUnsupportedPass, spatial2dPass, pad4dPass],
  [narrowI64Pass],
  [insertConvertsPass, legalConvertsPass],
];

export interface LegalizeReport {
  /** Pass names that changed the model. */
  applied: string[];
  notes: string[];
}

export function legalizeForMyriad(model: Model, file: string): LegalizeReport {
  const report: LegalizeReport = { applied: [], notes: [] };
  let stale = true;
  for (const group of MYRIAD_LEGALIZATION) {
    if (stale) annotateTypes(model, file);
    stale = false;
    for (const p of runPipeline(model, group).passes) {
      if (p.changes > 0) {
        stale = true;
        if (!report.applied.includes(p.name)) report.applied.push(p.name);
      }
      report.notes.push(...p.notes);
    }
    eliminateDeadCode(model.graph);
  }
  // Types of the values the last group created are left to the caller's next observation.
  return report;
}
