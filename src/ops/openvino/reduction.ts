/**
 * OpenVINO reductions, written from the OpenVINO op specification: Reduce{Sum,Mean,Prod,Max,
 * Min,L1,L2} (axes as input 1, keep_dims), SoftMax-1, LogSoftmax-5, TopK-1/3 and CumSum-3.
 * Reductions and the softmax family are the shared kernels'.
 */
import { shapeSize } from "../../ir/shape.js";
import { aroundAxis, logSoftmax, type ReduceKind, reduce, reducedDims, softmax } from "../kernels/reduction.js";
import { ndAlloc, ndCast } from "../ndarray.js";
import { axisIn, DYNAMIC } from "./dims.js";
import { dtypeFromElementType } from "./element-types.js";
import {
  boolAttr,
  intAttr,
  ints,
  knownInts,
  type OvOpDef,
  type OvPortInfo,
  type OvPortType,
  type OvRunContext,
  required,
  ShapeError,
  strAttr,
  UnknownRankError,
} from "./op-def.js";

function reduction(kind: ReduceKind): OvOpDef {
  return {
    infer(inputs, { node }) {
      const x = required(inputs, 0);
      required(inputs, 1);
      const keep = boolAttr(node, "keep_dims", false);
      const axes = knownInts(inputs, 1);
      if (!axes) {
        // Which axes go is decided at run time: with keep_dims the rank stays, sizes do not.
        if (!keep) throw new UnknownRankError(1);
        return [{ dtype: x.dtype, dims: x.dims.map(() => DYNAMIC) }];
      }
      for (const a of axes) axisIn(a, x.dims.length, "reduction axis");
      // An empty axes list reduces nothing (OpenVINO), unlike the kernel's "all axes".
      if (axes.length === 0) return [{ dtype: x.dtype, dims: x.dims }];
      return [{ dtype: x.dtype, dims: reducedDims(x.dims, axes, keep) }];
    },
    run([x, axes], { node }) {
      const list = ints(axes!);
      if (list.length === 0) return [x!];
      return [reduce(x!, list, boolAttr(node, "keep_dims", false), kind)];
    },
  };
}

function sameAs0(inputs: readonly (OvPortInfo | undefined)[], ctx: OvRunContext): OvPortType[] {
  const x = required(inputs, 0);
  axisIn(intAttr(ctx.node, "axis", 1), x.dims.length);
  return [{ dtype: x.dtype, dims: x.dims }];
}

/** The element type an op writes its indices in (i32 by default, i64 on request). */
const indexType = (ctx: OvRunContext) => dtypeFromElementType(strAttr(ctx.node, "index_element_type", "i32")) ?? "int32";

const topK: OvOpDef = {
  exact: true,
  infer(inputs, ctx) {
    const x = required(inputs, 0);
    required(inputs, 1);
    const axis = axisIn(intAttr(ctx.node, "axis", -1), x.dims.length);
    const k = knownInts(inputs, 1)?.[0];
    if (k !== undefined && k < 0) throw new ShapeError(`k is ${k}`);
    const dims = x.dims.map((d, i) => (i === axis ? (k ?? DYNAMIC) : d));
    return [
      { dtype: x.dtype, dims },
      { dtype: indexType(ctx), dims },
    ];
  },
  run([x, kIn], ctx) {
    const { node } = ctx;
    const dims = x!.dims;
    const axis = axisIn(intAttr(node, "axis", -1), dims.length);
    const k = ints(kIn!)[0]!;
    const largest = strAttr(node, "mode", "max") === "max";
    const byIndex = strAttr(node, "sort", "none") === "index";
    const [outer, len, inner] = aroundAxis(dims, axis);
    const outDims = dims.map((d, i) => (i === axis ? k : d));
    const n = shapeSize(outDims);
    const values = ndAlloc(x!.dtype, n);
    const indices = new Float64Array(n);
    const order = Array.from({ length: len }, (_, i) => i);
    const src = x!.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i;
        const at = (j: number) => Number(src[base + j * inner]);
        // Stable: equal values keep the lower index first, as ONNX TopK requires.
        order.sort((a, b) => (largest ? at(b) - at(a) : at(a) - at(b)) || a - b);
        const chosen = order.slice(0, k);
        if (byIndex) chosen.sort((a, b) => a - b);
        chosen.forEach((j, r) => {
          const out = o * k * inner + r * inner + i;
          (values as Float64Array)[out] = src[base + j * inner] as number;
          indices[out] = j;
        });
        for (let j = 0; j < len; j++) order[j] = j;
      }
    }
    const idx = ndCast({ dtype: "float64", dims: outDims, data: indices }, indexType(ctx));
    return [{ dtype: x!.dtype, dims: outDims, data: values }, idx];
  },
};

const cumSum: OvOpDef = {
  infer(inputs) {
    const x = required(inputs, 0);
    const axis = knownInts(inputs, 1)?.[0];
    if (axis !== undefined) axisIn(axis, x.dims.length);
    return [{ dtype: x.dtype, dims: x.dims }];
  },
  run([x, axisInput], { node }) {
    const dims = x!.dims;
    const a = axisInput ? ints(axisInput)[0]! : 0;
    const axis = a < 0 ? a + dims.length : a;
    const exclusive = boolAttr(node, "exclusive", false);
    const reverse = boolAttr(node, "reverse", false);
    const [outer, len, inner] = aroundAxis(dims, axis);
    const big = typeof x!.data[0] === "bigint";
    const out = ndAlloc(x!.dtype, x!.data.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let acc: number | bigint = big ? 0n : 0;
        for (let s = 0; s < len; s++) {
          const j = reverse ? len - 1 - s : s;
          const at = (o * len + j) * inner + i;
          if (exclusive) {
            (out as Float64Array)[at] = acc as number;
            acc = (acc as number) + (x!.data[at] as number);
          } else {
            acc = (acc as number) + (x!.data[at] as number);
            (out as Float64Array)[at] = acc as number;
          }
        }
      }
    }
    return [{ dtype: x!.dtype, dims, data: out }];
  },
};

export const OV_REDUCTION: Record<string, OvOpDef> = {
  ReduceMean: reduction("mean"),
  ReduceMax: reduction("max"),
  ReduceMin: reduction("min"),
  ReduceSum: reduction("sum"),
  ReduceProd: reduction("prod"),
  ReduceL1: reduction("l1"),
  ReduceL2: reduction("l2"),
  SoftMax: { infer: sameAs0, run: ([x], { node }) => [softmax(x!, intAttr(node, "axis", 1))] },
  LogSoftmax: { infer: sameAs0, run: ([x], { node }) => [logSoftmax(x!, intAttr(node, "axis", 1))] },
  TopK: topK,
  CumSum: cumSum,
};
