/**
 * myriad/not-lowered: an ONNX node that has no OpenVINO opset1–10 equivalent here, or needs
 * constants it does not have. Reported by lint-file from the lowering's failures (the other
 * rules check the lowered graph, which such a node never reaches). An If is the common case:
 * the advice names the inputs its condition depends on, so the user knows what to freeze.
 */
import type { Model } from "../../ir/model.js";
import type { Node } from "../../ir/node.js";
import { isStaticShape } from "../../ir/shape.js";
import type { Value } from "../../ir/value.js";
import type { LoweringFailure } from "../../lower/lower.js";
import { inputShapeTemplate } from "../../passes/onnx/input-shapes.js";
import type { Finding } from "../finding.js";
import { inputDependence } from "../input-dependence.js";
import { type RuleMeta, report } from "../rule.js";

export const NOT_LOWERED: RuleMeta = {
  id: "myriad/not-lowered",
  severity: "error",
  description: "an ONNX node has no OpenVINO opset1–10 equivalent here (or needs constants it does not have)",
  docs:
    "The ONNX model is lowered to OpenVINO opset1–10 ops, the ones the 2022.3 toolchain reads. A node that cannot be lowered " +
    "(an op with no such equivalent, a shape or axis computed at run time where a constant is needed, an If whose condition is " +
    "not known ahead of time) is reported here; `fix` often resolves it by folding constants, which static input shapes " +
    "(--input-shape) or frozen inputs (--freeze) make possible.",
  fixedBy: ["constant-folding", "inline-constant-if"],
};

const quoted = (vs: readonly Value[]) => vs.map((v) => JSON.stringify(v.name)).join(", ");

/** Inputs of a few values (a sample rate, a mode flag): ones a user can fix to a value with --freeze. */
const MAX_SETTING_ELEMENTS = 8;
const isSetting = (v: Value) => isStaticShape(v.shape) && v.shape.reduce((a, d) => a * d, 1) <= MAX_SETTING_ELEMENTS;

/** What to do about a node that depends on model inputs: freeze the ones it reads, or give shapes. */
function adviceFor(model: Model, node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.opType === "If" && node.inputs[0]) {
    const { data, shape } = inputDependence(model.graph, node.inputs[0]);
    // A flag or a rate (a few values) is what one freezes; a tensor of data is what the model computes on.
    const settings = data.filter(isSetting);
    if (data.length && settings.length === data.length)
      return (
        `its condition is computed from ${quoted(data)}: freeze ${data.length > 1 ? "them" : "it"} (` +
        `${data.map((v) => `--freeze ${v.name}=<value>`).join(" ")} on convert, compile or lint) so the branch that runs is kept, or run the If on the host`
      );
    if (data.length)
      return `its condition is computed from the data of ${quoted(data)}, so the branch is only known at run time: run the If on the host or export without it`;
    const dynamic = shape.filter((v) => !isStaticShape(v.shape));
    const flags = dynamic.map((v) => `--input-shape ${inputShapeTemplate(v)}`).join(" ");
    if (dynamic.length) return `its condition follows from the shape of ${quoted(dynamic)}: give it with ${flags}`;
    return undefined;
  }
  const dynamic = node.inputs.flatMap((v) => (v ? inputDependence(model.graph, v).shape : [])).filter((v) => !isStaticShape(v.shape));
  const unique = [...new Set(dynamic)];
  const flags = unique.map((v) => `--input-shape ${inputShapeTemplate(v)}`).join(" ");
  return unique.length ? `it depends on the shape of ${quoted(unique)}; with ${flags} fix can compute it ahead of time` : undefined;
}

/** The findings for what the lowering of `model` (ONNX) could not do. */
export function notLoweredFindings(model: Model, failures: readonly LoweringFailure[]): Finding[] {
  const byName = new Map(model.graph.nodes.map((n) => [n.name, n]));
  return failures.map((f) =>
    report(NOT_LOWERED, { name: f.node, opType: f.op }, `${f.op} cannot be converted to OpenVINO opset1–opset10: ${f.reason}`, {
      suggestion: adviceFor(model, byName.get(f.node)),
    }),
  );
}
