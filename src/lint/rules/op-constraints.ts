/**
 * The per-layer limits of the capability table (attribute values, ranks, constant inputs,
 * unused outputs), each reported under the rule id its table entry names. Fixable where a
 * legalization pass says it repairs the node: 1-D convolution/pooling and low-rank Pad are
 * reshaped, and an input that the constant folder computes ahead of time becomes a constant.
 */
import type { Node } from "../../ir/node.js";
import { floatAttr, intAttr, intsAttr, strAttr } from "../../ops/openvino/op-def.js";
import type { WhyNot } from "../../passes/rewrite/rule.js";
import { type Constraint, capabilityOf } from "../../targets/myriad/capabilities.js";
import { pad4dPass } from "../../targets/myriad/passes/pad-4d.js";
import { spatial2dPass } from "../../targets/myriad/passes/spatial-2d.js";
import type { LintFacts } from "../facts.js";
import type { Finding } from "../finding.js";
import { type LintContext, type LintRule, metaOf, type RuleMeta, report } from "../rule.js";

const FOLDED = ["fold-constants-openvino", "constant-folding"];

const rule = (id: string, description: string, docs: string, fixedBy: readonly string[] = [], severity: "error" | "warning" = "error") => ({
  id: `myriad/${id}`,
  severity,
  description,
  docs,
  fixedBy,
});

export const OP_CONSTRAINT_META: readonly RuleMeta[] = [
  rule(
    "spatial-rank",
    "convolution or pooling that is not 2-D; 1-D is fixable (run as 2-D) unless it has extra inputs or its pooling indices are used; 3-D is not",
    "MYRIAD's convolution and pooling stages are 2-D (4-D NCHW data) only. A 1-D layer runs as a 2-D one with a unit height; a " +
      "3-D one has no MYRIAD form and must run on the host.",
    ["spatial-2d"],
  ),
  rule(
    "pad-rank",
    "Pad of a tensor that is not 4-D; ranks below 4 are fixable when the pads are constants and the shapes static",
    "The MYRIAD Pad stage pads 4-D tensors only. A Pad of lower rank runs on the tensor reshaped with leading unit axes, which " +
      "needs constant pads (they are widened) and static shapes (they are written into the Reshapes).",
    ["pad-4d"],
  ),
  rule(
    "gather-axis",
    "Gather with an axis computed at run time",
    "stages/gather.cpp reads the axis as a constant; one computed from static shapes is folded ahead of time.",
    FOLDED,
  ),
  rule(
    "gather-batch-dims",
    "Gather with batch_dims ≠ 0",
    "Gather-7/8 are converted to Gather-1, which has no batch_dims; only batch_dims = 0 converts.",
  ),
  rule(
    "gather-elements-axis",
    "GatherElements with a negative axis (myriadc's own IRs always have a positive one)",
    "The plugin's GatherElements refuses a negative axis (VPU known limitations); axis + rank is the same axis.",
  ),
  rule(
    "fixed-eps",
    "MVN or NormalizeL2 with an epsilon other than the 1e-9 MYRIAD always uses",
    "The MVN and Normalize stages ignore the model's epsilon and use 1e-9 (VPU known limitations): results differ slightly " +
      "where the variance or the norm is near the model's epsilon.",
    [],
    "warning",
  ),
  rule(
    "interpolate-mode",
    "Interpolate with a mode, coordinate mode, nearest mode or antialiasing MYRIAD lacks (e.g. cubic)",
    "stages/interpolate.cpp: \"Current Interpolate supports 'nearest' and 'linear' modes only\", with the coordinate " +
      "transformation and nearest modes it lists, and no antialiasing.",
  ),
  rule("interpolate-pads", "Interpolate with non-zero pads", "The Interpolate stage does not pad; a Pad before it does the same."),
  rule(
    "interpolate-axes",
    "Interpolate resizing the batch or channel axis",
    "The Interpolate stage resizes the spatial axes (H, W) of NCHW data only.",
  ),
  rule(
    "interpolate-shape",
    "Interpolate whose sizes or scales are computed at run time; fixable when they derive from static shapes",
    "The Interpolate stage reads its sizes and scales as constants. Exporters often compute them from the input's shape " +
      "(F.interpolate(scale_factor=2)); with static input shapes that computation is folded ahead of time.",
    FOLDED,
  ),
  rule(
    "topk-k",
    "TopK whose k is computed at run time",
    "stages/topk.cpp reads k as a constant; one computed from static shapes is folded.",
    FOLDED,
  ),
  rule(
    "nms-attributes",
    "NonMaxSuppression with sort_result_descending, soft NMS or the selected_scores output, which MYRIAD lacks",
    "The plugin's static NonMaxSuppression (static_shape_nms.cpp) has no result sorting across classes, no soft NMS " +
      "(soft_nms_sigma must be 0) and no selected_scores output.",
  ),
];

/** What fixes a constraint's violation on a node, asked of the pass (undefined: fixed; a string: why not). */
function fixVerdict(facts: LintFacts, node: Node, c: Constraint): { whyNot: WhyNot } | undefined {
  if (c.rule === "myriad/spatial-rank") return { whyNot: spatial2dPass.canFix(node, facts) };
  if (c.rule === "myriad/pad-rank") return { whyNot: pad4dPass.canFix(node, facts) };
  if (c.kind === "const-input") {
    const why = facts.whyNotConstant(node.inputs[c.port]!);
    return { whyNot: why && `${c.what} cannot be computed ahead of time: ${why}` };
  }
  return undefined;
}

function constantValue(node: Node, port: number): number | undefined {
  const t = node.inputs[port]?.initializer;
  return t && t.size === 1 ? t.toFloat32()[0] : undefined;
}

function violation(ctx: LintContext, node: Node, c: Constraint): Finding | undefined {
  const meta = metaOf(OP_CONSTRAINT_META, c.rule);
  const f = (message: string) => report(meta, node, message, { suggestion: c.suggestion, fix: fixVerdict(ctx.facts, node, c) });
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
      return f(`input ${c.port} has rank ${rank}; MYRIAD runs ${c.what}`);
    }
    case "const-input": {
      const v = node.inputs[c.port];
      if (!v || v.isInitializer) return undefined;
      return f(`input ${c.port} (${c.what}) is computed at run time; MYRIAD needs a constant`);
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
  meta: OP_CONSTRAINT_META,
  check(ctx) {
    return ctx.model.graph.nodes.flatMap((node) => {
      const cap = capabilityOf(node.opType);
      if (!cap?.supported) return [];
      return (cap.constraints ?? []).map((c) => violation(ctx, node, c)).filter((x): x is Finding => x !== undefined);
    });
  },
};
