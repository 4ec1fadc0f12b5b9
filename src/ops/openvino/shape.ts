/**
 * OpenVINO shape and data-movement ops, written from the OpenVINO op specification: Reshape,
 * Squeeze, Unsqueeze, Transpose, Concat, Split, VariadicSplit, StridedSlice, Pad, Broadcast,
 * Tile, DepthToSpace, SpaceToDepth, ShuffleChannels, ShapeOf and Range. Output shapes follow
 * from the input dims and the values of the shape-giving inputs (target shapes, axes, begin/
 * end …); those are also what the kernels use, through the same functions.
 */
import type { DTypeName } from "../../ir/dtype.js";
import type { Node } from "../../ir/node.js";
import { shapeSize } from "../../ir/shape.js";
import { broadcastTo, concat, type PadMode, pad, stridedSlice, tile, transpose } from "../kernels/shape.js";
import { type NdArray, ndCast } from "../ndarray.js";
import { axisIn, broadcastShapes, DYNAMIC, dimOp, dimProduct, formatDims, known } from "./dims.js";
import { dtypeFromElementType } from "./element-types.js";
import {
  boolAttr,
  intAttr,
  ints,
  knownInts,
  type OvOpDef,
  type OvPortInfo,
  type OvPortType,
  required,
  ShapeError,
  strAttr,
  UnknownRankError,
} from "./op-def.js";

type Inputs = readonly (OvPortInfo | undefined)[];

const int64 = (values: readonly number[]): NdArray => ({
  dtype: "int64",
  dims: [values.length],
  data: BigInt64Array.from(values, (v) => BigInt(v)),
});

/** Length of a 1-D shape-giving input (how many values it holds), or -1. */
const lengthOf = (p: OvPortInfo | undefined) => p?.dims[0] ?? DYNAMIC;

/** `count` unknown dims (an output whose rank is known but not its sizes). */
function unknownDims(count: number, input: number): number[] {
  if (!known(count)) throw new UnknownRankError(input);
  return new Array<number>(count).fill(DYNAMIC);
}

// --- Reshape, Squeeze, Unsqueeze --------------------------------------------------------------

/** Reshape-1's target with 0 (copy the input's size, with special_zero) and -1 (the rest) resolved; checks the element count. */
function reshapeDims(input: readonly number[], target: readonly number[], specialZero: boolean): number[] {
  const out = target.map((t, i) => {
    if (t === 0 && specialZero) {
      if (i >= input.length) throw new ShapeError(`target [${target}] copies axis ${i}, which input ${formatDims(input)} lacks`);
      return input[i]!;
    }
    if (t < -1) throw new ShapeError(`target [${target}] has the size ${t}`);
    return t;
  });
  const minus = out.indexOf(-1);
  if (minus >= 0 && out.indexOf(-1, minus + 1) >= 0) throw new ShapeError(`target [${target}] has more than one -1`);
  const total = dimProduct(input);
  if (minus >= 0) {
    const rest = dimProduct(out.filter((_, i) => i !== minus).map((d) => (known(d) ? d : DYNAMIC)));
    out[minus] = known(total) && known(rest) ? (rest === 0 ? 0 : total / rest) : DYNAMIC;
    if (known(total) && known(rest) && rest !== 0 && total % rest !== 0)
      throw new ShapeError(`cannot reshape ${formatDims(input)} (${total} elements) to [${target}]: ${total} is not a multiple of ${rest}`);
  } else if (known(total) && out.every(known) && shapeSize(out) !== total)
    throw new ShapeError(`cannot reshape ${formatDims(input)} (${total} elements) to [${out}] (${shapeSize(out)} elements)`);
  return out;
}

/** Squeeze's output dims: the listed axes (which must be 1 where known) or every axis of size 1. */
function squeezeDims(dims: readonly number[], axes: readonly number[] | undefined): number[] {
  if (!axes) {
    if (!dims.every(known)) throw new UnknownRankError(0);
    return dims.filter((d) => d !== 1);
  }
  const drop = new Set(axes.map((a) => axisIn(a, dims.length, "squeeze axis")));
  for (const a of drop)
    if (known(dims[a]!) && dims[a] !== 1)
      throw new ShapeError(`axis ${a} of ${formatDims(dims)} has size ${dims[a]}, not 1, and cannot be squeezed`);
  return dims.filter((_, i) => !drop.has(i));
}

