/**
 * RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR (NHWC, size input [H, W]) as ONNX Resize in NCHW.
 * TFLite's coordinate rules (reference_ops ResizeBilinear / ResizeNearestNeighbor):
 *  - align_corners: in = out·(in−1)/(out−1); nearest rounds half away from zero;
 *  - half_pixel_centers: bilinear in = (out + ½)·scale − ½; nearest floor((out + ½)·scale),
 *    which is half_pixel with round-half-up;
 *  - neither: in = out·scale; nearest floors.
 */
import { attr } from "../../../ir/attribute.js";
import type { OpTranslator } from "../context.js";

const resize =
  (mode: "linear" | "nearest"): OpTranslator =>
  (c) => {
    const alignCorners = Boolean(c.opts.align_corners);
    const halfPixel = Boolean(c.opts.half_pixel_centers);
    if (alignCorners && halfPixel) c.fail("align_corners and half_pixel_centers cannot both be set");
    const coordinate = alignCorners ? "align_corners" : halfPixel ? "half_pixel" : "asymmetric";
    const nearest = alignCorners || halfPixel ? "round_prefer_ceil" : "floor";
    const [h, w] = c.constInts(1, "size");
    const s = c.shape(0);
    const x = c.toChannelsFirst(c.input(0));
    const attrs = {
      mode: attr.string(mode),
      coordinate_transformation_mode: attr.string(coordinate),
      ...(mode === "nearest" ? { nearest_mode: attr.string(nearest) } : {}),
    };
    // A dynamic batch keeps N and C from the data's shape (folded once the batch is pinned).
    const sizes =
      s[0]! < 0 || s[3]! < 0
        ? c.one("Concat", [c.one("Slice", [c.one("Shape", [x]), c.ints([0]), c.ints([2])]), c.ints([h!, w!])], { axis: attr.int(0) })
        : c.ints([s[0]!, s[3]!, h!, w!]);
    return [c.toChannelsLast(c.main("Resize", [x, undefined, undefined, sizes], attrs)[0]!)];
  };

export const RESIZE_OPS: Readonly<Record<string, OpTranslator>> = {
  RESIZE_BILINEAR: resize("linear"),
  RESIZE_NEAREST_NEIGHBOR: resize("nearest"),
};
