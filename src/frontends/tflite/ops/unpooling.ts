/**
 * MediaPipe's MaxPoolingWithArgmax2D and MaxUnpooling2D (mediapipe/util/tflite/operations;
 * the segmentation nets' encoder/decoder pair). Their parameters are TfLitePoolParams in
 * custom_options (custom-options.ts).
 *
 * MaxPoolingWithArgmax2D gives the max of each window (TF padding: cells outside the input
 * are skipped) and, as a float, the max's position inside its window plus 0.1:
 * index = dy·filter_w + dx + 0.1, the first maximum in row-major order winning ties. Written
 * for MYRIAD (whose MaxPool has no indices output): MaxPool for the values; for the index,
 * each window tap is a strided slice of the input padded with the lowest float, and the index
 * is the smallest tap number whose value equals the max.
 *
 * MaxUnpooling2D writes each value at its window position in a zero output of size
 * input·filter (padding from TFLite's ComputePadding, 0 when stride = filter): with
 * non-overlapping windows (stride = filter) that is one masked copy of the values per tap,
 * interleaved like DepthToSpace. Overlapping windows are refused.
 */
import { attr } from "../../../ir/attribute.js";
import type { Value } from "../../../ir/value.js";
import type { OpContext, OpTranslator } from "../context.js";
import { CUSTOM_SAME, customPoolParams } from "./custom-options.js";
import { fusedActivation } from "./fused-activation.js";

const LOWEST_FLOAT = -3.4028234663852886e38;

/** Pairwise chain (MYRIAD's Maximum/Minimum take two inputs). */
const chain = (c: OpContext, op: "Max" | "Min", values: readonly Value[]) =>
  values.slice(1).reduce((acc, v) => c.one(op, [acc, v]), values[0]!);

const maxPoolWithArgmax: OpTranslator = (c) => {
  const p = customPoolParams(c);
  const [, h, w] = c.shape(0);
  if (!(h! > 0 && w! > 0)) c.fail("the input needs a static height and width");
  const inHW = [h!, w!];
  const out = inHW.map((size, a) =>
    p.padding === CUSTOM_SAME ? Math.ceil(size / p.stride[a]!) : Math.floor((size - p.filter[a]! + p.stride[a]!) / p.stride[a]!),
  );
  if (out.some((o) => o <= 0)) c.fail(`the ${p.filter.join("×")} window does not fit the ${inHW.join("×")} input`);
  // TFLite's ComputePadding: the padding before; the window is clamped to the input after.
  const before = inHW.map((size, a) => Math.max(0, Math.floor(((out[a]! - 1) * p.stride[a]! + p.filter[a]! - size) / 2)));
  const after = inHW.map((size, a) => Math.max(0, (out[a]! - 1) * p.stride[a]! + p.filter[a]! - size - before[a]!));
  const x = c.toChannelsFirst(c.input(0));
  const max = c.main("MaxPool", [x], {
    kernel_shape: attr.ints(p.filter),
    strides: attr.ints(p.stride),
    pads: attr.ints([...before, ...after]),
  })[0]!;
  const padded = before.some((v) => v > 0) || after.some((v) => v > 0);
  const xp = padded ? c.one("Pad", [x, c.ints([0, 0, before[0]!, before[1]!, 0, 0, after[0]!, after[1]!]), c.scalar(LOWEST_FLOAT)]) : x;
  const taps = p.filter[0]! * p.filter[1]!;
  const candidates: Value[] = [];
  for (let k = 0; k < taps; k++) {
    const [dy, dx] = [Math.floor(k / p.filter[1]!), k % p.filter[1]!];
    const tap = c.one("Slice", [
      xp,
      c.ints([dy, dx]),
      c.ints([dy + (out[0]! - 1) * p.stride[0]! + 1, dx + (out[1]! - 1) * p.stride[1]! + 1]),
      c.ints([2, 3]),
      c.ints(p.stride),
    ]);
    candidates.push(c.one("Where", [c.one("Equal", [tap, max]), c.scalar(k), c.scalar(taps)]));
  }
  const index = c.one("Add", [chain(c, "Min", candidates), c.scalar(0.1)]);
  return [c.toChannelsLast(fusedActivation(c, max, p.activation)), c.toChannelsLast(index)];
};

const maxUnpooling: OpTranslator = (c) => {
  const p = customPoolParams(c);
  if (p.stride[0] !== p.filter[0] || p.stride[1] !== p.filter[1])
    c.fail(`overlapping windows (stride ${p.stride.join("×")} ≠ filter ${p.filter.join("×")}) are not supported; stride = filter is`);
  const [n, h, w, ch] = c.shape(0);
  if (![n, h, w, ch].every((d) => d! > 0)) c.fail("the input needs a static shape");
  const values = c.toChannelsFirst(c.input(0));
  // The index is read as an int (truncated): the window position.
  const index = c.one("Floor", [c.toChannelsFirst(c.input(1))]);
  const [fh, fw] = p.filter;
  const parts = Array.from({ length: fh! * fw! }, (_, k) => c.one("Where", [c.one("Equal", [index, c.scalar(k)]), values, c.scalar(0)]));
  const stacked = c.one("Concat", parts, { axis: attr.int(1) });
  let y: Value;
  if (fh === fw) y = c.main("DepthToSpace", [stacked], { blocksize: attr.int(fh!), mode: attr.string("DCR") })[0]!;
  else {
    // DepthToSpace's rearrangement with a rectangular block: channels (dy, dx, c) → rows dy, columns dx.
    const split = c.one("Reshape", [stacked, c.ints([n!, fh!, fw!, ch!, h!, w!])]);
    const moved = c.one("Transpose", [split], { perm: attr.ints([0, 3, 4, 1, 5, 2]) });
    y = c.main("Reshape", [moved, c.ints([n!, ch!, h! * fh!, w! * fw!])])[0]!;
  }
  return [c.toChannelsLast(y)];
};

export const UNPOOLING_OPS: Readonly<Record<string, OpTranslator>> = {
  MaxPoolingWithArgmax2D: maxPoolWithArgmax,
  MaxUnpooling2D: maxUnpooling,
};
