/**
 * Replaces layers MYRIAD refuses by the rewrite the capability table names for them
 * (src/targets/myriad/rewrites.ts), and MaxPool-8 that needs neither dilations nor indices by
 * MaxPool-1.
 */
import type { Model } from "../../../ir/model.js";
import type { Node } from "../../../ir/node.js";
import type { Value } from "../../../ir/value.js";
import { OvBuilder } from "../../../lower/builder.js";
import type { Pass, PassResult } from "../../../passes/pass.js";
import { capabilityOf } from "../capabilities.js";
import { MYRIAD_REWRITES, maxPoolV1 } from "../rewrites.js";

/** Hands each old output's uses (and graph-output name) to its replacement and drops the node. */
export function replaceNode(node: Node, outs: readonly (Value | undefined)[]): void {
  const g = node.graph!;
  node.outputs.forEach((v, i) => {
    const r = outs[i];
    if (!v || !r) return;
    r.type ??= v.type;
    g.replaceValue(v, r);
  });
  g.removeNode(node, { force: true });
}

export const rewriteUnsupportedPass: Pass = {
  name: "rewrite-unsupported",
  dialect: "openvino",
  description: "rewrite layers MYRIAD refuses into equivalent layers it runs",
  run(model: Model): PassResult {
    const g = model.graph;
    let changed = false;
    const notes: string[] = [];
    for (const node of [...g.nodes]) {
      const b = new OvBuilder(g, node.name);
      const v1 = maxPoolV1(b, node);
      if (v1) {
        replaceNode(node, [v1]);
        changed = true;
        continue;
      }
      const cap = capabilityOf(node.opType);
      const rewrite = cap && !cap.supported && cap.rewrite ? MYRIAD_REWRITES[cap.rewrite] : undefined;
      if (!rewrite) continue;
      const outs = rewrite(b, node);
      if (!outs) {
        notes.push(`${node.opType} ${JSON.stringify(node.name)} could not be rewritten (its shapes or parameters are not static)`);
        continue;
      }
      replaceNode(node, outs);
      changed = true;
    }
    return { changed, notes };
  },
};
