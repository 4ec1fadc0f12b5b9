/**
 * Lowering of the ONNX shape and data-movement ops: Reshape, Flatten, Squeeze/Unsqueeze,
 * Transpose, Concat, Split, Slice → StridedSlice, Pad, Expand/Tile → Broadcast/Tile,
 * DepthToSpace/SpaceToDepth, Shape/Size → ShapeOf, ConstantOfShape, Range, Constant,
 * Identity and inference-mode Dropout.
 */
import { shapeSize } from "../../ir/shape.js";
import { Tensor } from "../../ir/tensor.js";
import type { Value } from "../../ir/value.js";
import { ndToTensor } from "../../ops/ndarray.js";
import { normalizeAxis } from "../../ops/onnx/op-def.js";
import { constantNodeValue } from "../../ops/onnx/shape.js";
import { elementTypeOf } from "../../ops/openvino/element-types.js";
import type { LowerContext } from "../context.js";
import { axesOf, type LoweringRule } from "../rule-helpers.js";

const reshapeTo = (c: LowerContext, dims: readonly number[], specialZero: boolean): Value =>
  c.one("Reshape", 1, [c.input(0), c.i64("shape", dims)], { special_zero: specialZero });

const flatten: LoweringRule = (c) => {
  const s = c.shape(0);
  const axis = normalizeAxis(c.node.getInt("axis", 1), s.length);
  return [reshapeTo(c, [shapeSize(s.slice(0, axis)), shapeSize(s.slice(axis))], false)];
};

const reshape: LoweringRule = (c) => {
  const target = c.opset < 5 ? (c.node.getInts("shape") ?? c.fail("shape is missing")) : c.constInts(1, "the target shape");
  return [reshapeTo(c, target, c.node.getInt("allowzero", 0) === 0)];
};

const squeezeLike =
  (type: "Squeeze" | "Unsqueeze"): LoweringRule =>
  (c) => {
    const axes = axesOf(c, 1, 13);
    if (!axes) {
      if (type === "Unsqueeze") c.fail("axes are missing");
      return [c.one("Squeeze", 1, [c.input(0)])];
    }
    return [c.one(type, 1, [c.input(0), c.i64("axes", axes)])];
  };

const slice: LoweringRule = (c) => {
  const shape = c.source[0]?.shape ?? c.fail("input 0 has an unknown rank");
  const rank = shape.length;
  const starts = c.opset < 10 ? c.node.getInts("starts")! : c.constInts(1, "starts");
  const ends = c.opset < 10 ? c.node.getInts("ends")! : c.constInts(2, "ends");
  const axes = (c.opset < 10 ? c.node.getInts("axes") : c.node.inputs[3] ? c.constInts(3, "axes") : undefined) ?? starts.map((_, i) => i);
  const steps = c.opset >= 10 && c.node.inputs[4] ? c.constInts(4, "steps") : starts.map(() => 1);
  const begin = new Array<number>(rank).fill(0);
  const end = new Array<number>(rank).fill(0);
  const stride = new Array<number>(rank).fill(1);
  const beginMask = new Array<number>(rank).fill(1);
  const endMask = new Array<number>(rank).fill(1);
  // ONNX's "to the end" sentinels (±INT64_MAX) are clamped to a known dimension, or become
  // an end mask when the dimension is only known at run time (I32 could not hold them).
  const HUGE = 2 ** 31 - 1;
  axes.forEach((a, i) => {
    const axis = normalizeAxis(a, rank);
    const size = shape[axis];
    const clamp = (v: number) => (typeof size === "number" ? Math.max(-size - 1, Math.min(size, v)) : Math.max(-HUGE, Math.min(HUGE, v)));
    begin[axis] = clamp(starts[i]!);
    end[axis] = clamp(ends[i]!);
    stride[axis] = steps[i]!;
    beginMask[axis] = 0;
    endMask[axis] = typeof size !== "number" && Math.abs(ends[i]!) >= HUGE ? 1 : 0;
  });
  return [
    c.one("StridedSlice", 1, [c.input(0), c.i64("begin", begin), c.i64("end", end), c.i64("stride", stride)], {
      begin_mask: beginMask,
      end_mask: endMask,
      new_axis_mask: [],
      shrink_axis_mask: [],
      ellipsis_mask: [],
    }),
  ];
};

const pad: LoweringRule = (c) => {
  const rank = c.shape(0).length;
  let pads = c.opset < 11 ? (c.node.getInts("pads") ?? c.fail("pads are missing")) : c.constInts(1, "pads");
  if (c.opset >= 18 && c.node.inputs[3]) {
    // Pad-18 axes: pads list begins then ends for the given axes only.
    const axes = c.constInts(3, "axes").map((a) => normalizeAxis(a, rank));
    const full = new Array<number>(2 * rank).fill(0);
    axes.forEach((a, i) => {
      full[a] = pads[i]!;
      full[rank + a] = pads[axes.length + i]!;
    });
    pads = full;
  }
  const mode = c.node.getString("mode", "constant");
  if (mode === "wrap") c.fail("wrap padding has no OpenVINO equivalent");
  const inputs = [c.input(0), c.i64("pads_begin", pads.slice(0, rank)), c.i64("pads_end", pads.slice(rank))];
  if (mode === "constant") {
    const computed = c.opset >= 11 && c.node.inputs[2] !== undefined && !c.constant(2);
    // A computed pad value is passed on as a scalar (ONNX allows shape [] or [1]).
    if (computed) inputs.push(c.one("Reshape", 1, [c.input(2), c.i64("scalar", [], [0])], { special_zero: false }));
    else {
      const value = c.opset < 11 ? c.node.getFloat("value", 0) : c.node.inputs[2] ? (c.constant(2)!.toFloat32()[0] ?? 0) : 0;
      inputs.push(c.floats("pad_value", [value], c.dtype(0), []));
    }
  }
  return [c.one("Pad", 1, inputs, { pad_mode: mode })];
};

