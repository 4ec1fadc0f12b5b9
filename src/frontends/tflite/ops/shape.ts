/**
 * Data movement in TFLite's own layout: reshapes, squeeze/expand, concat/split/pack/unpack,
 * transpose, slices (STRIDED_SLICE with all five masks), pads (constant, reflect, symmetric),
 * tile/broadcast, SHAPE, depth↔space and space↔batch.
 */
import { attr } from "../../../ir/attribute.js";
import type { Value } from "../../../ir/value.js";
import type { OpContext, OpTranslator } from "../context.js";
import { dtypeOfTflite } from "../tensors.js";

const INT64_MAX = Number.MAX_SAFE_INTEGER;
const INT64_MIN = Number.MIN_SAFE_INTEGER;

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** An int64 version of integer input i (a constant when it is one). */
function int64Input(c: OpContext, i: number): Value {
  const t = c.constant(i);
  if (t) return c.ints(t.toIntegers(), [...t.dims]);
  return c.cast(c.stored(i), "int64");
}

/** RESHAPE: the output's static shape when the file gives one, else the shape input (or new_shape). */
const reshape: OpTranslator = (c) => {
  const out = c.outShape(0);
  let shape: Value;
  if (out.every((d) => d >= 0)) shape = c.ints(out);
  else if (c.has(1)) shape = int64Input(c, 1);
  else shape = c.ints(c.opts.new_shape as number[]);
  return c.main("Reshape", [c.input(0), shape]);
};

const squeeze: OpTranslator = (c) => {
  const s = c.shape(0);
  const dims = c.opts.squeeze_dims as number[];
  const axes = dims.length ? dims.map((a) => norm(a, s.length)) : s.flatMap((d, i) => (d === 1 ? [i] : []));
  return c.main("Squeeze", [c.input(0), c.ints(axes)]);
};

const expandDims: OpTranslator = (c) => {
  const [axis] = c.constInts(1, "axis");
  return c.main("Unsqueeze", [c.input(0), c.ints([norm(axis!, c.shape(0).length + 1)])]);
};

/** CONCATENATION: TFLite's float kernel ignores the fused activation its options may name. */
const concat: OpTranslator = (c) => {
  const axis = norm(Number(c.opts.axis), c.shape(0).length);
  if (Number(c.opts.fused_activation_function) !== 0)
    c.scope.warn("CONCATENATION with a fused activation: TFLite's kernel does not apply it, so it is not applied here either");
  return c.main(
    "Concat",
    c.op.inputs.map((_, i) => c.input(i)),
    { axis: attr.int(axis) },
  );
};

function splitOutputs(c: OpContext, x: Value, axis: number, sizes: number[]): Value[] {
  return c.main("Split", [x, c.ints(sizes)], { axis: attr.int(axis) }, sizes.length);
}

/** SPLIT (axis, value): num_splits equal parts. */
const split: OpTranslator = (c) => {
  const rank = c.shape(1).length;
  const axis = norm(c.constInts(0, "axis")[0]!, rank);
  const n = Number(c.opts.num_splits);
  const size = c.shape(1)[axis]!;
  if (size < 0 || size % n !== 0) c.fail(`axis ${axis} of size ${size} does not split into ${n} equal parts`);
  return splitOutputs(c, c.input(1), axis, new Array<number>(n).fill(size / n));
};

/** SPLIT_V (value, size_splits, axis): one size may be −1 (the rest). */
const splitV: OpTranslator = (c) => {
  const rank = c.shape(0).length;
  const axis = norm(c.constInts(2, "axis")[0]!, rank);
  const sizes = c.constInts(1, "size_splits");
  const free = sizes.indexOf(-1);
  if (free >= 0) {
    const total = c.shape(0)[axis]!;
    if (total < 0) c.fail("a −1 split size needs a static axis");
    sizes[free] = total - sizes.reduce((a, b) => (b < 0 ? a : a + b), 0);
  }
  return splitOutputs(c, c.input(0), axis, sizes);
};

