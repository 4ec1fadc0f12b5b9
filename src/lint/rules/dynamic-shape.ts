/**
 * myriad/dynamic-shape: a tensor whose size is not known before run time. MYRIAD compiles
 * static shapes only (`Cannot get length of dynamic dimension`, blobconverter #76); the
 * outputs of NonMaxSuppression and NonZero are the exception the plugin handles itself.
 */

import type { Node } from "../../ir/node.js";
import { topologicalOrder } from "../../ir/topo.js";
import { VALUE_DEPENDENT_DIMS } from "../../ops/openvino/value-dependent-dims.js";
import type { Finding } from "../finding.js";
import { at, type LintRule } from "../rule.js";

export const dynamicShapeRule: LintRule = {
  ids: ["myriad/dynamic-shape"],
  description: "tensor sizes unknown before run time",
  check({ model, types }) {
    const findings: Finding[] = [];
    for (const v of model.graph.inputs) {
      const dims = types.get(v)?.dims ?? v.shape;
      if (dims && dims.every((d) => typeof d === "number" && d >= 0)) continue;
      findings.push(
        at(
          { name: v.name, opType: "Parameter" },
          "myriad/dynamic-shape",
          "error",
          `input ${JSON.stringify(v.name)} has no static shape`,
          `give it with --input-shape ${v.name}=[…]`,
          false,
        ),
      );
    }
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
          at(
            node,
            "myriad/dynamic-shape",
            "error",
            `output ${JSON.stringify(out!.name)} has dims [${dims.map((d) => (d === null || d < 0 ? "?" : d)).join(",")}] that are only known at run time`,
            "make the inputs static (--input-shape) so the shapes can be inferred",
            false,
          ),
        );
      }
    }
    return findings;
  },
};
