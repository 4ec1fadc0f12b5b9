/**
 * L2_NORMALIZATION (over the last axis, x / max(‖x‖, 1e-6) as TFLite's kernel does) and
 * LOCAL_RESPONSE_NORMALIZATION (over channels: x / (bias + alpha·Σx²)^beta with a window of
 * 2·radius + 1; ONNX LRN divides alpha by the window size, so it is scaled back here).
 */
import { attr } from "../../../ir/attribute.js";
import type { OpTranslator } from "../context.js";

const l2Normalization: OpTranslator = (c) => {
  const x = c.input(0);
  const rank = c.shape(0).length;
  const sumSquares = c.one("ReduceSumSquare", [x], { axes: attr.ints([rank - 1]), keepdims: attr.int(1) });
  const norm = c.one("Max", [c.one("Sqrt", [sumSquares]), c.scalar(1e-6)]);
  return c.main("Div", [x, norm]);
};

const lrn: OpTranslator = (c) => {
  const size = 2 * Number(c.opts.radius) + 1;
  const y = c.main("LRN", [c.toChannelsFirst(c.input(0))], {
    size: attr.int(size),
    alpha: attr.float(Number(c.opts.alpha) * size),
    beta: attr.float(Number(c.opts.beta)),
    bias: attr.float(Number(c.opts.bias)),
  })[0]!;
  return [c.toChannelsLast(y)];
};

export const NORMALIZATION_OPS: Readonly<Record<string, OpTranslator>> = {
  L2_NORMALIZATION: l2Normalization,
  LOCAL_RESPONSE_NORMALIZATION: lrn,
};
