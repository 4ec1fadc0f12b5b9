/**
 * Replaces layers MYRIAD refuses by the rewrite the capability table names for them
 * (src/targets/myriad/rewrites.ts), and MaxPool-8 that needs neither dilations nor indices by
 * MaxPool-1. Layers the table marks "fold-constant" (Range) are the constant folder's.
 */
import type { Node } from "../../../ir/node.js";
import { canFold } from "../../../passes/openvino/fold-constants.js";
import { graphFacts, type ValueFacts } from "../../../passes/rewrite/facts.js";
import { type RewritePass, rewritePass } from "../../../passes/rewrite/pass.js";
import { defineRule, type WhyNot } from "../../../passes/rewrite/rule.js";
import { capabilityOf } from "../capabilities.js";
import { MYRIAD_REWRITES, type MyriadRewrite, maxPoolV1, whyNotMaxPoolV1 } from "../rewrites.js";

const maxPoolToV1 = defineRule({
  name: "maxpool-v1",
  opTypes: ["MaxPool"],
  match: (node) => ((node.version ?? 1) >= 8 ? true : undefined),
  check: (node) => whyNotMaxPoolV1(node),
  rewrite: (node, _m, ctx) => ({ replaceWith: [maxPoolV1(ctx.ov(), node)] }),
});

/** The table's rewrite for a refused layer (not the constant folder's). */
function rewriteFor(node: Node): MyriadRewrite | undefined {
  const cap = capabilityOf(node.opType);
  return cap && !cap.supported && cap.rewrite ? MYRIAD_REWRITES[cap.rewrite] : undefined;
}

const refusedLayer = defineRule({
  name: "rewrite-refused-layer",
  match: (node) => rewriteFor(node),
  check: (node, rewrite, facts) => rewrite.check?.(node, facts),
  rewrite: (node, rewrite, ctx) => ({ replaceWith: rewrite.build(ctx.ov(), node, ctx.facts) }),
});

export const rewriteUnsupportedPass: RewritePass = rewritePass({
  name: "rewrite-unsupported",
  rules: [maxPoolToV1, refusedLayer],
  noteSkips: true,
  unmatched(node) {
    const cap = capabilityOf(node.opType);
    if (!cap) return `MYRIAD has no layer for ${node.opType}`;
    if (cap.supported) return `no rewrite turns ${node.opType}-${node.version ?? 1} into a version MYRIAD converts`;
    return `there is no exact rewrite of ${node.opType} into layers MYRIAD runs`;
  },
});

/**
 * Undefined when legalization replaces a refused layer (or version) by ones MYRIAD runs;
 * otherwise why not. A layer the table says to fold is asked of the constant folder.
 */
export function canRewriteUnsupported(node: Node, facts: ValueFacts = graphFacts): WhyNot {
  const cap = capabilityOf(node.opType);
  if (cap && !cap.supported && cap.rewrite === "fold-constant") return canFold(node, facts);
  return rewriteUnsupportedPass.canFix(node, facts);
}