const pack: OpTranslator = (c) => {
  const axis = norm(Number(c.opts.axis), c.shape(0).length + 1);
  const parts = c.op.inputs.map((_, i) => c.one("Unsqueeze", [c.input(i), c.ints([axis])]));
  return c.main("Concat", parts, { axis: attr.int(axis) });
};

const unpack: OpTranslator = (c) => {
  const rank = c.shape(0).length;
  const axis = norm(Number(c.opts.axis), rank);
  const n = c.op.outputs.length;
  const parts = splitOutputs(c, c.input(0), axis, new Array<number>(n).fill(1));
  return parts.map((p) => c.one("Squeeze", [p, c.ints([axis])]));
};

const transpose: OpTranslator = (c) => {
  const rank = c.shape(0).length;
  return c.main("Transpose", [c.input(0)], { perm: attr.ints(c.constInts(1, "perm").map((p) => norm(p, rank))) });
};

/** SLICE (begin, size): size −1 runs to the end. */
const slice: OpTranslator = (c) => {
  const begin = c.constInts(1, "begin");
  const size = c.constInts(2, "size");
  const ends = begin.map((b, i) => (size[i]! < 0 ? INT64_MAX : b + size[i]!));
  return c.main("Slice", [c.input(0), c.ints(begin), c.ints(ends), c.ints(begin.map((_, i) => i))]);
};

/**
 * STRIDED_SLICE: the sparse spec (ellipsis, new axes) is made dense over the input's axes
 * as TF does; then one Slice, a Squeeze of the shrunk axes and an Unsqueeze of the new ones.
 */
const stridedSlice: OpTranslator = (c) => {
  if (c.opts.offset) c.fail("the offset form of STRIDED_SLICE is not supported");
  const rank = c.shape(0).length;
  const begin = c.constInts(1, "begin");
  const end = c.constInts(2, "end");
  const steps = c.has(3) ? c.constInts(3, "strides") : begin.map(() => 1);
  const bit = (mask: string, i: number) => ((Number(c.opts[mask]) >> i) & 1) === 1;
  const n = begin.length;
  const starts: number[] = [];
  const ends: number[] = [];
  const axes: number[] = [];
  const strides: number[] = [];
  const shrink: number[] = [];
  const newAxes: number[] = [];
  let axis = 0;
  let outPos = 0;
  for (let i = 0; i < n; i++) {
    if (bit("ellipsis_mask", i)) {
      let realAfter = 0;
      for (let j = i + 1; j < n; j++) if (!bit("new_axis_mask", j)) realAfter++;
      const covered = rank - axis - realAfter;
      axis += covered;
      outPos += covered;
      continue;
    }
    if (bit("new_axis_mask", i)) {
      newAxes.push(outPos++);
      continue;
    }
    const s = steps[i]!;
    if (s === 0) c.fail("a stride of 0");
    if (bit("shrink_axis_mask", i)) {
      const b = begin[i]!;
      starts.push(b);
      ends.push(b === -1 ? INT64_MAX : b + 1);
      strides.push(1);
      shrink.push(axis);
    } else {
      starts.push(bit("begin_mask", i) ? (s > 0 ? 0 : INT64_MAX) : begin[i]!);
      ends.push(bit("end_mask", i) ? (s > 0 ? INT64_MAX : INT64_MIN) : end[i]!);
      strides.push(s);
      outPos++;
    }
    axes.push(axis++);
  }
  let y = c.main("Slice", [c.input(0), c.ints(starts), c.ints(ends), c.ints(axes), c.ints(strides)])[0]!;
  if (shrink.length) y = c.one("Squeeze", [y, c.ints(shrink)]);
  if (newAxes.length) y = c.one("Unsqueeze", [y, c.ints(newAxes)]);
  return [y];
};

/** [[before, after] per axis] → ONNX pads [befores…, afters…]. */
function onnxPads(c: OpContext, i: number): number[] {
  const p = c.constInts(i, "paddings");
  const rank = p.length / 2;
  return [...Array.from({ length: rank }, (_, a) => p[2 * a]!), ...Array.from({ length: rank }, (_, a) => p[2 * a + 1]!)];
}

