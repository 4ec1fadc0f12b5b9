/**
 * The per-layer limits of the capability table (attribute values, ranks, constant inputs,
 * unused outputs), each reported under the rule id its table entry names. Fixable where a
 * legalization pass repairs the case: 1-D convolution/pooling and Pad below rank 4 are
 * reshaped, and an input computed from constants only is folded.
 */
import type { Node } from "../../ir/node.js";
import { floatAttr, intAttr, intsAttr, strAttr } from "../../ops/openvino/op-def.js";
import { type Constraint, capabilityOf, MYRIAD_OPS } from "../../targets/myriad/capabilities.js";
import { isConstantComputable } from "../constant-inputs.js";
import type { Finding } from "../finding.js";
import { at, type LintContext, type LintRule } from "../rule.js";

function constantValue(node: Node, port: number): number | undefined {
  const t = node.inputs[port]?.initializer;
  return t && t.size === 1 ? t.toFloat32()[0] : undefined;
}

function violation(ctx: LintContext, node: Node, c: Constraint): Finding | undefined {
  const f = (message: string, fixable = false) =>
    at(node, c.rule, c.kind === "attr-fixed" ? "warning" : "error", message, c.suggestion, fixable);
  switch (c.kind) {
    case "attr-in": {
      // Model Optimizer writes booleans as "0"/"1" as often as "false"/"true".
      const raw = strAttr(node, c.name, c.fallback);
      const v = c.allowed.every((a) => a === "true" || a === "false") && (raw === "0" || raw === "1") ? String(raw === "1") : raw;
      return c.allowed.includes(v) ? undefined : f(`${c.name}="${v}" is not supported on MYRIAD (supported: ${c.allowed.join(", ")})`);
    }
    case "attr-zeros":
      return intsAttr(node, c.name).every((x) => x === 0) ? undefined : f(`${c.name}=${strAttr(node, c.name, "")} must be zero on MYRIAD`);
    case "input-rank": {
      const v = node.inputs[c.port];
      const rank = v ? ctx.types.get(v)?.dims.length : undefined;
      if (rank === undefined || c.ranks.includes(rank)) return undefined;
      const fixable = (c.rule === "myriad/spatial-rank" && rank === 3) || (c.rule === "myriad/pad-rank" && rank < 4);
      return f(`input ${c.port} has rank ${rank}; MYRIAD runs ${c.what}`, fixable);
    }
    case "const-input": {
      const v = node.inputs[c.port];
      if (!v || v.isInitializer) return undefined;
      return f(`input ${c.port} (${c.what}) is computed at run time; MYRIAD needs a constant`, isConstantComputable(v));
    }
    case "const-value": {
      if (!node.inputs[c.port]) return undefined;
      const v = constantValue(node, c.port);
      return v === c.value
        ? undefined
        : f(`${c.what} (input ${c.port}) must be the constant ${c.value}${v === undefined ? "" : `, not ${v}`}`);
    }
    case "unused-output": {
      const out = node.outputs[c.port];
      return out && (out.uses.length || out.isGraphOutput())
        ? f(`output ${c.port} (${c.what}) is used, but MYRIAD does not produce it`)
        : undefined;
    }
    case "attr-min": {
      const v = intAttr(node, c.name, c.min);
      return v >= c.min ? undefined : f(`${c.name}=${v} is not supported on MYRIAD (it must be at least ${c.min})`);
    }
    case "attr-fixed": {
      const v = floatAttr(node, c.name, c.value);
      return Math.abs(v - c.value) <= Math.abs(c.value) * 1e-3
        ? undefined
        : f(`${c.name}=${v} is ignored on MYRIAD, which uses ${c.value}`);
    }
    case "same-dims": {
      const inDims = node.inputs[0] ? ctx.types.get(node.inputs[0])?.dims : undefined;
      const outDims = node.outputs[0] ? ctx.types.get(node.outputs[0])?.dims : undefined;
      if (!inDims || !outDims || c.axes.some((a) => inDims[a] === null || outDims[a] === null)) return undefined;
      const changed = c.axes.filter((a) => inDims[a] !== outDims[a]);
      return changed.length
        ? f(
            `resizes axis ${changed.join(" and ")} (${changed.map((a) => `${inDims[a]}→${outDims[a]}`).join(", ")}); MYRIAD allows ${c.what}`,
          )
        : undefined;
    }
  }
}

export const opConstraintsRule: LintRule = {
  ids: [...new Set(Object.values(MYRIAD_OPS).flatMap((cap) => (cap.supported ? (cap.constraints ?? []).map((c) => c.rule) : [])))],
  description: "attribute, rank and constant-input limits of MYRIAD layers",
  check(ctx) {
    return ctx.model.graph.nodes.flatMap((node) => {
      const cap = capabilityOf(node.opType);
      if (!cap?.supported) return [];
      return (cap.constraints ?? []).map((c) => violation(ctx, node, c)).filter((x): x is Finding => x !== undefined);
    });
  },
};
