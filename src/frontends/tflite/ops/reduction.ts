/**
 * Reductions over constant axes (MEAN, SUM, REDUCE_*), ARG_MAX/ARG_MIN (first index of the
 * extreme, int32 or int64), SOFTMAX with beta, LOG_SOFTMAX, TOPK_V2 and CUMSUM; all on the
 * last axis or the axes given, in TFLite's own layout.
 */
import { attr } from "../../../ir/attribute.js";
import type { OpContext, OpTranslator } from "../context.js";
import { dtypeOfTflite } from "../tensors.js";

function axes(c: OpContext): number[] {
  const rank = c.shape(0).length;
  return [...new Set(c.constInts(1, "the axes").map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
}

const reduce =
  (opType: string): OpTranslator =>
  (c) => {
    const keepdims = attr.int(c.opts.keep_dims ? 1 : 0);
    if (opType === "ReduceSum") return c.main(opType, [c.input(0), c.ints(axes(c))], { keepdims });
    return c.main(opType, [c.input(0)], { axes: attr.ints(axes(c)), keepdims });
  };

/** REDUCE_ANY / REDUCE_ALL: max / min of the booleans as integers. */
const reduceBool =
  (opType: "ReduceMax" | "ReduceMin"): OpTranslator =>
  (c) => {
    const y = c.main(opType, [c.cast(c.input(0), "int32")], { axes: attr.ints(axes(c)), keepdims: attr.int(c.opts.keep_dims ? 1 : 0) })[0]!;
    return [c.cast(y, "bool")];
  };

const argExtreme =
  (opType: "ArgMax" | "ArgMin"): OpTranslator =>
  (c) => {
    const [axis] = axes(c);
    const y = c.main(opType, [c.input(0)], { axis: attr.int(axis!), keepdims: attr.int(0) })[0]!;
    const to = dtypeOfTflite(c.outTensor(0).type);
    return [to === "int64" ? y : c.cast(y, to ?? "int32")];
  };

const softmax: OpTranslator = (c) => {
  const beta = Number(c.opts.beta);
  const x = beta === 1 ? c.input(0) : c.one("Mul", [c.input(0), c.scalar(beta)]);
  return c.main("Softmax", [x], { axis: attr.int(-1) });
};

/** TOPK_V2: the k largest along the last axis, sorted, indices int32. */
const topK: OpTranslator = (c) => {
  const k = c.constInts(1, "k");
  const [values, indices] = c.main(
    "TopK",
    [c.input(0), c.ints([k[0]!])],
    { axis: attr.int(-1), largest: attr.int(1), sorted: attr.int(1) },
    2,
  );
  return [values!, c.cast(indices!, dtypeOfTflite(c.outTensor(1).type) ?? "int32")];
};

const cumsum: OpTranslator = (c) =>
  c.main("CumSum", [c.input(0), c.cast(c.stored(1), "int64")], {
    exclusive: attr.int(c.opts.exclusive ? 1 : 0),
    reverse: attr.int(c.opts.reverse ? 1 : 0),
  });

export const REDUCTION_OPS: Readonly<Record<string, OpTranslator>> = {
  MEAN: reduce("ReduceMean"),
  SUM: reduce("ReduceSum"),
  REDUCE_MAX: reduce("ReduceMax"),
  REDUCE_MIN: reduce("ReduceMin"),
  REDUCE_PROD: reduce("ReduceProd"),
  REDUCE_ANY: reduceBool("ReduceMax"),
  REDUCE_ALL: reduceBool("ReduceMin"),
  ARG_MAX: argExtreme("ArgMax"),
  ARG_MIN: argExtreme("ArgMin"),
  SOFTMAX: softmax,
  LOG_SOFTMAX: (c) => c.main("LogSoftmax", [c.input(0)], { axis: attr.int(-1) }),
  TOPK_V2: topK,
  CUMSUM: cumsum,
};
