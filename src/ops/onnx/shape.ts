/**
 * Shape-manipulating and data-movement ONNX ops: Shape, Size, Reshape, Flatten, Squeeze,
 * Unsqueeze, Transpose, Concat, Split, Slice, Pad, Expand, Tile, DepthToSpace/SpaceToDepth,
 * CenterCropPad, ConstantOfShape, Range, Constant, Identity, Dropout. These are what
 * `Shape → Gather → Unsqueeze → Concat → Reshape` chains are made of, so their folding must
 * be exact (int64 as bigint).
 */

import { isAttributeRef } from "../../ir/attribute.js";
import type { DTypeName } from "../../ir/dtype.js";
import type { Node } from "../../ir/node.js";
import { type Dim, type Shape, shapeSize, stridesOf } from "../../ir/shape.js";
import type { Tensor } from "../../ir/tensor.js";
import { broadcastDims, broadcastIndex, type NdArray, ndAlloc, ndFromTensor, ndTake, stridedIndex } from "../ndarray.js";
import {
  broadcastShapes,
  constInts,
  dimProduct,
  foldedInts,
  type InferContext,
  normalizeAxis,
  type OnnxOpDef,
  type OutputType,
} from "./op-def.js";

const int64 = (values: readonly number[] | readonly bigint[], dims: number[] = [values.length]): NdArray => ({
  dtype: "int64",
  dims,
  data: BigInt64Array.from(values as readonly (number | bigint)[], (v) => BigInt(v)),
});

/** Shape-15 start/end clamp. */
function shapeRange(rank: number, node: Node): [number, number] {
  const clamp = (v: number) => Math.max(0, Math.min(rank, v < 0 ? v + rank : v));
  return [clamp(node.getInt("start", 0)), clamp(node.getInt("end", rank))];
}

function axesFrom(ctx: InferContext, inputIndex: number): number[] | undefined {
  // Squeeze/Unsqueeze take axes as an attribute before opset 13 and as an input from 13 on.
  if (ctx.opset < 13) return ctx.node.getInts("axes");
  return constInts(ctx.inputs[inputIndex]);
}

/** Reshape target with 0 (copy, unless allowzero) and -1 (infer) resolved. */
function reshapeDims(input: Shape, target: readonly number[], allowZero: boolean): Dim[] {
  const out: Dim[] = target.map((t, i) => (t === 0 && !allowZero ? (input[i] ?? null) : t === -1 ? -1 : t));
  const minus = out.indexOf(-1);
  if (minus >= 0) {
    const total = dimProduct(input);
    const known = dimProduct(out.filter((_, i) => i !== minus));
    out[minus] = typeof total === "number" && typeof known === "number" && known !== 0 ? total / known : null;
  }
  return out;
}

/** Normalised Slice parameters for one axis (numpy semantics, steps may be negative). */
function sliceAxis(dim: number, start: number, end: number, step: number): { start: number; count: number } {
  const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
  if (step > 0) {
    const s = clamp(start < 0 ? start + dim : start, 0, dim);
    const e = clamp(end < 0 ? end + dim : end, 0, dim);
    return { start: s, count: Math.max(0, Math.ceil((e - s) / step)) };
  }
  const s = clamp(start < 0 ? start + dim : start, -1, dim - 1);
  const e = clamp(end < 0 ? end + dim : end, -1, dim - 1);
  return { start: s, count: Math.max(0, Math.ceil((e - s) / step)) };
}

interface SliceParams {
  starts: number[];
  ends: number[];
  axes: number[];
  steps: number[];
}

