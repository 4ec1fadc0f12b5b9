/**
 * Linting an OpenVINO-dialect model for MYRIAD: every rule of MYRIAD_RULES over the model and
 * the dtype/dims of its values.
 */
import type { Model } from "../ir/model.js";
import { isStaticShape } from "../ir/shape.js";
import type { Value } from "../ir/value.js";
import { inferOpenvinoTypes } from "../runtime/shape-inference.js";
import { lintFacts } from "./facts.js";
import type { Finding } from "./finding.js";
import type { LintRule, ValueInfo } from "./rule.js";
import { MYRIAD_RULES } from "./rules/index.js";

export { MYRIAD_RULES };

/**
 * The dtype and dims of every value: from the model's own types (an IR's ports) where they
 * are complete, else from shape inference (static inputs needed; values past a layer it does
 * not know stay as the model has them).
 */
export function valueTypes(model: Model, file: string): Map<Value, ValueInfo> {
  const g = model.graph;
  const types = new Map<Value, ValueInfo>();
  const all = [...g.inputs, ...g.initializers.values(), ...g.nodes.flatMap((n) => n.outputs.filter((v): v is Value => v !== undefined))];
  for (const v of all)
    if (v.dtype && v.shape) types.set(v, { dtype: v.dtype, dims: v.shape.map((d) => (typeof d === "number" ? d : null)) });
  const unknown = (v: Value) => !types.has(v) || types.get(v)!.dims.some((d) => d === null);
  const missing = all.some((v) => unknown(v) && v.uses.length + (v.isGraphOutput() ? 1 : 0) > 0);
  const staticInputs = g.inputs.every((v) => v.isInitializer || isStaticShape(v.shape));
  if (missing && staticInputs) {
    const inferred = inferOpenvinoTypes(model, { file, partial: true });
    for (const [v, t] of inferred) if (unknown(v)) types.set(v, { dtype: t.dtype, dims: t.dims.map((d) => (d < 0 ? null : d)) });
  }
  return types;
}

/** Sorted by severity (errors first), then by the graph's node order. */
export function lintOpenvino(model: Model, types: ReadonlyMap<Value, ValueInfo>, rules: readonly LintRule[] = MYRIAD_RULES): Finding[] {
  const order = new Map(model.graph.nodes.map((n, i) => [n.name, i]));
  const facts = lintFacts(model, types);
  const findings = rules.flatMap((r) => r.check({ model, types, facts }));
  return findings.sort(
    (a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1) || (order.get(a.node) ?? -1) - (order.get(b.node) ?? -1),
  );
}
