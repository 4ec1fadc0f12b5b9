/**
 * `If` with a constant condition: the branch that will run is moved into the enclosing
 * graph (its nodes and initializers, in order) and its outputs take the If's place. Names
 * stay valid because ONNX value names are unique across nested graphs.
 */
import type { Graph } from "../../../ir/graph.js";
import type { Node } from "../../../ir/node.js";
import { rewritePass } from "../../rewrite/pass.js";
import { defineRule } from "../../rewrite/rule.js";
import { constantOf, isOnnxDomain } from "../op-context.js";

/** The branch a constant condition selects. */
function takenBranch(node: Node): Graph | undefined {
  const cond = constantOf(node.inputs[0]);
  return cond && cond.size === 1 ? node.getGraph(cond.bytes()[0] !== 0 ? "then_branch" : "else_branch") : undefined;
}

const inlineConstantIf = defineRule({
  name: "inline-constant-if",
  opTypes: ["If"],
  match(node) {
    const branch = isOnnxDomain(node) ? takenBranch(node) : undefined;
    return branch && { branch };
  },
  check(node, { branch }) {
    if (branch.outputs.length !== node.outputs.length)
      return `the taken branch has ${branch.outputs.length} outputs for the If's ${node.outputs.length}`;
    // A graph output keeps its name, so the branch result replacing it must be computed inside
    // the branch and stand for that one output only (it will take the output's name).
    const movable = node.outputs.every((out, i) => {
      if (!out?.isGraphOutput()) return true;
      const r = branch.outputs[i]!;
      return r.producer?.graph === branch && branch.outputs.indexOf(r) === i && branch.outputs.lastIndexOf(r) === i;
    });
    return movable ? undefined : "a graph output would be named after a value the branch does not compute, or computes twice";
  },
  rewrite(node, { branch }, ctx) {
    // Move the branch's initializers and nodes (in order) in front of the If.
    for (const v of [...branch.initializers.values()]) {
      const t = v.initializer;
      branch.removeInitializer(v);
      if (t) ctx.addInitializer(v, t);
    }
    for (const inner of [...branch.nodes]) {
      branch.detachNode(inner);
      ctx.insertBefore(node, inner);
    }
    return { replaceWith: branch.outputs };
  },
});

export const inlineConstantIfPass = rewritePass({ name: "inline-constant-if", rules: [inlineConstantIf] });