function sliceParams(node: Node, opset: number, get: (i: number) => number[] | undefined, rank: number): SliceParams | undefined {
  let starts: number[] | undefined;
  let ends: number[] | undefined;
  let axes: number[] | undefined;
  let steps: number[] | undefined;
  if (opset < 10) {
    starts = node.getInts("starts");
    ends = node.getInts("ends");
    axes = node.getInts("axes");
  } else {
    starts = get(1);
    ends = get(2);
    axes = node.inputs[3] ? get(3) : undefined;
    steps = node.inputs[4] ? get(4) : undefined;
    if ((node.inputs[3] && !axes) || (node.inputs[4] && !steps)) return undefined;
  }
  if (!starts || !ends) return undefined;
  axes ??= starts.map((_, i) => i);
  steps ??= starts.map(() => 1);
  return { starts, ends, axes: axes.map((a) => normalizeAxis(a, rank)), steps };
}

function sliceShape(shape: Shape, p: SliceParams): Dim[] {
  const out: Dim[] = [...shape];
  p.axes.forEach((axis, i) => {
    const d = shape[axis];
    out[axis] = typeof d === "number" ? sliceAxis(d, p.starts[i]!, p.ends[i]!, p.steps[i]!).count : null;
  });
  return out;
}

function tensorAttr(node: Node, name: string): Tensor | undefined {
  const a = node.attributes.get(name);
  if (!a || isAttributeRef(a) || a.type !== "tensor") return undefined;
  return a.value;
}

/** The value a Constant node holds, in whichever attribute form it uses. */
export function constantNodeValue(node: Node): NdArray | undefined {
  const t = tensorAttr(node, "value");
  if (t) return ndFromTensor(t);
  const f = node.attribute("value_float");
  if (f?.type === "float") return { dtype: "float32", dims: [], data: Float64Array.of(f.value) };
  const fs = node.attribute("value_floats");
  if (fs?.type === "floats") return { dtype: "float32", dims: [fs.value.length], data: Float64Array.from(fs.value) };
  const i = node.attribute("value_int");
  if (i?.type === "int") return int64([i.value], []);
  const is = node.attribute("value_ints");
  if (is?.type === "ints") return int64(is.value);
  return undefined;
}

function constantType(node: Node): OutputType | undefined {
  const t = tensorAttr(node, "value");
  if (t) return { dtype: t.dtype, shape: t.dims };
  const v = constantNodeValue(node);
  return v ? { dtype: v.dtype, shape: v.dims } : undefined;
}

function transposePerm(node: Node, rank: number): number[] {
  return node.getInts("perm") ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
}

const spaceDepth = (toDepth: boolean): OnnxOpDef => ({
  infer(ctx) {
    const s = ctx.inputs[0]?.shape;
    const b = ctx.node.getInt("blocksize", 1);
    if (!s || s.length !== 4) return [{ dtype: ctx.inputs[0]?.dtype }];
    const [n, c, h, w] = s;
    const mul = (d: Dim | undefined, k: number): Dim => (typeof d === "number" ? d * k : null);
    const div = (d: Dim | undefined, k: number): Dim => (typeof d === "number" ? d / k : null);
    const shape: Shape = toDepth ? [n ?? null, mul(c, b * b), div(h, b), div(w, b)] : [n ?? null, div(c, b * b), mul(h, b), mul(w, b)];
    return [{ dtype: ctx.inputs[0]?.dtype, shape }];
  },
});

