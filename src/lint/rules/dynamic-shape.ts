/**
 * myriad/dynamic-shape: a tensor whose size is not known before run time. MYRIAD compiles
 * static shapes only; the outputs of NonMaxSuppression and NonZero are the exception the
 * plugin handles itself.
 */

import type { Node } from "../../ir/node.js";
import { topologicalOrder } from "../../ir/topo.js";
import type { Value } from "../../ir/value.js";
import { VALUE_DEPENDENT_DIMS } from "../../ops/openvino/value-dependent-dims.js";
import { inputShapeTemplate } from "../../passes/onnx/input-shapes.js";
import type { Finding } from "../finding.js";
import { type LintRule, type RuleMeta, report } from "../rule.js";

export const DYNAMIC_SHAPE: RuleMeta = {
  id: "myriad/dynamic-shape",
  severity: "error",
  description: "a tensor size only known at run time; MYRIAD compiles static shapes",
  docs:
    "The MYRIAD compiler needs every tensor's size (`Cannot get length of dynamic dimension`, blobconverter #76), except the " +
    "data-dependent outputs of NonMaxSuppression and NonZero, which the plugin's DynamicToStaticShape handles. Give dynamic inputs " +
    "a size with --input-shape; lint then checks everything that depends on them too.",
  fixedBy: [],
};

/** What could not be checked because an input has no static size. */
export interface Unchecked {
  /** Layers that cannot be converted until the size is known (by name). */
  readonly blocked?: readonly string[];
  /** Converted layers whose sizes stayed unknown, so the rules needing sizes skipped them. */
  readonly unknownSizes?: number;
}

const layers = (n: number) => `${n} layer${n === 1 ? "" : "s"}`;

/** The finding for a model input of unknown size, saying what that left unchecked. */
export function dynamicInputFinding(v: Value, unchecked: Unchecked = {}): Finding {
  const dims = (v.shape ?? []).map((d) => (typeof d === "number" ? d : (d ?? "?"))).join(",");
  const blocked = unchecked.blocked ?? [];
  const shown = blocked.slice(0, 3).join(", ") + (blocked.length > 3 ? ", …" : "");
  const parts = [
    ...(blocked.length
      ? [
          `${layers(blocked.length)} (${shown}) cannot be converted without it, ` +
            `so ${blocked.length === 1 ? "it" : "they"} and what follows could not be checked`,
        ]
      : []),
    ...(unchecked.unknownSizes
      ? [`the sizes of ${layers(unchecked.unknownSizes)} follow from it, so what depends on them could not be checked`]
      : []),
  ];
  return report(
    DYNAMIC_SHAPE,
    { name: v.name, opType: "Parameter" },
    `input ${JSON.stringify(v.name)} has no static shape [${dims}]${parts.map((p) => `; ${p}`).join("")}`,
    { suggestion: `give it with --input-shape ${inputShapeTemplate(v)}` },
  );
}

export const dynamicShapeRule: LintRule = {
  meta: [DYNAMIC_SHAPE],
  check({ model, types }) {
    const findings: Finding[] = [];
    const dynamicInputs: Value[] = [];
    for (const v of model.graph.inputs) {
      const dims = types.get(v)?.dims ?? v.shape;
      if (dims && dims.every((d) => typeof d === "number" && d >= 0)) continue;
      dynamicInputs.push(v);
      findings.push(dynamicInputFinding(v));
    }
    // With a dynamic input every size that follows from it is unknown too: the input's
    // finding says what to do, one per layer would only repeat it.
    if (dynamicInputs.length) return findings;
    // Sizes that follow from NonMaxSuppression/NonZero results are the plugin's business
    // (DynamicToStaticShape); only other unknown sizes are reported.
    const dataDependent = new Set<Node>();
    for (const node of topologicalOrder(model.graph)) {
      if (VALUE_DEPENDENT_DIMS[node.opType] || node.inputs.some((i) => i?.producer && dataDependent.has(i.producer))) {
        dataDependent.add(node);
        continue;
      }
      const out = node.outputs[0];
      const dims = out ? types.get(out)?.dims : undefined;
      if (dims && dims.some((d) => d === null || d < 0)) {
        findings.push(
          report(
            DYNAMIC_SHAPE,
            node,
            `output ${JSON.stringify(out!.name)} has dims [${dims.map((d) => (d === null || d < 0 ? "?" : d)).join(",")}] that are only known at run time`,
            { suggestion: "make the inputs static (--input-shape) so the shapes can be inferred" },
          ),
        );
      }
    }
    return findings;
  },
};
