/**
 * Lowering of ONNX ops that select, scatter or generate by index: TopK, ArgMax/ArgMin,
 * GatherElements, GatherND, ScatterElements, ScatterND, OneHot, CumSum, DepthToSpace,
 * SpaceToDepth, Expand, Tile, Range, ConstantOfShape, Size and NonMaxSuppression.
 */
import { dtypeFromOnnx } from "../ir/dtype.js";
import { Tensor } from "../ir/tensor.js";
import type { Value } from "../ir/value.js";
import { ndCast, ndToTensor } from "../ops/ndarray.js";
import { elementTypeOf } from "../ops/openvino/element-types.js";
import type { LowerContext } from "./context.js";
import { combine, type LoweringRule, positiveAxis } from "./rule-helpers.js";

function topK(c: LowerContext, x: Value, k: number, axis: number, largest: boolean, sort: "value" | "none") {
  return c.op("TopK", 3, [x, c.i64("k", [k], [])], { axis, mode: largest ? "max" : "min", sort, index_element_type: "i64" }, 2);
}

/**
 * ArgMax/ArgMin as TopK with k = 1 (which keeps the first of equal extremes). For
 * select_last_index the input is reversed along the axis and the index mirrored back.
 */
const argReduce =
  (largest: boolean): LoweringRule =>
  (c) => {
    const dims = c.shape(0);
    const rank = dims.length;
    const axis = positiveAxis(c.node.getInt("axis", 0), rank);
    const last = c.node.getInt("select_last_index", 0) === 1;
    let x = c.input(0);
    if (last) {
      const zeros = dims.map(() => 0);
      const stride = dims.map((_, i) => (i === axis ? -1 : 1));
      x = c.one("StridedSlice", 1, [x, c.i64("begin", zeros), c.i64("end", zeros), c.i64("stride", stride)], {
        begin_mask: dims.map(() => 1),
        end_mask: dims.map(() => 1),
        new_axis_mask: [],
        shrink_axis_mask: [],
        ellipsis_mask: [],
      });
    }
    let [, indices] = topK(c, x, 1, axis, largest, "none");
    if (last) indices = combine(c, "Subtract", c.i64("last", [dims[axis]! - 1], []), indices!);
    if (c.node.getInt("keepdims", 1) === 1) return [indices];
    return [c.one("Squeeze", 1, [indices, c.i64("axis", [axis])])];
  };

/** The reduction attribute of the Scatter ops: only plain replacement exists in opset1–10. */
function requireNoReduction(c: LowerContext): void {
  const r = c.node.getString("reduction", "none");
  if (r !== "none") c.fail(`reduction="${r}" has no OpenVINO op before opset12`);
}

const scatterElements: LoweringRule = (c) => {
  requireNoReduction(c);
  return [c.one("ScatterElementsUpdate", 3, [c.input(0), c.input(1), c.input(2), c.i64("axis", [c.node.getInt("axis", 0)], [])])];
};

/** A scalar taken from a 1-D constant or computed input. */
function element(c: LowerContext, i: number, k: number): ReturnType<LowerContext["input"]> {
  const t = c.constant(i);
  if (t)
    return c.constTensor(
      "value",
      Tensor.fromBytes(t.dtype, [], t.bytes().slice(k * (t.bytes().length / t.size), (k + 1) * (t.bytes().length / t.size))),
    );
  return c.one("Gather", 8, [c.input(i), c.i64("index", [k], []), c.i64("axis", [0], [])], { batch_dims: 0 });
}

const oneHot: LoweringRule = (c) => {
  const depth = c.constInts(1, "depth")[0]!;
  // OneHot-1 wants integer indices; ONNX allows any numeric type (truncated to integers).
  let indices = c.dtype(0) === "int64" ? c.input(0) : c.one("Convert", 1, [c.input(0)], { destination_type: "i64" });
  const known = c.constant(0);
  if (!known || known.toBigInts().some((v) => v < 0n)) {
    // ONNX counts negative indices from the end; OneHot-1 would select nothing for them.
    const zero = c.i64("zero", [0], []);
    const wrapped = combine(c, "Add", indices, c.i64("depth", [depth], []));
    indices = c.one("Select", 1, [combine(c, "Less", indices, zero), wrapped, indices], { auto_broadcast: "numpy" });
  }
  return [
    c.one("OneHot", 1, [indices, c.i64("depth", [depth], []), element(c, 2, 1), element(c, 2, 0)], { axis: c.node.getInt("axis", -1) }),
  ];
};