const pad: OpTranslator = (c) => {
  const inputs = [c.input(0), c.ints(onnxPads(c, 1))];
  if (c.has(2)) inputs.push(c.input(2));
  return c.main("Pad", inputs, { mode: attr.string("constant") });
};

/**
 * MIRROR_PAD: REFLECT leaves the border out (ONNX reflect); SYMMETRIC repeats it, which ONNX
 * Pad lacks, so each padded axis is a Gather of mirrored indices.
 */
const mirrorPad: OpTranslator = (c) => {
  const pads = onnxPads(c, 1);
  if (Number(c.opts.mode) === 0) return c.main("Pad", [c.input(0), c.ints(pads)], { mode: attr.string("reflect") });
  const shape = c.shape(0);
  const rank = shape.length;
  let y = c.input(0);
  for (let a = 0; a < rank; a++) {
    const [before, after] = [pads[a]!, pads[a + rank]!];
    if (before === 0 && after === 0) continue;
    const size = shape[a]!;
    if (size < 0) c.fail(`axis ${a} needs a static size`);
    const index = [
      ...Array.from({ length: before }, (_, k) => before - 1 - k),
      ...Array.from({ length: size }, (_, k) => k),
      ...Array.from({ length: after }, (_, k) => size - 1 - k),
    ];
    y = c.one("Gather", [y, c.ints(index)], { axis: attr.int(a) });
  }
  return [y];
};

const depthToSpace: OpTranslator = (c) => {
  const y = c.main("DepthToSpace", [c.toChannelsFirst(c.input(0))], {
    blocksize: attr.int(Number(c.opts.block_size)),
    mode: attr.string("DCR"),
  })[0]!;
  return [c.toChannelsLast(y)];
};

const spaceToDepth: OpTranslator = (c) => {
  const y = c.main("SpaceToDepth", [c.toChannelsFirst(c.input(0))], { blocksize: attr.int(Number(c.opts.block_size)) })[0]!;
  return [c.toChannelsLast(y)];
};

/** SPACE_TO_BATCH_ND: pad, split each spatial axis into (size/b, b), move the block axes to the front. */
const spaceToBatch: OpTranslator = (c) => {
  const block = c.constInts(1, "block_shape");
  const p = c.constInts(2, "paddings");
  const s = c.shape(0);
  const m = block.length;
  if (s.slice(1).some((d) => d < 0)) c.fail("the input needs static spatial sizes");
  const pads = new Array<number>(2 * s.length).fill(0);
  block.forEach((_, a) => {
    pads[1 + a] = p[2 * a]!;
    pads[1 + a + s.length] = p[2 * a + 1]!;
  });
  const padded = p.some((v) => v !== 0) ? c.one("Pad", [c.input(0), c.ints(pads)]) : c.input(0);
  const spatial = block.map((b, a) => (s[1 + a]! + p[2 * a]! + p[2 * a + 1]!) / b);
  const rest = s.slice(1 + m);
  const split = [-1, ...spatial.flatMap((d, a) => [d, block[a]!]), ...rest];
  const x = c.one("Reshape", [padded, c.ints(split)]);
  const perm = [...block.map((_, a) => 2 + 2 * a), 0, ...block.map((_, a) => 1 + 2 * a), ...rest.map((_, k) => 1 + 2 * m + k)];
  const t = c.one("Transpose", [x], { perm: attr.ints(perm) });
  return c.main("Reshape", [t, c.ints([-1, ...spatial, ...rest])]);
};

