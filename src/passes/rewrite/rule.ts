/**
 * A rewrite rule, in three steps (the shape of onnxscript's rewriter: pattern, condition,
 * replacement):
 *  - `match(node, facts)` is cheap and structural: op type, domain, arity, ranks, the ops of
 *    neighbours. It returns what it captured (the parts `check` and `rewrite` need), or
 *    undefined when the rule has nothing to do with the node.
 *  - `check(node, match, facts)` decides whether this instance can be rewritten, and when it
 *    cannot, says why in words a user can act on. It never changes the graph. Lint calls it
 *    to tell whether a finding is fixable, so what lint promises is what the pass does.
 *  - `rewrite(node, match, ctx)` builds the replacement through `ctx`. It may still decline
 *    (a kernel that cannot fold this input, a result too large to store) by returning the
 *    reason, but only before it has built anything: the driver checks that.
 */
import type { Node } from "../../ir/node.js";
import type { Value } from "../../ir/value.js";
import type { RewriteContext } from "./context.js";
import type { ValueFacts } from "./facts.js";

/** Why a rule leaves a node alone; undefined when it can rewrite it. */
export type WhyNot = string | undefined;

export type Replacement =
  /** The node's outputs are replaced, in order, by these values, and the node is removed. */
  | { readonly replaceWith: readonly (Value | undefined)[] }
  /** The node was changed where it stands (it stays in the graph). */
  | { readonly inPlace: true };

export interface RewriteRule<M = unknown> {
  /** kebab-case, shown with every change and every skipped node. */
  readonly name: string;
  /** The op types the rule can match; the driver offers it no other node. */
  readonly opTypes?: readonly string[];
  match(node: Node, facts: ValueFacts): M | undefined;
  check?(node: Node, match: M, facts: ValueFacts): WhyNot;
  rewrite(node: Node, match: M, ctx: RewriteContext): Replacement | string;
}

/** A rule list erases each rule's match type; this keeps it checked inside the rule. */
export function defineRule<M>(rule: RewriteRule<M>): RewriteRule {
  return rule as RewriteRule;
}

/** Whether `rule` would rewrite `node` (undefined), why not (the check's reason), or that it does not apply (null). */
export function ruleVerdict(rule: RewriteRule, node: Node, facts: ValueFacts): WhyNot | null {
  if (rule.opTypes && !rule.opTypes.includes(node.opType)) return null;
  const m = rule.match(node, facts);
  if (m === undefined) return null;
  return rule.check?.(node, m, facts);
}
