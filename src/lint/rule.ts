/** A lint rule: one file each under rules/, checking an OpenVINO-dialect model with known value types. */
import type { DTypeName } from "../ir/dtype.js";
import type { Model } from "../ir/model.js";
import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";
import type { Finding, Severity } from "./finding.js";

export interface ValueInfo {
  readonly dtype: DTypeName;
  /** Dims; null for a dimension whose size is not known. */
  readonly dims: readonly (number | null)[];
}

export interface LintContext {
  readonly model: Model;
  /** The dtype and dims of every value the rules may look at. */
  readonly types: ReadonlyMap<Value, ValueInfo>;
}

export interface LintRule {
  /** Rule ids this rule can report (one rule file may check a family, e.g. the op constraints). */
  readonly ids: readonly string[];
  readonly description: string;
  check(ctx: LintContext): Finding[];
}

/** A finding about a node (or anything with a name and an op type: a Const, a Parameter). */
export function at(
  node: Pick<Node, "name" | "opType">,
  rule: string,
  severity: Severity,
  message: string,
  suggestion: string | undefined,
  fixable: boolean,
): Finding {
  return { rule, severity, node: node.name, op: node.opType, message, ...(suggestion ? { suggestion } : {}), fixable };
}
