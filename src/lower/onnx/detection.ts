/** Lowering of ONNX NonMaxSuppression → NonMaxSuppression-5 (the indices output only). */
import type { LowerContext } from "../context.js";
import type { LoweringRule } from "../rule-helpers.js";

const nms: LoweringRule = (c) => {
  if (c.node.outputs.length !== 1) c.fail("expected one output");
  const dtype = c.dtype(1);
  const optional = (i: number, make: () => ReturnType<LowerContext["input"]>) => (c.node.inputs[i] ? c.input(i) : make());
  const inputs = [
    c.input(0),
    c.input(1),
    optional(2, () => c.i64("max_output_boxes_per_class", [0], [])),
    optional(3, () => c.floats("iou_threshold", [0], dtype, [])),
    // No threshold in ONNX means every score qualifies.
    optional(4, () => c.floats("score_threshold", [-Infinity], dtype, [])),
    c.floats("soft_nms_sigma", [0], dtype, []),
  ];
  const [indices] = c.op(
    "NonMaxSuppression",
    5,
    inputs,
    { box_encoding: c.node.getInt("center_point_box", 0) === 1 ? "center" : "corner", sort_result_descending: false, output_type: "i64" },
    3,
  );
  return [indices];
};

export const DETECTION_LOWERING: Readonly<Record<string, LoweringRule>> = {
  NonMaxSuppression: nms,
};