function unsqueezeDims(dims: readonly number[], axes: readonly number[]): number[] {
  const rank = dims.length + axes.length;
  const ins = new Set(axes.map((a) => axisIn(a, rank, "unsqueeze axis")));
  if (ins.size !== axes.length) throw new ShapeError(`unsqueeze axes [${axes}] repeat an axis`);
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(ins.has(i) ? 1 : dims[j++]!);
  return out;
}

// --- Transpose, Concat -------------------------------------------------------------------------

/** The permutation: input 1's values, or the reversed axes when it is empty. */
function permutation(order: readonly number[], rank: number): number[] {
  if (order.length === 0) return Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const perm = order.map((p) => (p < 0 ? p + rank : p));
  const seen = new Set(perm);
  if (perm.length !== rank || seen.size !== rank || perm.some((p) => !(p >= 0 && p < rank)))
    throw new ShapeError(`order [${order}] is not a permutation of the ${rank} axes`);
  return perm;
}

function concatType(inputs: Inputs, node: Node): OvPortType {
  const parts = inputs.filter((p): p is OvPortInfo => p !== undefined);
  if (parts.length === 0) throw new ShapeError("Concat has no inputs");
  const rank = parts[0]!.dims.length;
  const axis = axisIn(intAttr(node, "axis", 0), rank);
  const dims = [...parts[0]!.dims];
  for (const [k, p] of parts.entries()) {
    if (p.dims.length !== rank)
      throw new ShapeError(`input ${k} ${formatDims(p.dims)} has another rank than input 0 ${formatDims(parts[0]!.dims)}`);
    if (k === 0) continue;
    for (let i = 0; i < rank; i++) {
      if (i === axis) dims[i] = dimOp(dims[i]!, p.dims[i]!, (a, b) => a + b);
      else if (known(dims[i]!) && known(p.dims[i]!) && dims[i] !== p.dims[i])
        throw new ShapeError(
          `input ${k} ${formatDims(p.dims)} differs from input 0 ${formatDims(parts[0]!.dims)} on axis ${i}, not the concat axis ${axis}`,
        );
      else if (!known(dims[i]!)) dims[i] = p.dims[i]!;
    }
  }
  return { dtype: parts[0]!.dtype, dims };
}

// --- Split, VariadicSplit, StridedSlice --------------------------------------------------------

/** The parts of x along `axis` with the given lengths, in order. */
function splitAlong(x: NdArray, axis: number, lengths: readonly number[]): NdArray[] {
  let start = 0;
  return lengths.map((len) => {
    const starts = x.dims.map((_, i) => (i === axis ? start : 0));
    const counts = x.dims.map((d, i) => (i === axis ? len : d));
    start += len;
    return stridedSlice(
      x,
      starts,
      counts,
      x.dims.map(() => 1),
    );
  });
}

/** VariadicSplit's lengths with the one -1 resolved; checked against the axis size when known. */
function splitLengths(lengths: readonly number[], size: number): number[] {
  const known_ = lengths.reduce((a, b) => (b === -1 ? a : a + b), 0);
  if (lengths.filter((l) => l === -1).length > 1) throw new ShapeError(`split lengths [${lengths}] have more than one -1`);
  if (known(size) && (lengths.includes(-1) ? known_ > size : known_ !== size))
    throw new ShapeError(`split lengths [${lengths}] do not add up to the axis size ${size}`);
  return lengths.map((l) => (l === -1 ? (known(size) ? size - known_ : DYNAMIC) : l));
}

const maskOf = (node: Node, name: string) =>
  strAttr(node, name, "")
    .split(",")
    .filter((s) => s.trim() !== "")
    .map((s) => Number(s.trim()));

interface SlicePlan {
  starts: number[];
  counts: number[];
  steps: number[];
  outDims: number[];
}

