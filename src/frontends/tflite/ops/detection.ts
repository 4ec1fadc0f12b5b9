/**
 * NON_MAX_SUPPRESSION_V4 and V5: single-class NMS over boxes [N, 4] (y1, x1, y2, x2, corners in
 * either order) and scores [N]. TFLite keeps, best score first, the boxes scoring above
 * score_threshold that overlap no kept box at IoU ≥ iou_threshold, up to max_output_size; it
 * writes their indices (V5 also their scores) padded with zeros to max_output_size, and how many
 * there are. ONNX NonMaxSuppression over one batch and one class keeps the same boxes in the same
 * order, but suppresses at IoU *above* its threshold: the constant threshold is passed as the
 * next float32 below it, which makes the two comparisons agree on every float32 IoU.
 * V5's soft-NMS (soft_nms_sigma above 0) decays scores instead and has no ONNX equivalent.
 */
import { attr } from "../../../ir/attribute.js";
import type { OpContext, OpTranslator } from "../context.js";

/** The largest float32 below `x` (x finite). */
function float32Below(x: number): number {
  const f = new Float32Array([x]);
  const bits = new Uint32Array(f.buffer);
  if (f[0] === 0)
    bits[0] = 0x80000001; // the smallest negative subnormal
  else if (f[0]! > 0) bits[0]! -= 1;
  else bits[0]! += 1;
  return f[0]!;
}

function constantScalar(c: OpContext, i: number, what: string): number {
  const t = c.constant(i);
  if (!t || t.size !== 1) c.fail(`${what} must be a constant scalar`);
  return t.toFloat32()[0]!;
}

const nonMaxSuppression =
  (version: 4 | 5): OpTranslator =>
  (c) => {
    if (version === 5 && constantScalar(c, 5, "soft_nms_sigma") !== 0)
      c.fail("soft-NMS (soft_nms_sigma above 0) decays scores, which ONNX NonMaxSuppression cannot; only sigma 0 is translated");
    const size = constantScalar(c, 2, "max_output_size (the length of the padded outputs)");
    const iou = constantScalar(c, 3, "iou_threshold (TFLite suppresses at IoU ≥ it, ONNX above it: it is moved to the float below)");
    const boxes = c.one("Unsqueeze", [c.input(0), c.ints([0])]);
    const scores = c.one("Reshape", [c.input(1), c.ints([1, 1, -1])]);
    const threshold = c.one("Reshape", [c.input(4), c.ints([], [0])]);
    const [selected] = c.main("NonMaxSuppression", [boxes, scores, c.ints([size], []), c.floats([float32Below(iou)], []), threshold]);
    // Column 2 of [K, 3] (batch, class, box) is the box index.
    const indices = c.one("Gather", [selected!, c.ints([2], [])], { axis: attr.int(1) });
    const count = c.one("Reshape", [c.one("Shape", [indices]), c.ints([], [0])]);
    // Written into zeros of the padded length: the outputs keep their static shape [max_output_size].
    const places = c.one("Unsqueeze", [c.one("Range", [c.ints([0], []), count, c.ints([1], [])]), c.ints([1])]);
    const padded = (v: ReturnType<OpContext["one"]>, zero: ReturnType<OpContext["one"]>) =>
      c.one("ScatterND", [c.one("Expand", [zero, c.ints([size])]), places, v]);
    const keptIndices = c.cast(padded(indices, c.ints([0], [])), "int32");
    const valid = c.cast(count, "int32");
    if (version === 4) return [keptIndices, valid];
    const keptScores = padded(c.one("Gather", [c.input(1), indices], { axis: attr.int(0) }), c.floats([0], []));
    return [keptIndices, keptScores, valid];
  };

export const DETECTION_OPS: Readonly<Record<string, OpTranslator>> = {
  NON_MAX_SUPPRESSION_V4: nonMaxSuppression(4),
  NON_MAX_SUPPRESSION_V5: nonMaxSuppression(5),
};
