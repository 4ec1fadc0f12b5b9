/**
 * A pass made of rewrite rules: one driver run to the rules' fixed point. Besides `run`, it
 * answers for a single node whether it would rewrite it and, when not, why (`canFix`), which
 * is what lint asks before it calls a finding fixable.
 */
import type { Model } from "../../ir/model.js";
import type { Node } from "../../ir/node.js";
import type { Pass, PassResult } from "../pass.js";
import { type RewriteReport, rewriteGraph, type SkippedNode } from "./engine.js";
import { graphFacts, type ValueFacts } from "./facts.js";
import { type RewriteRule, ruleVerdict, type WhyNot } from "./rule.js";

export interface RewritePassSpec {
  readonly name: string;
  readonly rules: readonly RewriteRule[];
  /**
   * Whether the nodes the rules matched but left alone become the pass's notes: yes for
   * fixes a user is waiting for (MYRIAD legalization), no for optional clean-ups.
   */
  readonly noteSkips?: boolean;
  /** Why the pass does nothing for a node none of its rules matches (canFix's answer then). */
  readonly unmatched?: (node: Node, facts: ValueFacts) => string;
}

export interface RewritePass extends Pass {
  readonly rules: readonly RewriteRule[];
  /** Undefined when the pass rewrites `node`; otherwise why it does not. */
  canFix(node: Node, facts?: ValueFacts): WhyNot;
  /** The notes a run reports for the nodes it skipped. */
  notesFor(skipped: readonly SkippedNode[]): string[];
}

export function isRewritePass(p: Pass): p is RewritePass {
  return "rules" in p && Array.isArray((p as RewritePass).rules);
}

/** How a skipped node reads in a pass's notes. */
export function skipNote(s: SkippedNode): string {
  return `${s.node.describe()} left as it is (${s.rule}): ${s.reason}`;
}

export function rewritePass(spec: RewritePassSpec): RewritePass {
  const notesFor = (skipped: readonly SkippedNode[]) => (spec.noteSkips ? skipped.map(skipNote) : []);
  return {
    name: spec.name,
    rules: spec.rules,
    reachesFixedPoint: true,
    run(model: Model): PassResult {
      const r: RewriteReport = rewriteGraph(model.graph, spec.rules);
      const notes = notesFor(r.skipped);
      if (r.hitLimit) notes.push(`stopped after ${r.rewrites} rewrites: two rules undo each other`);
      return { changed: r.rewrites > 0, changes: r.rewrites, notes };
    },
    canFix(node: Node, facts: ValueFacts = graphFacts): WhyNot {
      // As the driver does: the first rule that matches and passes its check rewrites the node.
      let first: WhyNot | null = null;
      for (const rule of spec.rules) {
        const verdict = ruleVerdict(rule, node, facts);
        if (verdict === undefined) return undefined;
        first ??= verdict;
      }
      if (first !== null) return first;
      return spec.unmatched?.(node, facts) ?? `${spec.name} does not apply to ${node.opType}`;
    },
    notesFor,
  };
}