const split: LoweringRule = (c) => {
  const s = c.shape(0);
  const axis = normalizeAxis(c.node.getInt("axis", 0), s.length);
  const n = c.node.outputs.length;
  const explicit = c.opset < 13 ? c.node.getInts("split") : c.node.inputs[1] ? c.constInts(1, "split") : undefined;
  const chunk = Math.ceil(s[axis]! / n);
  const lengths = explicit ?? Array.from({ length: n }, (_, k) => Math.max(0, Math.min(chunk, s[axis]! - k * chunk)));
  return c.op("VariadicSplit", 1, [c.input(0), c.i64("axis", [axis], []), c.i64("split_lengths", lengths)], {}, n);
};

const depthToSpace: LoweringRule = (c) => {
  const mode = c.node.getString("mode", "DCR") === "CRD" ? "depth_first" : "blocks_first";
  return [c.one("DepthToSpace", 1, [c.input(0)], { mode, block_size: c.node.getInt("blocksize") ?? c.fail("blocksize is missing") })];
};

export const SHAPE_LOWERING: Readonly<Record<string, LoweringRule>> = {
  Identity: (c) => [c.input(0)],
  Dropout: (c) => {
    // Inference Dropout passes its input through; training mode is random.
    const training = c.node.inputs[2] ? c.constant(2) : undefined;
    if (c.node.inputs[2] && (!training || training.bytes()[0] !== 0))
      c.fail("training-mode Dropout is random and has no inference equivalent");
    return [c.input(0)];
  },
  Flatten: flatten,
  Reshape: reshape,
  Squeeze: squeezeLike("Squeeze"),
  Unsqueeze: squeezeLike("Unsqueeze"),
  Transpose: (c) => [
    c.one("Transpose", 1, [c.input(0), c.i64("order", c.node.getInts("perm") ?? c.shape(0).map((_, i, a) => a.length - 1 - i))]),
  ],
  Concat: (c) => [
    c.one(
      "Concat",
      1,
      c.node.inputs.map((_, i) => c.input(i)),
      { axis: c.node.getInt("axis", 0) },
    ),
  ],
  Slice: slice,
  Pad: pad,
  // Constant nodes are usually folded into initializers by fix; a stray one becomes a Const.
  Constant: (c) => [c.constTensor("value", ndToTensor(constantNodeValue(c.node) ?? c.fail("the value is missing or sparse")))],
  Split: split,
  Shape: (c) => {
    const shape = c.one("ShapeOf", 3, [c.input(0)], { output_type: "i64" });
    const start = c.node.getInt("start");
    const end = c.node.getInt("end");
    if (start === undefined && end === undefined) return [shape];
    // Shape-15 start/end: a slice of the full shape.
    const rank = c.shape(0).length;
    const clamp = (v: number) => Math.max(0, Math.min(rank, v < 0 ? v + rank : v));
    const b = clamp(start ?? 0);
    const e = Math.max(b, clamp(end ?? rank));
    return [
      c.one("StridedSlice", 1, [shape, c.i64("begin", [b]), c.i64("end", [e]), c.i64("stride", [1])], {
        begin_mask: [0],
        end_mask: [0],
        new_axis_mask: [],
        shrink_axis_mask: [],
        ellipsis_mask: [],
      }),
    ];
  },
  DepthToSpace: depthToSpace,
  SpaceToDepth: (c) => [
    c.one("SpaceToDepth", 1, [c.input(0)], {
      mode: "blocks_first",
      block_size: c.node.getInt("blocksize") ?? c.fail("blocksize is missing"),
    }),
  ],
  Expand: (c) => [c.one("Broadcast", 3, [c.input(0), c.input(1)], { mode: "bidirectional" })],
  Tile: (c) => [c.one("Tile", 1, [c.input(0), c.input(1)])],
  Range: (c) => [
    c.one("Range", 4, [c.input(0), c.input(1), c.input(2)], {
      output_type: elementTypeOf(c.dtype(0)) ?? c.fail(`${c.dtype(0)} has no OpenVINO element type`),
    }),
  ],
  ConstantOfShape: (c) => {
    const value = c.node.attribute("value");
    const fill = value?.type === "tensor" ? value.value : Tensor.fromArray("float32", [], Float32Array.of(0));
    return [c.one("Broadcast", 3, [c.constTensor("value", Tensor.fromBytes(fill.dtype, [], fill.bytes())), c.input(0)], { mode: "numpy" })];
  },
  Size: (c) => {
    const shape = c.one("ShapeOf", 3, [c.input(0)], { output_type: "i64" });
    return [c.one("ReduceProd", 1, [shape, c.i64("axes", [0])], { keep_dims: false })];
  },
};
