/**
 * Passes. A pass transforms a model in place and says whether it changed anything, so a
 * manager can iterate to a fixed point cheaply and tests can assert "no change" as well as
 * "changed". Each pass lives in its own file and is usable alone through the library API.
 */
import type { Model } from "../ir/model.js";

/** Which op dialect a pass understands; "any" passes only touch structure. */
export type Dialect = "onnx" | "openvino" | "any";

export interface PassResult {
  changed: boolean;
  /** Things the pass could not do and why (a node it had to leave alone, a limit it hit). */
  notes?: string[];
}

export interface Pass {
  /** Stable kebab-case name, used in logs and to pick passes on the command line. */
  readonly name: string;
  readonly dialect: Dialect;
  readonly description: string;
  run(model: Model): PassResult;
}

export const unchanged: PassResult = Object.freeze({ changed: false });