/** BATCH_TO_SPACE_ND: the inverse moves, then the crops. */
const batchToSpace: OpTranslator = (c) => {
  const block = c.constInts(1, "block_shape");
  const crops = c.constInts(2, "crops");
  const s = c.shape(0);
  const m = block.length;
  if (s.some((d) => d < 0)) c.fail("the input needs a static shape");
  const bs = block.reduce((a, b) => a * b, 1);
  const spatial = s.slice(1, 1 + m);
  const rest = s.slice(1 + m);
  const x = c.one("Reshape", [c.input(0), c.ints([...block, s[0]! / bs, ...spatial, ...rest])]);
  const perm = [m, ...block.flatMap((_, a) => [m + 1 + a, a]), ...rest.map((_, k) => 2 * m + 1 + k)];
  const t = c.one("Transpose", [x], { perm: attr.ints(perm) });
  const full = spatial.map((d, a) => d * block[a]!);
  let y = c.one("Reshape", [t, c.ints([s[0]! / bs, ...full, ...rest])]);
  if (crops.some((v) => v !== 0)) {
    const starts = block.map((_, a) => crops[2 * a]!);
    const ends = block.map((_, a) => full[a]! - crops[2 * a + 1]!);
    y = c.one("Slice", [y, c.ints(starts), c.ints(ends), c.ints(block.map((_, a) => 1 + a))]);
  }
  return [y];
};

const reverse: OpTranslator = (c) => {
  const rank = c.shape(0).length;
  const axes = c.constInts(1, "axes").map((a) => norm(a, rank));
  return c.main("Slice", [
    c.input(0),
    c.ints(axes.map(() => -1)),
    c.ints(axes.map(() => INT64_MIN)),
    c.ints(axes),
    c.ints(axes.map(() => -1)),
  ]);
};

/** REVERSE_SEQUENCE: the first seq_lengths[b] steps of each batch entry reversed. */
const reverseSequence: OpTranslator = (c) => {
  const rank = c.shape(0).length;
  return c.main("ReverseSequence", [c.input(0), int64Input(c, 1)], {
    time_axis: attr.int(norm(Number(c.opts.seq_dim), rank)),
    batch_axis: attr.int(norm(Number(c.opts.batch_dim), rank)),
  });
};

/** BROADCAST_ARGS: the broadcast shape of two constant shapes, computed at conversion time. */
const broadcastArgs: OpTranslator = (c) => {
  const [a, b] = [c.constInts(0, "shape s0"), c.constInts(1, "shape s1")];
  const n = Math.max(a.length, b.length);
  const pad = (s: number[]) => [...new Array<number>(n - s.length).fill(1), ...s];
  const [pa, pb] = [pad(a), pad(b)];
  const out = pa.map((d, i) => {
    const e = pb[i]!;
    if (d !== e && d !== 1 && e !== 1) c.fail(`shapes [${a}] and [${b}] do not broadcast`);
    return d === 1 ? e : d;
  });
  const dtype = dtypeOfTflite(c.outTensor(0).type) ?? "int32";
  return [c.cast(c.ints(out), dtype)];
};

const shapeOp: OpTranslator = (c) => [c.cast(c.main("Shape", [c.input(0)])[0]!, dtypeOfTflite(c.outTensor(0).type) ?? "int32")];

export const SHAPE_OPS: Readonly<Record<string, OpTranslator>> = {
  RESHAPE: reshape,
  SQUEEZE: squeeze,
  EXPAND_DIMS: expandDims,
  CONCATENATION: concat,
  SPLIT: split,
  SPLIT_V: splitV,
  PACK: pack,
  UNPACK: unpack,
  TRANSPOSE: transpose,
  SLICE: slice,
  STRIDED_SLICE: stridedSlice,
  PAD: pad,
  PADV2: pad,
  MIRROR_PAD: mirrorPad,
  TILE: (c) => c.main("Tile", [c.input(0), int64Input(c, 1)]),
  BROADCAST_TO: (c) => c.main("Expand", [c.input(0), int64Input(c, 1)]),
  SHAPE: shapeOp,
  RANK: (c) => [c.scalar(c.shape(0).length, "int32")],
  FILL: (c) => c.main("Expand", [c.input(1), int64Input(c, 0)]),
  RANGE: (c) => c.main("Range", [c.input(0), c.input(1), c.input(2)]),
  DEPTH_TO_SPACE: depthToSpace,
  SPACE_TO_DEPTH: spaceToDepth,
  SPACE_TO_BATCH_ND: spaceToBatch,
  BATCH_TO_SPACE_ND: batchToSpace,
  REVERSE_V2: reverse,
  REVERSE_SEQUENCE: reverseSequence,
  BROADCAST_ARGS: broadcastArgs,
};
