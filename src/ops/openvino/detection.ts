/**
 * NonMaxSuppression-5, written from the OpenVINO op specification: per batch and class,
 * repeatedly take the best-scoring box, keep it if its score reaches score_threshold, and
 * suppress (or, with soft_nms_sigma > 0, decay) the boxes overlapping it by more than
 * iou_threshold. Outputs selected_indices [K, 3] (batch, class, box), selected_scores [K, 3]
 * and valid_outputs [1]. The runtime shape of the first two is the number of selected boxes
 * (OpenVINO gives these outputs a dynamic first dimension), so no -1 padding is written.
 */

import type { Node } from "../../ir/node.js";
import { type NdArray, ndCast } from "../ndarray.js";
import { dtypeFromElementType } from "./element-types.js";
import { boolAttr, ints, type OvOpDef, required, strAttr } from "./op-def.js";
import { withDynamicDims } from "./value-dependent-dims.js";

type Box = [number, number, number, number];

function boxAt(boxes: NdArray, b: number, i: number, center: boolean): Box {
  const n = boxes.dims[1]!;
  const at = (k: number) => Number(boxes.data[(b * n + i) * 4 + k]);
  if (center) {
    const [xc, yc, w, h] = [at(0), at(1), at(2), at(3)];
    return [yc - h / 2, xc - w / 2, yc + h / 2, xc + w / 2];
  }
  // Corners may come in either order: normalise to (min, max).
  const [y1, x1, y2, x2] = [at(0), at(1), at(2), at(3)];
  return [Math.min(y1, y2), Math.min(x1, x2), Math.max(y1, y2), Math.max(x1, x2)];
}

function iou(a: Box, b: Box): number {
  const areaA = (a[2] - a[0]) * (a[3] - a[1]);
  const areaB = (b[2] - b[0]) * (b[3] - b[1]);
  if (areaA <= 0 || areaB <= 0) return 0;
  const h = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const w = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = h * w;
  return inter / (areaA + areaB - inter);
}

const scalar = (a: NdArray | undefined, fallback: number) => (a && a.data.length ? Number(a.data[0]) : fallback);

const outputType = (node: Node) => dtypeFromElementType(strAttr(node, "output_type", "i64")) ?? "int64";

export const OV_DETECTION: Record<string, OvOpDef> = {
  NonMaxSuppression: {
    infer(inputs, { node }) {
      const scores = required(inputs, 1);
      required(inputs, 0);
      const type = outputType(node);
      return [
        { dtype: type, dims: withDynamicDims("NonMaxSuppression", 0, [0, 3]) },
        { dtype: scores.dtype, dims: withDynamicDims("NonMaxSuppression", 1, [0, 3]) },
        { dtype: type, dims: [1] },
      ];
    },
    run([boxes, scores, maxIn, iouIn, scoreIn, sigmaIn], { node }) {
      const center = strAttr(node, "box_encoding", "corner") === "center";
      const sortDescending = boolAttr(node, "sort_result_descending", true);
      const outType = outputType(node);
      const maxPerClass = maxIn ? ints(maxIn)[0]! : 0;
      const iouThreshold = scalar(iouIn, 0);
      const scoreThreshold = scalar(scoreIn, 0);
      const sigma = scalar(sigmaIn, 0);
      const [batches, classes, n] = scores!.dims as [number, number, number];
      const selected: { b: number; c: number; i: number; s: number }[] = [];
      for (let b = 0; b < batches; b++) {
        const all = Array.from({ length: n }, (_, i) => boxAt(boxes!, b, i, center));
        for (let c = 0; c < classes; c++) {
          const cand = Array.from({ length: n }, (_, i) => ({ i, s: Number(scores!.data[(b * classes + c) * n + i]) }));
          const kept: { i: number; s: number }[] = [];
          while (kept.length < maxPerClass && cand.length) {
            // The best remaining candidate; ties go to the lower box index.
            let best = 0;
            for (let k = 1; k < cand.length; k++)
              if (cand[k]!.s > cand[best]!.s || (cand[k]!.s === cand[best]!.s && cand[k]!.i < cand[best]!.i)) best = k;
            const top = cand.splice(best, 1)[0]!;
            if (!(top.s >= scoreThreshold)) break;
            kept.push(top);
            for (let k = cand.length - 1; k >= 0; k--) {
              const o = iou(all[top.i]!, all[cand[k]!.i]!);
              if (o > iouThreshold) cand.splice(k, 1);
              else if (sigma > 0) cand[k]!.s *= Math.exp((-0.5 * o * o) / sigma);
            }
          }
          for (const k of kept) selected.push({ b, c, i: k.i, s: k.s });
        }
      }
      if (sortDescending) selected.sort((p, q) => q.s - p.s);
      const k = selected.length;
      const indices: NdArray = { dtype: "float64", dims: [k, 3], data: Float64Array.from(selected.flatMap((x) => [x.b, x.c, x.i])) };
      const selScores: NdArray = { dtype: scores!.dtype, dims: [k, 3], data: Float64Array.from(selected.flatMap((x) => [x.b, x.c, x.s])) };
      return [ndCast(indices, outType), selScores, ndCast({ dtype: "float64", dims: [1], data: Float64Array.of(k) }, outType)];
    },
  },
};