/** StridedSlice-1 with begin/end/new_axis/shrink_axis masks (ellipsis_mask unsupported); unknown sizes give unknown counts. */
function stridedSlicePlan(
  dims: readonly number[],
  beginIn: readonly number[],
  endIn: readonly number[],
  stridesIn: readonly number[],
  node: Node,
): SlicePlan {
  const beginMask = maskOf(node, "begin_mask");
  const endMask = maskOf(node, "end_mask");
  const newAxis = maskOf(node, "new_axis_mask");
  const shrink = maskOf(node, "shrink_axis_mask");
  if (maskOf(node, "ellipsis_mask").some((m) => m === 1)) throw new Error("StridedSlice ellipsis_mask is not supported by the interpreter");
  const plan: SlicePlan = { starts: [], counts: [], steps: [], outDims: [] };
  let axis = 0;
  for (let i = 0; i < Math.max(beginIn.length, dims.length); i++) {
    if (newAxis[i] === 1) {
      plan.outDims.push(1);
      continue;
    }
    if (axis >= dims.length) break;
    const size = dims[axis]!;
    const step = stridesIn[i] ?? 1;
    if (step === 0) throw new ShapeError("a stride is 0");
    let count: number;
    let b = 0;
    if (known(size)) {
      b = beginMask[i] === 1 || i >= beginIn.length ? (step > 0 ? 0 : size - 1) : beginIn[i]!;
      let e = endMask[i] === 1 || i >= endIn.length ? (step > 0 ? size : -size - 1) : endIn[i]!;
      if (b < 0) b += size;
      if (e < 0) e += size;
      if (step > 0) {
        b = Math.min(Math.max(b, 0), size);
        e = Math.min(Math.max(e, 0), size);
      } else {
        b = Math.min(Math.max(b, -1), size - 1);
        e = Math.min(Math.max(e, -1), size - 1);
      }
      count = Math.max(0, Math.ceil((e - b) / step));
    } else count = DYNAMIC;
    if (shrink[i] === 1) count = 1;
    plan.starts.push(b);
    plan.counts.push(count);
    plan.steps.push(step);
    if (shrink[i] !== 1) plan.outDims.push(count);
    axis++;
  }
  for (; axis < dims.length; axis++) {
    plan.starts.push(0);
    plan.counts.push(dims[axis]!);
    plan.steps.push(1);
    plan.outDims.push(dims[axis]!);
  }
  return plan;
}

// --- Pad, Broadcast, Tile ----------------------------------------------------------------------

const PAD_MODES: readonly PadMode[] = ["constant", "edge", "reflect", "symmetric"];

function padMode(node: Node): PadMode {
  const mode = strAttr(node, "pad_mode", "constant") as PadMode;
  if (!PAD_MODES.includes(mode)) throw new ShapeError(`pad_mode ${mode} is not one of ${PAD_MODES.join(", ")}`);
  return mode;
}

function broadcastMode(node: Node): string {
  return strAttr(node, "mode", "numpy").toLowerCase();
}

/** Broadcast's output dims for a known target shape. */
function broadcastDimsFor(
  x: readonly number[],
  target: readonly number[],
  mode: string,
  axesMapping: readonly number[] | undefined,
): number[] {
  if (mode === "bidirectional") return broadcastShapes([x, target]);
  if (mode === "explicit") {
    if (axesMapping && axesMapping.length !== x.length)
      throw new ShapeError(`axes_mapping [${axesMapping}] does not map the ${x.length} data axes`);
    return [...target];
  }
  if (x.length > target.length) throw new ShapeError(`data ${formatDims(x)} has more axes than the target shape [${target}]`);
  x.forEach((d, i) => {
    const t = target[target.length - x.length + i]!;
    if (known(d) && known(t) && d !== 1 && d !== t) throw new ShapeError(`data ${formatDims(x)} cannot be broadcast to [${target}]`);
  });
  return [...target];
}

