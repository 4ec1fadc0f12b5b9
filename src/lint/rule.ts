/**
 * A lint rule, the way typescript-eslint writes one: a module under rules/ with its `meta`
 * (id, severity, one-line description, long docs, the passes that fix it) next to `check`.
 * The README's rule table and the SARIF rule metadata are made from (and tested against)
 * these metas. A module may report a family of ids (the op constraints of the capability
 * table), one meta each. Whether a finding is fixable is never decided here: a rule asks
 * the legalization pass that would fix the node (its `canFix`), and reports the pass's
 * reason when it would not.
 */
import type { DTypeName } from "../ir/dtype.js";
import type { Model } from "../ir/model.js";
import type { Node } from "../ir/node.js";
import type { Value } from "../ir/value.js";
import type { WhyNot } from "../passes/rewrite/rule.js";
import type { LintFacts } from "./facts.js";
import type { Finding, Severity } from "./finding.js";

export interface ValueInfo {
  readonly dtype: DTypeName;
  /** Dims; null for a dimension whose size is not known. */
  readonly dims: readonly (number | null)[];
}

export interface RuleMeta {
  /** Stable id, e.g. "myriad/input-type". */
  readonly id: string;
  readonly severity: Severity;
  /** One line: the README's rule table and SARIF's shortDescription. */
  readonly description: string;
  /** What the rule checks and why MYRIAD cares, with the toolchain's own words where there are some (SARIF's fullDescription). */
  readonly docs: string;
  /** Names of the passes (`fix --target myriad`, `convert`) that fix its findings where they can; empty when nothing does. */
  readonly fixedBy: readonly string[];
}

export interface LintContext {
  readonly model: Model;
  /** The dtype and dims of every value the rules may look at. */
  readonly types: ReadonlyMap<Value, ValueInfo>;
  /** The same, and which values legalization makes constant, as the fixing passes' checks want them. */
  readonly facts: LintFacts;
}

export interface LintRule {
  /** Every id the module can report, one meta each. */
  readonly meta: readonly RuleMeta[];
  check(ctx: LintContext): Finding[];
}

/** Where a finding is: a node, or anything with a name and an op type (a Const, a Parameter). */
export type Place = Pick<Node, "name" | "opType">;

export interface ReportOptions {
  readonly suggestion?: string | undefined;
  /**
   * What the fixing pass answered (its canFix): undefined when it fixes this, else why not.
   * Leave it out for findings nothing fixes.
   */
  readonly fix?: { readonly whyNot: WhyNot };
}

/** A finding of `meta`'s rule at `place`. */
export function report(meta: RuleMeta, place: Place, message: string, options: ReportOptions = {}): Finding {
  const fixable = options.fix !== undefined && options.fix.whyNot === undefined;
  return {
    rule: meta.id,
    severity: meta.severity,
    node: place.name,
    op: place.opType,
    message,
    ...(options.suggestion ? { suggestion: options.suggestion } : {}),
    fixable,
    ...(options.fix?.whyNot !== undefined ? { whyNotFixable: options.fix.whyNot } : {}),
  };
}

/** The meta of `id` among a module's metas (a typo is a bug, caught at load). */
export function metaOf(metas: readonly RuleMeta[], id: string): RuleMeta {
  const m = metas.find((x) => x.id === id);
  if (!m) throw new Error(`no rule meta for ${id}`);
  return m;
}