export const SHAPE_OPS: Record<string, OnnxOpDef> = {
  Identity: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: ctx.inputs[0]?.shape }], fold: ([x]) => [x!] },
  Dropout: {
    infer: (ctx) => [
      { dtype: ctx.inputs[0]?.dtype, shape: ctx.inputs[0]?.shape },
      { dtype: "bool", shape: ctx.inputs[0]?.shape },
    ],
  },
  Constant: { infer: (ctx) => [constantType(ctx.node)], fold: (_inputs, { node }) => [constantNodeValue(node)!] },
  Shape: {
    infer(ctx) {
      const s = ctx.inputs[0]?.shape;
      if (!s) return [{ dtype: "int64", shape: [null] }];
      const [a, b] = shapeRange(s.length, ctx.node);
      return [{ dtype: "int64", shape: [Math.max(0, b - a)] }];
    },
    // Folded by the constant-folding pass from the input's static shape, not its value.
  },
  Size: { infer: () => [{ dtype: "int64", shape: [] }] },
  Reshape: {
    infer(ctx) {
      const target = ctx.opset < 5 ? ctx.node.getInts("shape") : constInts(ctx.inputs[1]);
      const input = ctx.inputs[0]?.shape;
      if (!target) {
        const len = ctx.inputs[1]?.shape?.[0];
        return [{ dtype: ctx.inputs[0]?.dtype, shape: typeof len === "number" ? new Array<Dim>(len).fill(null) : undefined }];
      }
      const shape = input ? reshapeDims(input, target, ctx.node.getInt("allowzero", 0) === 1) : target.map((t) => (t > 0 ? t : null));
      return [{ dtype: ctx.inputs[0]?.dtype, shape }];
    },
    fold([x, shape], { node, opset }) {
      const target = opset < 5 ? node.getInts("shape")! : foldedInts(shape);
      const dims = reshapeDims(x!.dims, target, node.getInt("allowzero", 0) === 1) as number[];
      return [{ ...x!, dims }];
    },
  },
  Flatten: {
    infer(ctx) {
      const s = ctx.inputs[0]?.shape;
      if (!s) return [{ dtype: ctx.inputs[0]?.dtype, shape: [null, null] }];
      const axis = normalizeAxis(ctx.node.getInt("axis", 1), s.length);
      return [{ dtype: ctx.inputs[0]?.dtype, shape: [dimProduct(s.slice(0, axis)), dimProduct(s.slice(axis))] }];
    },
    fold([x], { node }) {
      const axis = normalizeAxis(node.getInt("axis", 1), x!.dims.length);
      return [{ ...x!, dims: [shapeSize(x!.dims.slice(0, axis)), shapeSize(x!.dims.slice(axis))] }];
    },
  },
  Squeeze: {
    infer(ctx) {
      const s = ctx.inputs[0]?.shape;
      const axes = axesFrom(ctx, 1);
      if (!s) return [{ dtype: ctx.inputs[0]?.dtype }];
      if (!axes) {
        if (ctx.opset >= 13 && ctx.node.inputs[1]) return [{ dtype: ctx.inputs[0]?.dtype }];
        if (s.some((d) => typeof d !== "number")) return [{ dtype: ctx.inputs[0]?.dtype }];
        return [{ dtype: ctx.inputs[0]?.dtype, shape: s.filter((d) => d !== 1) }];
      }
      const drop = new Set(axes.map((a) => normalizeAxis(a, s.length)));
      return [{ dtype: ctx.inputs[0]?.dtype, shape: s.filter((_, i) => !drop.has(i)) }];
    },
    fold([x, axesIn], { node, opset }) {
      const axes = opset < 13 ? node.getInts("axes") : axesIn ? foldedInts(axesIn) : undefined;
      const drop = axes ? new Set(axes.map((a) => normalizeAxis(a, x!.dims.length))) : undefined;
      return [{ ...x!, dims: x!.dims.filter((d, i) => (drop ? !drop.has(i) : d !== 1)) }];
    },
  },
  Unsqueeze: {
    infer(ctx) {
      const s = ctx.inputs[0]?.shape;
      const axes = axesFrom(ctx, 1);
      if (!s || !axes) return [{ dtype: ctx.inputs[0]?.dtype }];
      return [{ dtype: ctx.inputs[0]?.dtype, shape: unsqueezeDims(s, axes) }];
    },
    fold([x, axesIn], { node, opset }) {
      const axes = opset < 13 ? node.getInts("axes")! : foldedInts(axesIn);
      return [{ ...x!, dims: unsqueezeDims(x!.dims, axes) as number[] }];
    },
  },
  Transpose: {
    infer(ctx) {
      const s = ctx.inputs[0]?.shape;
      if (!s) return [{ dtype: ctx.inputs[0]?.dtype }];
      return [{ dtype: ctx.inputs[0]?.dtype, shape: transposePerm(ctx.node, s.length).map((p) => s[p] ?? null) }];
    },
    fold([x], { node }) {
      const perm = transposePerm(node, x!.dims.length);
      const dims = perm.map((p) => x!.dims[p]!);
      const inStrides = stridesOf(x!.dims);
      const n = shapeSize(dims);
      const index = new Int32Array(n);
      const counter = new Array<number>(dims.length).fill(0);
      for (let i = 0; i < n; i++) {
        let off = 0;
        for (let d = 0; d < dims.length; d++) off += counter[d]! * inStrides[perm[d]!]!;
        index[i] = off;
        for (let d = dims.length - 1; d >= 0; d--) {
          if (++counter[d]! < dims[d]!) break;
          counter[d] = 0;
        }
      }
      return [ndTake(x!, dims, index)];
    },
  },
  Concat: {
    infer(ctx) {
      const shapes = ctx.inputs.map((i) => i?.shape);
      const dtype = ctx.inputs.find((i) => i?.dtype)?.dtype;
      const first = shapes.find((s) => s !== undefined);
      if (!first) return [{ dtype }];
      const axis = normalizeAxis(ctx.node.getInt("axis", 0), first.length);
      const out: Dim[] = first.map((_, i) => {
        if (i === axis) return shapes.every((s) => s !== undefined) ? sumDims(shapes.map((s) => s![axis] ?? null)) : null;
        return shapes.map((s) => s?.[i]).find((d) => typeof d === "number") ?? first[i] ?? null;
      });
      return [{ dtype, shape: out }];
    },
    fold(inputs, { node }) {
      const parts = inputs as NdArray[];
      const rank = parts[0]!.dims.length;
      const axis = normalizeAxis(node.getInt("axis", 0), rank);
      const dims = [...parts[0]!.dims];
      dims[axis] = parts.reduce((s, p) => s + p.dims[axis]!, 0);
      const outer = shapeSize(dims.slice(0, axis));
      const out = ndAlloc(parts[0]!.dtype, shapeSize(dims));
      let o = 0;
      for (let i = 0; i < outer; i++) {
        for (const p of parts) {
          const inner = shapeSize(p.dims.slice(axis));
          for (let k = 0; k < inner; k++) (out as Float64Array)[o++] = p.data[i * inner + k] as number;
        }
      }
      return [{ dtype: parts[0]!.dtype, dims, data: out }];
    },
  },
  Slice: {
    infer(ctx) {
      const s = ctx.inputs[0]?.shape;
      if (!s) return [{ dtype: ctx.inputs[0]?.dtype }];
      const p = sliceParams(ctx.node, ctx.opset, (i) => constInts(ctx.inputs[i]), s.length);
      if (!p) return [{ dtype: ctx.inputs[0]?.dtype, shape: s.map(() => null) }];
      return [{ dtype: ctx.inputs[0]?.dtype, shape: sliceShape(s, p) }];
    },
    fold(inputs, { node, opset }) {
      const x = inputs[0]!;
      const p = sliceParams(node, opset, (i) => (inputs[i] ? foldedInts(inputs[i]) : undefined), x.dims.length)!;
      const starts = x.dims.map(() => 0);
      const steps = x.dims.map(() => 1);
      const dims = [...x.dims];
      p.axes.forEach((axis, i) => {
        const r = sliceAxis(x.dims[axis]!, p.starts[i]!, p.ends[i]!, p.steps[i]!);
        starts[axis] = r.start;
        steps[axis] = p.steps[i]!;
        dims[axis] = r.count;
      });
      return [ndTake(x, dims, stridedIndex(x.dims, starts, dims, steps))];
    },
  },
  Expand: {
    infer(ctx) {
      const target = constInts(ctx.inputs[1]);
      if (!target) return [{ dtype: ctx.inputs[0]?.dtype }];
      return [{ dtype: ctx.inputs[0]?.dtype, shape: broadcastShapes([ctx.inputs[0]?.shape, target]) }];
    },
    fold([x, shape]) {
      const dims = broadcastDims(x!.dims, foldedInts(shape))!;
      return [ndTake(x!, dims, broadcastIndex(x!.dims, dims))];
    },
  },
  Tile: {
    infer(ctx) {
      const s = ctx.inputs[0]?.shape;
      const reps = constInts(ctx.inputs[1]);
      if (!s || !reps) return [{ dtype: ctx.inputs[0]?.dtype, shape: s?.map(() => null) }];
      return [{ dtype: ctx.inputs[0]?.dtype, shape: s.map((d, i) => (typeof d === "number" ? d * reps[i]! : null)) }];
    },
    fold([x, repsIn]) {
      const reps = foldedInts(repsIn);
      const dims = x!.dims.map((d, i) => d * reps[i]!);
      const strides = stridesOf(x!.dims);
      const n = shapeSize(dims);
      const index = new Int32Array(n);
      const counter = new Array<number>(dims.length).fill(0);
      for (let i = 0; i < n; i++) {
        let off = 0;
        for (let d = 0; d < dims.length; d++) off += (counter[d]! % x!.dims[d]!) * strides[d]!;
        index[i] = off;
        for (let d = dims.length - 1; d >= 0; d--) {
          if (++counter[d]! < dims[d]!) break;
          counter[d] = 0;
        }
      }
      return [ndTake(x!, dims, index)];
    },
  },
  ConstantOfShape: {
    infer(ctx) {
      const t = tensorAttr(ctx.node, "value");
      const dims = constInts(ctx.inputs[0]);
      const len = ctx.inputs[0]?.shape?.[0];
      return [{ dtype: t?.dtype ?? "float32", shape: dims ?? (typeof len === "number" ? new Array<Dim>(len).fill(null) : undefined) }];
    },
    fold([shape], { node }) {
      const t = tensorAttr(node, "value");
      const fill = t ? ndFromTensor(t) : { dtype: "float32" as DTypeName, dims: [1], data: Float64Array.of(0) };
      const dims = foldedInts(shape);
      const out = ndAlloc(fill.dtype, shapeSize(dims));
      (out as Float64Array).fill(fill.data[0] as number);
      return [{ dtype: fill.dtype, dims, data: out }];
    },
  },
  Range: {
    infer(ctx) {
      const [s, l, d] = [0, 1, 2].map((i) => constInts(ctx.inputs[i])?.[0]);
      const n = s !== undefined && l !== undefined && d !== undefined ? Math.max(0, Math.ceil((l - s) / d)) : null;
      return [{ dtype: ctx.inputs[0]?.dtype, shape: [n] }];
    },
    fold([start, limit, delta]) {
      const s = Number(start!.data[0]);
      const d = Number(delta!.data[0]);
      const n = Math.max(0, Math.ceil((Number(limit!.data[0]) - s) / d));
      const out = ndAlloc(start!.dtype, n);
      for (let i = 0; i < n; i++)
        (out as Float64Array)[i] = (start!.data instanceof BigInt64Array ? BigInt(s + i * d) : s + i * d) as number;
      return [{ dtype: start!.dtype, dims: [n], data: out }];
    },
  },
  Split: {
    infer(ctx) {
      const s = ctx.inputs[0]?.shape;
      const outs = ctx.node.outputs.length;
      if (!s) return Array.from({ length: outs }, () => ({ dtype: ctx.inputs[0]?.dtype }));
      const axis = normalizeAxis(ctx.node.getInt("axis", 0), s.length);
      const sizes = splitSizes(ctx.node, ctx.opset, ctx.opset < 13 ? ctx.node.getInts("split") : constInts(ctx.inputs[1]), s[axis] ?? null);
      return Array.from({ length: outs }, (_, k) => {
        const shape = [...s];
        shape[axis] = sizes?.[k] ?? null;
        return { dtype: ctx.inputs[0]?.dtype, shape };
      });
    },
    // Sizes as the `split` attribute before op set 13 and as input 1 from 13 on (tf2onnx writes both forms).
    fold([x, split], { node, opset }) {
      const axis = normalizeAxis(node.getInt("axis", 0), x!.dims.length);
      const explicit = opset < 13 ? node.getInts("split") : split ? foldedInts(split) : undefined;
      const sizes = splitSizes(node, opset, explicit, x!.dims[axis]!)!;
      let start = 0;
      return sizes.map((len) => {
        const starts = x!.dims.map((_, i) => (i === axis ? start : 0));
        const dims = x!.dims.map((d, i) => (i === axis ? len : d));
        start += len;
        return ndTake(
          x!,
          dims,
          stridedIndex(
            x!.dims,
            starts,
            dims,
            starts.map(() => 1),
          ),
        );
      });
    },
  },
  Pad: {
    infer(ctx) {
      const s = ctx.inputs[0]?.shape;
      if (!s) return [{ dtype: ctx.inputs[0]?.dtype }];
      const pads = ctx.opset < 11 ? ctx.node.getInts("pads") : constInts(ctx.inputs[1]);
      const axesIn = ctx.opset >= 18 && ctx.node.inputs[3] ? constInts(ctx.inputs[3]) : undefined;
      if (!pads || (ctx.opset >= 18 && ctx.node.inputs[3] && !axesIn)) return [{ dtype: ctx.inputs[0]?.dtype, shape: s.map(() => null) }];
      const axes = axesIn?.map((a) => normalizeAxis(a, s.length)) ?? s.map((_, i) => i);
      const out: Dim[] = [...s];
      axes.forEach((axis, i) => {
        const d = s[axis];
        out[axis] = typeof d === "number" ? d + pads[i]! + pads[i + axes.length]! : null;
      });
      return [{ dtype: ctx.inputs[0]?.dtype, shape: out }];
    },
  },
  DepthToSpace: spaceDepth(false),
  SpaceToDepth: spaceDepth(true),
  CenterCropPad: {
    infer(ctx) {
      const x = ctx.inputs[0]?.shape;
      const target = constInts(ctx.inputs[1]);
      if (!x || !target) return [{ dtype: ctx.inputs[0]?.dtype }];
      const axes = (ctx.node.getInts("axes") ?? x.map((_, i) => i)).map((a) => normalizeAxis(a, x.length));
      const out: Dim[] = [...x];
      for (const [i, a] of axes.entries()) out[a] = target[i]!;
      return [{ dtype: ctx.inputs[0]?.dtype, shape: out }];
    },
  },
};

function sumDims(dims: readonly Dim[]): Dim {
  let s = 0;
  for (const d of dims) {
    if (typeof d !== "number") return null;
    s += d;
  }
  return s;
}

function unsqueezeDims(s: Shape, axes: readonly number[]): Dim[] {
  const rank = s.length + axes.length;
  const ins = new Set(axes.map((a) => normalizeAxis(a, rank)));
  const out: Dim[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(ins.has(i) ? 1 : (s[j++] ?? null));
  return out;
}

/** Split sizes: the explicit ones, else equal parts (from op set 18, `num_outputs` parts with a smaller last one). */
function splitSizes(node: Node, opset: number, explicit: number[] | undefined, dim: Dim): number[] | undefined {
  if (explicit) return explicit;
  // Sizes given by a computed input are unknown, not an equal split.
  if (opset >= 13 && node.inputs[1]) return undefined;
  if (typeof dim !== "number") return undefined;
  const outs = node.outputs.length;
  const n = opset >= 18 ? (node.getInt("num_outputs") ?? outs) : outs;
  const chunk = Math.ceil(dim / n);
  return Array.from({ length: outs }, (_, k) => Math.max(0, Math.min(chunk, dim - k * chunk)));
}
