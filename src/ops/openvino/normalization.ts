/**
 * OpenVINO normalization ops, written from the OpenVINO op specification: MVN-6, LRN-1 and
 * NormalizeL2-1. Each reduces over a set of axes; `groupsOf` maps every element to the group
 * it is normalised with. The output has the input's type.
 */
import { shapeSize, stridesOf } from "../../ir/shape.js";
import { axisIn } from "./dims.js";
import {
  boolAttr,
  floatAttr,
  intAttr,
  ints,
  knownInts,
  type OvOpDef,
  type OvPortInfo,
  type OvPortType,
  required,
  strAttr,
} from "./op-def.js";

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** For each element, the index of its group: the element's coordinates off the reduced axes. */
function groupsOf(dims: readonly number[], axes: readonly number[]): { group: Int32Array; count: number } {
  const reduced = new Set(axes.map((a) => norm(a, dims.length)));
  const keptDims = dims.map((d, i) => (reduced.has(i) ? 1 : d));
  const keptStrides = stridesOf(keptDims);
  const strides = stridesOf(dims);
  const n = shapeSize(dims);
  const group = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let g = 0;
    for (let d = 0; d < dims.length; d++) if (!reduced.has(d)) g += (Math.floor(i / strides[d]!) % dims[d]!) * keptStrides[d]!;
    group[i] = g;
  }
  return { group, count: shapeSize(keptDims) };
}

const mvn: OvOpDef["run"] = ([x, axesIn], { node }) => {
  const xd = x!.data as Float64Array;
  const { group, count } = groupsOf(x!.dims, ints(axesIn!));
  const size = xd.length / count;
  const mean = new Float64Array(count);
  for (let i = 0; i < xd.length; i++) mean[group[i]!]! += xd[i]!;
  for (let g = 0; g < count; g++) mean[g]! /= size;
  const out = new Float64Array(xd.length);
  for (let i = 0; i < xd.length; i++) out[i] = xd[i]! - mean[group[i]!]!;
  if (boolAttr(node, "normalize_variance", true)) {
    const eps = floatAttr(node, "eps", 1e-9);
    const inside = strAttr(node, "eps_mode", "inside_sqrt").toLowerCase() === "inside_sqrt";
    const variance = new Float64Array(count);
    for (let i = 0; i < out.length; i++) variance[group[i]!]! += out[i]! * out[i]!;
    const scale = Array.from(variance, (v) => (inside ? 1 / Math.sqrt(v / size + eps) : 1 / (Math.sqrt(v / size) + eps)));
    for (let i = 0; i < out.length; i++) out[i]! *= scale[group[i]!]!;
  }
  return [{ dtype: x!.dtype, dims: x!.dims, data: out }];
};

/** LRN-1: each element divided by (bias + alpha/size^|axes| · sum of squares in its window)^beta. */
const lrn: OvOpDef["run"] = ([x, axesIn], { node }) => {
  const dims = x!.dims;
  const axes = ints(axesIn!).map((a) => norm(a, dims.length));
  const alpha = floatAttr(node, "alpha", 1e-4);
  const beta = floatAttr(node, "beta", 0.75);
  const bias = floatAttr(node, "bias", 1);
  const size = intAttr(node, "size", 1);
  const before = Math.floor((size - 1) / 2);
  const after = Math.ceil((size - 1) / 2);
  const strides = stridesOf(dims);
  const xd = x!.data as Float64Array;
  const out = new Float64Array(xd.length);
  const coeff = alpha / size ** axes.length;
  const m = axes.length;
  const lo = new Array<number>(m).fill(0);
  const hi = new Array<number>(m).fill(0);
  const pos = new Array<number>(m).fill(0);
  for (let i = 0; i < xd.length; i++) {
    // Walk the window: a box over the LRN axes around element i, clipped at the edges.
    for (let k = 0; k < m; k++) {
      const a = axes[k]!;
      const c = Math.floor(i / strides[a]!) % dims[a]!;
      lo[k] = Math.max(0, c - before) - c;
      hi[k] = Math.min(dims[a]! - 1, c + after) - c;
      pos[k] = lo[k]!;
    }
    let sum = 0;
    for (;;) {
      let off = i;
      for (let k = 0; k < m; k++) off += pos[k]! * strides[axes[k]!]!;
      sum += xd[off]! * xd[off]!;
      let k = m - 1;
      for (; k >= 0; k--) {
        if (++pos[k]! <= hi[k]!) break;
        pos[k] = lo[k]!;
      }
      if (k < 0) break;
    }
    out[i] = xd[i]! / (bias + coeff * sum) ** beta;
  }
  return [{ dtype: x!.dtype, dims, data: out }];
};

const normalizeL2: OvOpDef["run"] = ([x, axesIn], { node }) => {
  const xd = x!.data as Float64Array;
  const { group, count } = groupsOf(x!.dims, ints(axesIn!));
  const eps = floatAttr(node, "eps", 1e-10);
  const add = strAttr(node, "eps_mode", "add").toLowerCase() === "add";
  const sq = new Float64Array(count);
  for (let i = 0; i < xd.length; i++) sq[group[i]!]! += xd[i]! * xd[i]!;
  const out = new Float64Array(xd.length);
  for (let i = 0; i < xd.length; i++) {
    const s = sq[group[i]!]!;
    out[i] = xd[i]! / Math.sqrt(add ? s + eps : Math.max(s, eps));
  }
  return [{ dtype: x!.dtype, dims: x!.dims, data: out }];
};

/** Same type as input 0; the axes (input 1), when known, must be axes of it. */
function sameAsData(inputs: readonly (OvPortInfo | undefined)[]): OvPortType[] {
  const x = required(inputs, 0);
  for (const a of knownInts(inputs, 1) ?? []) axisIn(a, x.dims.length, "reduction axis");
  return [{ dtype: x.dtype, dims: x.dims }];
}

export const OV_NORMALIZATION: Record<string, OvOpDef> = {
  MVN: { infer: sameAsData, run: mvn },
  LRN: { infer: sameAsData, run: lrn },
  NormalizeL2: { infer: sameAsData, run: normalizeL2 },
};
