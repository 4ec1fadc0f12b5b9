/**
 * GATHER, GATHER_ND, SCATTER_ND (into zeros, duplicates added as TFLite does), ONE_HOT, and
 * EMBEDDING_LOOKUP (rows of the table, input 1, picked by the ids, input 0; int8 tables are
 * dequantized, as TFLite's kernel does row by row).
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

export const INDEXING_OPS: Readonly<Record<string, OpTranslator>> = {
  EMBEDDING_LOOKUP: (c) => c.main("Gather", [c.input(1), int64(c, 0)], { axis: attr.int(0) }),
  GATHER: gather,
  GATHER_ND: (c) => c.main("GatherND", [c.input(0), int64(c, 1)]),
  SCATTER_ND: scatterNd,
  ONE_HOT: oneHot,
};
