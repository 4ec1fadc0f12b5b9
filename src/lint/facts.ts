/**
 * What the fixing passes' checks are told when lint asks them about a model that has not
 * been legalized yet: the observed value types, and as constants the values that the
 * legalization's constant folder will turn into constants (asked of the folder itself, node
 * by node in topological order, so the answer is the folder's and costs one sweep).
 */
import type { Model } from "../ir/model.js";
import { isStaticShape } from "../ir/shape.js";
import { topologicalOrder } from "../ir/topo.js";
import type { Value } from "../ir/value.js";
import { canFold } from "../passes/openvino/fold-constants.js";
import { isOwnConstant, type ValueFacts } from "../passes/rewrite/facts.js";
import { inputDependence } from "./input-dependence.js";
import type { ValueInfo } from "./rule.js";

export interface LintFacts extends ValueFacts {
  /** Undefined when `v` is or becomes a constant; else why not, naming the model inputs it depends on. */
  whyNotConstant(v: Value): string | undefined;
  /** The model inputs a value is computed from (not through shapes only), in input order. */
  inputsFeeding(v: Value): Value[];
}

export function lintFacts(model: Model, types: ReadonlyMap<Value, ValueInfo>): LintFacts {
  let folded: Set<Value> | undefined;
  const facts: LintFacts = {
    type: (v) => types.get(v),
    isConstant(v) {
      if (isOwnConstant(v)) return true;
      if (!v.producer) return false;
      folded ??= foldable(model, facts);
      return folded.has(v);
    },
    whyNotConstant(v) {
      if (facts.isConstant(v)) return undefined;
      const { data, shape } = inputDependence(model.graph, v);
      const names = (vs: Value[]) => vs.map((i) => JSON.stringify(i.name)).join(", ");
      if (data.length) return `it is computed from the data of the model input${data.length > 1 ? "s" : ""} ${names(data)}`;
      if (shape.some((i) => !isStaticShape(types.get(i)?.dims ?? i.shape)))
        return `it is computed from the shape of ${names(shape)}, which is not static (give it with --input-shape)`;
      const p = v.producer;
      const why = p ? canFold(p, facts) : undefined;
      return p && why ? `${p.opType} ${JSON.stringify(p.name)} is not folded: ${why}` : "it is not a constant";
    },
    inputsFeeding: (v) => inputDependence(model.graph, v).data,
  };
  return facts;
}

/** Values the folder turns into constants: its verdict on each node, producers first. */
function foldable(model: Model, facts: ValueFacts): Set<Value> {
  const out = new Set<Value>();
  const asked: ValueFacts = { type: facts.type, isConstant: (v) => isOwnConstant(v) || out.has(v) };
  for (const node of topologicalOrder(model.graph)) {
    if (canFold(node, asked) !== undefined) continue;
    for (const v of node.outputs) if (v) out.add(v);
  }
  return out;
}
