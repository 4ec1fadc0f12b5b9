/**
 * Lowering of ONNX Resize and Upsample → Interpolate-4 (which MYRIAD reads), with the
 * attribute translations and the modes it cannot express refused.
 */
import { normalizeAxis } from "../../ops/onnx/op-def.js";
import type { LoweringRule } from "../rule-helpers.js";

const resize: LoweringRule = (c) => {
  const x = c.shape(0);
  const out = c.node.outputs[0]?.shape;
  const mode = c.node.getString("mode", "nearest");
  const upsample = c.node.opType === "Upsample";
  // Resize-10 and Upsample-9 read scales from input 1, Resize-11+ from input 2, Upsample-7 from an attribute.
  const scalesIdx = upsample || c.opset < 11 ? 1 : 2;
  const given = upsample && c.opset < 9 ? c.node.getFloats("scales") : c.constant(scalesIdx)?.toFloat32();
  // Resize-18 may list scales for some axes only; the others keep their size.
  const onAxes = c.opset >= 18 ? c.node.getInts("axes")?.map((a) => normalizeAxis(a, x.length)) : undefined;
  const scales = given && onAxes ? x.map((_, i) => (onAxes.includes(i) ? given[onAxes.indexOf(i)]! : 1)) : given;
  // Sizes computed at run time stay computed (fix folds them when the shapes are static).
  const computedSizes = !upsample && c.opset >= 11 && c.node.inputs[3] !== undefined && !c.constant(3);
  const sizes = !upsample && c.opset >= 11 && c.node.inputs[3] && !computedSizes ? c.constInts(3, "sizes") : undefined;
  const useSizes = computedSizes || (sizes !== undefined && sizes.length > 0);
  if (c.node.getInt("antialias", 0) === 1) c.fail("antialiasing is not supported");
  if (mode === "cubic" && c.node.getInt("exclude_outside", 0) === 1) c.fail("cubic exclude_outside=1 has no Interpolate-4 equivalent");
  const staticOut = out && out.every((d) => typeof d === "number") ? (out as number[]) : undefined;
  // Given sizes (possibly for some axes, possibly adjusted by keep_aspect_ratio_policy) are
  // resolved by shape inference: the static output shape is the full list of sizes.
  const targetSizes = computedSizes
    ? x
    : useSizes
      ? (staticOut ?? c.fail("the output shape is not static"))
      : (staticOut ?? (scales ? x.map((d, i) => Math.floor(d * scales[i]!)) : c.fail("output size unknown")));
  const scaleValues = useSizes
    ? targetSizes.map((d, i) => d / x[i]!)
    : scales && scales.length === x.length
      ? Array.from(scales)
      : c.fail("scales must be constant and cover every axis");
  const axes = x.map((_, i) => i);
  const attrs = {
    mode: mode === "linear" ? "linear_onnx" : mode,
    shape_calculation_mode: useSizes ? "sizes" : "scales",
    coordinate_transformation_mode: c.node.getString("coordinate_transformation_mode", c.opset < 11 ? "asymmetric" : "half_pixel"),
    nearest_mode: c.node.getString("nearest_mode", c.opset < 11 ? "floor" : "round_prefer_floor"),
    antialias: "false", // refused above when set
    pads_begin: x.map(() => 0),
    pads_end: x.map(() => 0),
    cube_coeff: String(c.node.getFloat("cubic_coeff_a", -0.75)),
  };
  const ctm = attrs.coordinate_transformation_mode;
  if (ctm === "tf_crop_and_resize" || ctm === "half_pixel_symmetric")
    c.fail(`coordinate_transformation_mode ${ctm} has no Interpolate-4 equivalent`);
  // ONNX's align_corners divides by the unrounded in·scale; Interpolate-4 by the output size.
  if (ctm === "align_corners" && !useSizes && scaleValues.some((f, i) => !Number.isInteger(f * x[i]!)))
    c.fail("align_corners with scales that give a fractional size has no Interpolate-4 equivalent (give sizes instead)");
  const sizesInput = computedSizes ? c.input(3) : c.i64("sizes", targetSizes);
  return [c.one("Interpolate", 4, [c.input(0), sizesInput, c.floats("scales", scaleValues, "float32"), c.i64("axes", axes)], attrs)];
};

export const RESIZE_LOWERING: Readonly<Record<string, LoweringRule>> = {
  Resize: resize,
  Upsample: resize,
};