/** Tile's output dims: repeats align with the last axes; the shorter list is padded with 1s in front. */
function tileDims(x: readonly number[], repeats: readonly number[]): number[] {
  const rank = Math.max(x.length, repeats.length);
  const d = [...new Array<number>(rank - x.length).fill(1), ...x];
  const r = [...new Array<number>(rank - repeats.length).fill(1), ...repeats];
  if (r.some((v) => v < 0)) throw new ShapeError(`repeats [${repeats}] has a negative count`);
  return d.map((v, i) => dimOp(v, r[i]!, (a, b) => a * b));
}

// --- DepthToSpace, SpaceToDepth, ShuffleChannels ------------------------------------------------

/** A reshape to `split`, a transpose by `perm`, and a reshape to `outDims`. */
function shuffle(x: NdArray, split: number[], perm: number[], outDims: number[]): NdArray {
  return { ...transpose({ ...x, dims: split }, perm), dims: outDims };
}

function spaceDepthDims(dims: readonly number[], bs: number, toSpace: boolean): number[] {
  if (dims.length < 3) throw new ShapeError(`input ${formatDims(dims)} needs a batch, a channel and a spatial axis`);
  const [n, c, ...sp] = dims as number[];
  const k = sp.length;
  const blocks = bs ** k;
  if (toSpace) {
    if (known(c!) && c! % blocks !== 0) throw new ShapeError(`${c} channels are not a multiple of block_size^${k} = ${blocks}`);
    return [n!, dimOp(c!, blocks, (a, b) => a / b), ...sp.map((d) => dimOp(d, bs, (a, b) => a * b))];
  }
  for (const d of sp) if (known(d) && d % bs !== 0) throw new ShapeError(`spatial size ${d} is not a multiple of block_size ${bs}`);
  return [n!, dimOp(c!, blocks, (a, b) => a * b), ...sp.map((d) => dimOp(d, bs, (a, b) => a / b))];
}

// --- Range ---------------------------------------------------------------------------------------

/** Range-4's output_type; Range-1 gives the inputs' type. */
function rangeType(node: Node, start: { dtype: DTypeName }): DTypeName {
  return dtypeFromElementType(strAttr(node, "output_type", "")) ?? start.dtype;
}

const rangeLength = (start: number, stop: number, step: number) => {
  if (step === 0) throw new ShapeError("Range step is 0");
  return Math.max(0, Math.ceil((stop - start) / step));
};

/** Values of input `i` as numbers (floats included), when known. */
function knownNumber(inputs: Inputs, i: number): number | undefined {
  const v = inputs[i]?.value();
  return v && v.data.length ? Number(v.data[0]) : undefined;
}