const depthToSpace: LoweringRule = (c) => {
  const mode = c.node.getString("mode", "DCR") === "CRD" ? "depth_first" : "blocks_first";
  return [c.one("DepthToSpace", 1, [c.input(0)], { mode, block_size: c.node.getInt("blocksize") ?? c.fail("blocksize is missing") })];
};

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

/** Hardmax: a one-hot of the (first) maximum along the axis. */
const hardmax: LoweringRule = (c) => {
  const dims = c.shape(0);
  const axis = positiveAxis(c.node.getInt("axis", c.opset < 13 ? 1 : -1), dims.length);
  if (c.opset < 13 && axis !== dims.length - 1)
    c.fail("Hardmax before op set 13 over more than the last axis (convert with fix --opset 13)");
  const [, indices] = topK(c, c.input(0), 1, axis, true, "none");
  const flat = c.one("Squeeze", 1, [indices!, c.i64("axis", [axis])]);
  const dtype = c.dtype(0);
  return [
    c.one("OneHot", 1, [flat, c.i64("depth", [dims[axis]!], []), c.floats("on", [1], dtype, []), c.floats("off", [0], dtype, [])], {
      axis,
    }),
  ];
};

/** Trilu: the kept triangle of the last two axes as a constant mask for Select. */
const trilu: LoweringRule = (c) => {
  const dims = c.shape(0);
  const [m, n] = dims.slice(-2) as [number, number];
  const k = c.node.inputs[1] ? c.constInts(1, "k")[0]! : 0;
  const upper = c.node.getInt("upper", 1) === 1;
  const mask = new Uint8Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) mask[i * n + j] = (upper ? j - i >= k : j - i <= k) ? 1 : 0;
  const keep = c.constTensor("mask", Tensor.fromArray("bool", [m, n], mask));
  const zero = c.dtype(0) === "int64" ? c.i64("zero", [0], []) : c.floats("zero", [0], c.dtype(0), []);
  return [c.one("Select", 1, [keep, c.input(0), zero], { auto_broadcast: "numpy" })];
};

export const INDEXING_LOWERING: Readonly<Record<string, LoweringRule>> = {
  TopK: (c) => {
    const rank = c.shape(0).length;
    const k = c.opset < 10 ? (c.node.getInt("k") ?? c.fail("k is missing")) : c.constInts(1, "k")[0]!;
    const axis = positiveAxis(c.node.getInt("axis", -1), rank);
    return topK(c, c.input(0), k, axis, c.node.getInt("largest", 1) === 1, c.node.getInt("sorted", 1) === 1 ? "value" : "none");
  },
  ArgMax: argReduce(true),
  ArgMin: argReduce(false),
  GatherElements: (c) => [
    c.one("GatherElements", 6, [c.input(0), c.input(1)], { axis: positiveAxis(c.node.getInt("axis", 0), c.shape(0).length) }),
  ],
  GatherND: (c) => [c.one("GatherND", 8, [c.input(0), c.input(1)], { batch_dims: c.node.getInt("batch_dims", 0) })],
  ScatterElements: scatterElements,
  Scatter: scatterElements,
  ScatterND: (c) => {
    requireNoReduction(c);
    // ScatterNDUpdate-3 first appears in opset4.
    return [c.one("ScatterNDUpdate", 4, [c.input(0), c.input(1), c.input(2)])];
  },
  OneHot: oneHot,
  CumSum: (c) => [
    c.one("CumSum", 3, [c.input(0), c.input(1)], {
      exclusive: c.node.getInt("exclusive", 0) === 1,
      reverse: c.node.getInt("reverse", 0) === 1,
    }),
  ],
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
  NonMaxSuppression: nms,
  Hardmax: hardmax,
  ReverseSequence: (c) => [
    c.one("ReverseSequence", 1, [c.input(0), c.input(1)], {
      batch_axis: c.node.getInt("batch_axis", 1),
      seq_axis: c.node.getInt("time_axis", 0),
    }),
  ],
  NonZero: (c) => [c.one("NonZero", 3, [c.input(0)], { output_type: "i64" })],
  // EyeLike of a static shape is a constant.
  EyeLike: (c) => {
    const [rows, cols] = c.shape(0) as [number, number];
    const k = c.node.getInt("k", 0);
    const to = c.node.getInt("dtype") !== undefined ? (dtypeFromOnnx(c.node.getInt("dtype")!) ?? c.fail("unknown dtype")) : c.dtype(0);
    const values = Array.from({ length: rows * cols }, (_, i) => ((i % cols) - Math.floor(i / cols) === k ? 1 : 0));
    return [c.constTensor("eye", ndToTensor(ndCast({ dtype: "float64", dims: [rows, cols], data: Float64Array.from(values) }, to)))];
  },
  Trilu: trilu,
};
