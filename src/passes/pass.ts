/**
 * Passes. A pass transforms a model in place and says whether it changed anything, so a
 * manager can iterate to a fixed point cheaply and tests can assert "no change" as well as
 * "changed". Each pass lives in its own file and is usable alone through the library API.
 * Passes made of node-local rewrite rules are built with `rewritePass` (src/passes/rewrite).
 */
import type { Model } from "../ir/model.js";

export interface PassResult {
  changed: boolean;
  /** How many changes the run made (rewrites, for a rewrite pass), when the pass counts them. */
  changes?: number;
  /** Things the pass could not do and why (a node it had to leave alone, a limit it hit). */
  notes?: string[];
}

export interface Pass {
  /** Stable kebab-case name, used in reports and logs. */
  readonly name: string;
  /**
   * True when one run leaves nothing for a second run of the same pass to do (a rewrite
   * pass runs to its rules' fixed point), so the manager re-runs it only after another pass
   * changed the model.
   */
  readonly reachesFixedPoint?: boolean;
  run(model: Model): PassResult;
}

export const unchanged: PassResult = Object.freeze({ changed: false });