export const OV_SHAPE: Record<string, OvOpDef> = {
  Reshape: {
    exact: true,
    infer(inputs, { node }) {
      const x = required(inputs, 0);
      const target = knownInts(inputs, 1);
      if (!target) return [{ dtype: x.dtype, dims: unknownDims(lengthOf(required(inputs, 1)), 1) }];
      return [{ dtype: x.dtype, dims: reshapeDims(x.dims, target, boolAttr(node, "special_zero", false)) }];
    },
    run: ([x, shape], { node }) => [{ ...x!, dims: reshapeDims(x!.dims, ints(shape!), boolAttr(node, "special_zero", false)) }],
  },
  Squeeze: {
    exact: true,
    infer(inputs) {
      const x = required(inputs, 0);
      if (inputs[1] && !inputs[1].value()) throw new UnknownRankError(1);
      return [{ dtype: x.dtype, dims: squeezeDims(x.dims, knownInts(inputs, 1)) }];
    },
    run: ([x, axes]) => [{ ...x!, dims: squeezeDims(x!.dims, axes ? ints(axes) : undefined) }],
  },
  Unsqueeze: {
    exact: true,
    infer(inputs) {
      const x = required(inputs, 0);
      const axes = knownInts(inputs, 1);
      if (!axes)
        return [
          {
            dtype: x.dtype,
            dims: unknownDims(
              dimOp(x.dims.length, dimProduct(required(inputs, 1).dims), (a, b) => a + b),
              1,
            ),
          },
        ];
      return [{ dtype: x.dtype, dims: unsqueezeDims(x.dims, axes) }];
    },
    run: ([x, axes]) => [{ ...x!, dims: unsqueezeDims(x!.dims, ints(axes!)) }],
  },
  Transpose: {
    exact: true,
    infer(inputs) {
      const x = required(inputs, 0);
      const order = knownInts(inputs, 1);
      if (!order) return [{ dtype: x.dtype, dims: x.dims.map(() => DYNAMIC) }];
      return [{ dtype: x.dtype, dims: permutation(order, x.dims.length).map((p) => x.dims[p]!) }];
    },
    run: ([x, order]) => [transpose(x!, permutation(ints(order!), x!.dims.length))],
  },
  Concat: {
    exact: true,
    infer: (inputs, { node }) => [concatType(inputs, node)],
    run: (inputs, { node }) => [concat(inputs, intAttr(node, "axis", 0))],
  },
  Split: {
    exact: true,
    infer(inputs, { node }) {
      const x = required(inputs, 0);
      const parts = intAttr(node, "num_splits", 1);
      const a = knownInts(inputs, 1)?.[0];
      if (a === undefined) return Array.from({ length: parts }, () => ({ dtype: x.dtype, dims: x.dims.map(() => DYNAMIC) }));
      const axis = axisIn(a, x.dims.length);
      const size = x.dims[axis]!;
      if (known(size) && size % parts !== 0) throw new ShapeError(`axis ${axis} of size ${size} does not split into ${parts} equal parts`);
      const dims = x.dims.map((d, i) => (i === axis ? dimOp(d, parts, (p, q) => p / q) : d));
      return Array.from({ length: parts }, () => ({ dtype: x.dtype, dims }));
    },
    run([x, axisInput], { node }) {
      const axis = axisIn(ints(axisInput!)[0]!, x!.dims.length);
      const parts = intAttr(node, "num_splits", 1);
      return splitAlong(x!, axis, new Array<number>(parts).fill(x!.dims[axis]! / parts));
    },
  },
  VariadicSplit: {
    exact: true,
    infer(inputs) {
      const x = required(inputs, 0);
      const a = knownInts(inputs, 1)?.[0];
      const lengths = knownInts(inputs, 2);
      const count = lengths?.length ?? lengthOf(required(inputs, 2));
      if (!known(count)) throw new UnknownRankError(2);
      if (a === undefined) return Array.from({ length: count }, () => ({ dtype: x.dtype, dims: x.dims.map(() => DYNAMIC) }));
      const axis = axisIn(a, x.dims.length);
      const sizes = lengths ? splitLengths(lengths, x.dims[axis]!) : new Array<number>(count).fill(DYNAMIC);
      return sizes.map((len) => ({ dtype: x.dtype, dims: x.dims.map((d, i) => (i === axis ? len : d)) }));
    },
    run([x, axisInput, lengths]) {
      const axis = axisIn(ints(axisInput!)[0]!, x!.dims.length);
      return splitAlong(x!, axis, splitLengths(ints(lengths!), x!.dims[axis]!));
    },
  },
  StridedSlice: {
    exact: true,
    infer(inputs, { node }) {
      const x = required(inputs, 0);
      const begin = knownInts(inputs, 1);
      const end = knownInts(inputs, 2);
      const strides = inputs[3] ? knownInts(inputs, 3) : [];
      if (begin && end && strides) return [{ dtype: x.dtype, dims: stridedSlicePlan(x.dims, begin, end, strides, node).outDims }];
      // Sizes are decided at run time; the rank follows from the masks and the begin length.
      const n = lengthOf(required(inputs, 1));
      if (!known(n)) throw new UnknownRankError(1);
      const plan = stridedSlicePlan(
        x.dims.map(() => DYNAMIC),
        new Array<number>(n).fill(0),
        new Array<number>(n).fill(0),
        new Array<number>(n).fill(1),
        node,
      );
      return [{ dtype: x.dtype, dims: plan.outDims }];
    },
    run([x, b, e, s], { node }) {
      const plan = stridedSlicePlan(x!.dims, ints(b!), ints(e!), s ? ints(s) : [], node);
      return [stridedSlice(x!, plan.starts, plan.counts, plan.steps, plan.outDims)];
    },
  },
  Pad: {
    exact: true,
    infer(inputs, { node }) {
      const x = required(inputs, 0);
      padMode(node);
      const begin = knownInts(inputs, 1);
      const end = knownInts(inputs, 2);
      if (!begin || !end) return [{ dtype: x.dtype, dims: x.dims.map(() => DYNAMIC) }];
      if (begin.length !== x.dims.length || end.length !== x.dims.length)
        throw new ShapeError(`pads_begin [${begin}] and pads_end [${end}] must have one value per axis of ${formatDims(x.dims)}`);
      const dims = x.dims.map((d, i) => dimOp(d, 0, (v) => v + begin[i]! + end[i]!));
      if (dims.some((d) => d < 0 && d !== DYNAMIC)) throw new ShapeError(`negative pads crop ${formatDims(x.dims)} below zero`);
      return [{ dtype: x.dtype, dims }];
    },
    run([x, begin, end, value], { node }) {
      const v = value ? Number(value.data[0]) : 0;
      return [pad(x!, ints(begin!), ints(end!), v, padMode(node))];
    },
  },
  Broadcast: {
    exact: true,
    infer(inputs, { node }) {
      const x = required(inputs, 0);
      const target = knownInts(inputs, 1);
      const mode = broadcastMode(node);
      if (!target) {
        const n = lengthOf(required(inputs, 1));
        return [{ dtype: x.dtype, dims: unknownDims(mode === "bidirectional" && known(n) ? Math.max(n, x.dims.length) : n, 1) }];
      }
      return [{ dtype: x.dtype, dims: broadcastDimsFor(x.dims, target, mode, knownInts(inputs, 2)) }];
    },
    run([x, shapeIn, axesMapping], { node }) {
      const target = ints(shapeIn!);
      const mode = broadcastMode(node);
      if (mode === "explicit") {
        // Data axis i lands on target axis axes_mapping[i]; the other target axes are new.
        const map = ints(axesMapping!);
        const dims = target.map((_, i) => {
          const k = map.indexOf(i);
          return k < 0 ? 1 : x!.dims[k]!;
        });
        return [broadcastTo({ ...x!, dims }, target)];
      }
      return [broadcastTo(x!, broadcastDimsFor(x!.dims, target, mode, undefined))];
    },
  },
  Tile: {
    exact: true,
    infer(inputs) {
      const x = required(inputs, 0);
      const repeats = knownInts(inputs, 1);
      if (!repeats) {
        const n = lengthOf(required(inputs, 1));
        return [{ dtype: x.dtype, dims: unknownDims(known(n) ? Math.max(n, x.dims.length) : n, 1) }];
      }
      return [{ dtype: x.dtype, dims: tileDims(x.dims, repeats) }];
    },
    run: ([x, repeats]) => [tile(x!, ints(repeats!))],
  },
  /**
   * DepthToSpace and SpaceToDepth for any number of spatial axes: blocks_first keeps the
   * block offsets as the outer part of the channel index, depth_first as the inner part.
   */
  DepthToSpace: {
    exact: true,
    infer: (inputs, { node }) => [
      { dtype: required(inputs, 0).dtype, dims: spaceDepthDims(required(inputs, 0).dims, intAttr(node, "block_size", 1), true) },
    ],
    run([x], { node }) {
      const bs = intAttr(node, "block_size", 1);
      const blocksFirst = strAttr(node, "mode", "blocks_first") === "blocks_first";
      const [n, c, ...sp] = x!.dims as number[];
      const k = sp.length;
      const cOut = c! / bs ** k;
      const blocks = new Array<number>(k).fill(bs);
      const split = blocksFirst ? [n!, ...blocks, cOut, ...sp] : [n!, cOut, ...blocks, ...sp];
      const blockAxis = (i: number) => (blocksFirst ? 1 + i : 2 + i);
      const depthAxis = blocksFirst ? 1 + k : 1;
      const perm = [0, depthAxis, ...sp.flatMap((_, i) => [k + 2 + i, blockAxis(i)])];
      return [shuffle(x!, split, perm, [n!, cOut, ...sp.map((d) => d * bs)])];
    },
  },
  SpaceToDepth: {
    exact: true,
    infer: (inputs, { node }) => [
      { dtype: required(inputs, 0).dtype, dims: spaceDepthDims(required(inputs, 0).dims, intAttr(node, "block_size", 1), false) },
    ],
    run([x], { node }) {
      const bs = intAttr(node, "block_size", 1);
      const blocksFirst = strAttr(node, "mode", "blocks_first") === "blocks_first";
      const [n, c, ...sp] = x!.dims as number[];
      const k = sp.length;
      const split = [n!, c!, ...sp.flatMap((d) => [d / bs, bs])];
      const outer = sp.map((_, i) => 2 + 2 * i);
      const blocks = sp.map((_, i) => 3 + 2 * i);
      const perm = blocksFirst ? [0, ...blocks, 1, ...outer] : [0, 1, ...blocks, ...outer];
      return [shuffle(x!, split, perm, [n!, c! * bs ** k, ...sp.map((d) => d / bs)])];
    },
  },
  /** ShuffleChannels-1: the axis split into [group, n/group], the two parts swapped. */
  ShuffleChannels: {
    exact: true,
    infer(inputs, { node }) {
      const x = required(inputs, 0);
      const axis = axisIn(intAttr(node, "axis", 1), x.dims.length);
      const group = intAttr(node, "group", 1);
      const size = x.dims[axis]!;
      if (known(size) && size % group !== 0) throw new ShapeError(`axis ${axis} of size ${size} does not split into ${group} groups`);
      return [{ dtype: x.dtype, dims: x.dims }];
    },
    run([x], { node }) {
      const dims = x!.dims as number[];
      const axis = axisIn(intAttr(node, "axis", 1), dims.length);
      const group = intAttr(node, "group", 1);
      const split = [...dims.slice(0, axis), group, dims[axis]! / group, ...dims.slice(axis + 1)];
      const perm = split.map((_, i) => (i === axis ? axis + 1 : i === axis + 1 ? axis : i));
      return [shuffle(x!, split, perm, dims)];
    },
  },
  ShapeOf: {
    infer(inputs, { node }) {
      const x = required(inputs, 0);
      const dtype = shapeOfType(node);
      const value = x.dims.every(known) ? shapeValue(x.dims, dtype) : undefined;
      return [value ? { dtype, dims: [x.dims.length], value } : { dtype, dims: [x.dims.length] }];
    },
    run: ([x], { node }) => [shapeValue(x!.dims, shapeOfType(node))],
  },
  Range: {
    infer(inputs, { node }) {
      const start = required(inputs, 0);
      for (const i of [0, 1, 2]) if (dimProduct(required(inputs, i).dims) > 1) throw new ShapeError(`input ${i} of Range must be a scalar`);
      const [s, e, d] = [0, 1, 2].map((i) => knownNumber(inputs, i));
      const n = s !== undefined && e !== undefined && d !== undefined ? rangeLength(s, e, d) : DYNAMIC;
      return [{ dtype: rangeType(node, start), dims: [n] }];
    },
    run([startIn, stopIn, stepIn], { node }) {
      const [start, stop, step] = [startIn!, stopIn!, stepIn!].map((a) => Number(a.data[0])) as [number, number, number];
      const n = rangeLength(start, stop, step);
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = start + i * step;
      return [ndCast({ dtype: "float64", dims: [n], data: values }, rangeType(node, startIn!))];
    },
  },
};

const shapeOfType = (node: Node): DTypeName => (strAttr(node, "output_type", "i64") === "i32" ? "int32" : "int64");

function shapeValue(dims: readonly number[], dtype: DTypeName): NdArray {
  const s = int64([...dims]);
  return dtype === "int32" ? ndCast(s, "int32") : s;
}
