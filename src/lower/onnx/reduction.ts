/**
 * Lowering of ONNX reductions and what reduces along an axis: Reduce* (ReduceSumSquare,
 * ReduceLogSum and ReduceLogSumExp composed around ReduceSum), ArgMax/ArgMin and Hardmax as
 * TopK, TopK, Softmax/LogSoftmax (flattened to 2-D before op set 13), CumSum.
 */
import type { Value } from "../../ir/value.js";
import { normalizeAxis } from "../../ops/onnx/op-def.js";
import type { LowerContext } from "../context.js";
import { axesOf, combine, type LoweringRule } from "../rule-helpers.js";

/**
 * Reduce ops: `pre` transforms the input (x², exp x) and `post` the result (log) for the
 * ONNX reductions OpenVINO has no single op for.
 */
const reduce =
  (
    type: string,
    inputSince: number,
    version = 1,
    pre?: (c: LowerContext, x: Value) => Value,
    post?: (c: LowerContext, y: Value) => Value,
  ): LoweringRule =>
  (c) => {
    const rank = c.shape(0).length;
    const axes = axesOf(c, 1, inputSince) ?? Array.from({ length: rank }, (_, i) => i);
    if (axes.length === 0 && c.node.getInt("noop_with_empty_axes", 0) === 1) return [c.input(0)];
    const x = pre ? pre(c, c.input(0)) : c.input(0);
    const y = c.one(type, version, [x, c.i64("axes", axes.length ? axes : Array.from({ length: rank }, (_, i) => i))], {
      keep_dims: c.node.getInt("keepdims", 1) === 1,
    });
    return [post ? post(c, y) : y];
  };
const square = (c: LowerContext, x: Value) => combine(c, "Multiply", x, x);
const exp = (c: LowerContext, x: Value) => c.one("Exp", 1, [x]);
const log = (c: LowerContext, x: Value) => c.one("Log", 1, [x]);

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
    const axis = normalizeAxis(c.node.getInt("axis", 0), rank);
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

/** Hardmax: a one-hot of the (first) maximum along the axis. */
const hardmax: LoweringRule = (c) => {
  const dims = c.shape(0);
  const axis = normalizeAxis(c.node.getInt("axis", c.opset < 13 ? 1 : -1), dims.length);
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

/** An ONNX op set before 13 applies (Log)Softmax to the input flattened to 2-D at `axis`. */
const softmaxLike =
  (type: "SoftMax" | "LogSoftmax", version: number): LoweringRule =>
  (c) => {
    const dims = c.shape(0);
    const rank = dims.length;
    const axis = normalizeAxis(c.node.getInt("axis", c.opset < 13 ? 1 : -1), rank);
    if (c.opset >= 13 || axis === rank - 1) return [c.one(type, version, [c.input(0)], { axis })];
    const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
    const flat = c.one("Reshape", 1, [c.input(0), c.i64("shape", [outer, -1])], { special_zero: false });
    const y = c.one(type, version, [flat], { axis: 1 });
    return [c.one("Reshape", 1, [y, c.i64("shape", dims)], { special_zero: false })];
  };

export const REDUCTION_LOWERING: Readonly<Record<string, LoweringRule>> = {
  ReduceMean: reduce("ReduceMean", 18),
  ReduceMax: reduce("ReduceMax", 18),
  ReduceMin: reduce("ReduceMin", 18),
  ReduceProd: reduce("ReduceProd", 18),
  ReduceSum: reduce("ReduceSum", 13),
  ReduceL1: reduce("ReduceL1", 18, 4),
  ReduceL2: reduce("ReduceL2", 18, 4),
  ReduceSumSquare: reduce("ReduceSum", 18, 1, square),
  ReduceLogSum: reduce("ReduceSum", 18, 1, undefined, log),
  ReduceLogSumExp: reduce("ReduceSum", 18, 1, exp, log),
  TopK: (c) => {
    const rank = c.shape(0).length;
    const k = c.opset < 10 ? (c.node.getInt("k") ?? c.fail("k is missing")) : c.constInts(1, "k")[0]!;
    const axis = normalizeAxis(c.node.getInt("axis", -1), rank);
    return topK(c, c.input(0), k, axis, c.node.getInt("largest", 1) === 1, c.node.getInt("sorted", 1) === 1 ? "value" : "none");
  },
  ArgMax: argReduce(true),
  ArgMin: argReduce(false),
  CumSum: (c) => [
    c.one("CumSum", 3, [c.input(0), c.input(1)], {
      exclusive: c.node.getInt("exclusive", 0) === 1,
      reverse: c.node.getInt("reverse", 0) === 1,
    }),
  ],
  Hardmax: hardmax,
  Softmax: softmaxLike("SoftMax", 1),
  LogSoftmax: softmaxLike("LogSoftmax", 5),
};
