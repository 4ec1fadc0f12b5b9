/**
 * GATHER, GATHER_ND, SCATTER_ND (into zeros, duplicates added as TFLite does), ONE_HOT,
 * EMBEDDING_LOOKUP (rows of the table, input 1, picked by the ids, input 0; int8 tables are
 * dequantized, as TFLite's kernel does row by row), WHERE (one input: the coordinates of the
 * true elements) and DYNAMIC_UPDATE_SLICE (the start clamped so the update fits, as TFLite does).
 */
import { attr } from "../../../ir/attribute.js";
import type { OpContext, OpTranslator } from "../context.js";
import { dtypeOfTflite } from "../tensors.js";

const int64 = (c: OpContext, i: number) => {
  const t = c.constant(i);
  return t ? c.ints(t.toIntegers(), [...t.dims]) : c.cast(c.stored(i), "int64");
};

const gather: OpTranslator = (c) => {
  if (Number(c.opts.batch_dims) !== 0) c.fail(`batch_dims ${c.opts.batch_dims} is not supported`);
  const rank = c.shape(0).length;
  const axis = Number(c.opts.axis);
  return c.main("Gather", [c.input(0), int64(c, 1)], { axis: attr.int(axis < 0 ? axis + rank : axis) });
};

const scatterNd: OpTranslator = (c) => {
  const dtype = dtypeOfTflite(c.outTensor(0).type) ?? c.fail(`${c.outTensor(0).type} output`);
  const zeros = c.one("Expand", [c.scalar(0, dtype), int64(c, 2)]);
  return c.main("ScatterND", [zeros, int64(c, 0), c.input(1)], { reduction: attr.string("add") });
};

const oneHot: OpTranslator = (c) => {
  const values = c.one("Concat", [c.one("Reshape", [c.input(3), c.ints([1])]), c.one("Reshape", [c.input(2), c.ints([1])])], {
    axis: attr.int(0),
  });
  return c.main("OneHot", [c.input(0), c.input(1), values], { axis: attr.int(Number(c.opts.axis)) });
};

/** tf.where(condition): one row of coordinates per non-zero element, row-major (NonZero gives them one axis per row). */
const where: OpTranslator = (c) => {
  if (c.has(1) || c.has(2)) c.fail("WHERE with x and y inputs (the converter writes SELECT_V2 for those)");
  const rows = c.main("NonZero", [c.input(0)])[0]!;
  return [c.one("Transpose", [rows], { perm: attr.ints([1, 0]) })];
};

/**
 * operand with update written at start, each start clamped to [0, operand − update] as TFLite's
 * kernel does: a ScatterND whose indices are the update's own coordinates (a constant) plus the start.
 */
const dynamicUpdateSlice: OpTranslator = (c) => {
  const operand = c.shape(0);
  const update = c.shape(1);
  if ([...operand, ...update].some((d) => d < 0)) c.fail("the operand and update need static shapes");
  if (update.length !== operand.length || update.some((d, i) => d > operand[i]!))
    c.fail(`an update of shape [${update}] does not fit in an operand of shape [${operand}]`);
  const rank = operand.length;
  const start = c.one("Clip", [int64(c, 2), c.ints([0], []), undefined]);
  const clamped = c.one("Min", [start, c.ints(operand.map((d, i) => d - update[i]!))]);
  const coordinates: number[] = [];
  const count = update.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < count; flat++) {
    let rest = flat;
    const at = new Array<number>(rank);
    for (let axis = rank - 1; axis >= 0; axis--) {
      at[axis] = rest % update[axis]!;
      rest = Math.floor(rest / update[axis]!);
    }
    coordinates.push(...at);
  }
  const indices = c.one("Add", [c.ints(coordinates, [...update, rank]), clamped]);
  return c.main("ScatterND", [c.input(0), indices, c.input(1)]);
};

export const INDEXING_OPS: Readonly<Record<string, OpTranslator>> = {
  EMBEDDING_LOOKUP: (c) => c.main("Gather", [c.input(1), int64(c, 0)], { axis: attr.int(0) }),
  GATHER: gather,
  GATHER_ND: (c) => c.main("GatherND", [c.input(0), int64(c, 1)]),
  SCATTER_ND: scatterNd,
  ONE_HOT: oneHot,
  WHERE: where,
  DYNAMIC_UPDATE_SLICE: dynamicUpdateSlice,
};
