/**
 * Elementwise ONNX ops: unary maps and activations, broadcasting binary arithmetic,
 * comparisons and logic, variadic Max/Min/Sum/Mean, Where, Clip, Cast/CastLike/BitCast,
 * IsNaN/IsInf and the bitwise ops. The output shape is the broadcast of the inputs. The
 * common ones also fold; the rest are inference only.
 */
import { type DTypeName, dtypeInfo } from "../../ir/dtype.js";
import type { Node } from "../../ir/node.js";
import { broadcastDims, broadcastIndex, type CastOptions, isBigDtype, type NdArray, ndAlloc, ndCast } from "../ndarray.js";
import {
  broadcastOp,
  broadcastShapes,
  dtypeAttr,
  type InferContext,
  type OnnxOpDef,
  type OutputType,
  sameAsInput0,
  sameAsInputOp,
} from "./op-def.js";

function unary(f: (x: number) => number, big?: (x: bigint) => bigint): OnnxOpDef {
  return {
    infer: sameAsInput0,
    fold([a], { node }) {
      const x = a!;
      const out = ndAlloc(x.dtype, x.data.length);
      if (isBigDtype(x.dtype)) {
        if (!big) throw new Error(`${node.opType} has no integer kernel`);
        for (let i = 0; i < x.data.length; i++) (out as BigInt64Array)[i] = big(x.data[i] as bigint);
      } else {
        for (let i = 0; i < x.data.length; i++) (out as Float64Array)[i] = f(x.data[i] as number);
      }
      return [{ dtype: x.dtype, dims: x.dims, data: out }];
    },
  };
}

/** Unary ops whose parameters come from attributes. */
function unaryWith(make: (get: (name: string, fallback: number) => number) => (x: number) => number): OnnxOpDef {
  return {
    infer: sameAsInput0,
    fold([a], { node }) {
      const f = make((name, fallback) => node.getFloat(name, fallback));
      const x = a!;
      const out = new Float64Array(x.data.length);
      for (let i = 0; i < out.length; i++) out[i] = f(x.data[i] as number);
      return [{ dtype: x.dtype, dims: x.dims, data: out }];
    },
  };
}

type Binary = { num: (a: number, b: number) => number; big?: (a: bigint, b: bigint) => bigint | boolean };

function binaryFold(inputs: readonly NdArray[], op: Binary, outDtype: DTypeName | undefined): NdArray {
  const [a, b] = inputs as [NdArray, NdArray];
  const dims = broadcastDims(a.dims, b.dims);
  if (!dims) throw new Error(`shapes [${a.dims}] and [${b.dims}] do not broadcast`);
  const ia = broadcastIndex(a.dims, dims);
  const ib = broadcastIndex(b.dims, dims);
  const dtype = outDtype ?? a.dtype;
  const n = ia.length;
  if (isBigDtype(a.dtype)) {
    if (!op.big) throw new Error("no integer kernel");
    const out = ndAlloc(dtype, n);
    for (let i = 0; i < n; i++) {
      const r = op.big(a.data[ia[i]!] as bigint, b.data[ib[i]!] as bigint);
      (out as Float64Array)[i] = (typeof r === "boolean" ? (r ? 1 : 0) : isBigDtype(dtype) ? r : Number(r)) as number;
    }
    return { dtype, dims, data: out };
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = op.num(a.data[ia[i]!] as number, b.data[ib[i]!] as number);
  return { dtype, dims, data: out };
}

const isIntDtype = (d: DTypeName | undefined) => d !== undefined && /^u?int/.test(d);

function binary(op: Binary, outDtype?: DTypeName): OnnxOpDef {
  return {
    infer: (ctx) => [{ dtype: outDtype ?? ctx.inputs[0]?.dtype, shape: broadcastShapes([ctx.inputs[0]?.shape, ctx.inputs[1]?.shape]) }],
    fold: (inputs) => [binaryFold(inputs as NdArray[], op, outDtype)],
  };
}

/** Division: integers truncate toward zero, as C and onnxruntime do. */
const div: OnnxOpDef = {
  infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: broadcastShapes([ctx.inputs[0]?.shape, ctx.inputs[1]?.shape]) }],
  fold(inputs) {
    const int = isIntDtype(inputs[0]!.dtype);
    return [binaryFold(inputs as NdArray[], { num: int ? (a, b) => Math.trunc(a / b) : (a, b) => a / b, big: (a, b) => a / b }, undefined)];
  },
};

/** Pow: computed in double; an integer base gives an integer result (truncated). */
const pow: OnnxOpDef = {
  infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: broadcastShapes([ctx.inputs[0]?.shape, ctx.inputs[1]?.shape]) }],
  fold(inputs) {
    const asNumbers = (x: NdArray): NdArray =>
      x.data instanceof Float64Array ? x : { dtype: "float64", dims: x.dims, data: Float64Array.from(x.data as BigInt64Array, Number) };
    const r = binaryFold([asNumbers(inputs[0]!), asNumbers(inputs[1]!)], { num: Math.pow }, undefined);
    if (!isBigDtype(inputs[0]!.dtype)) return [r];
    return [{ dtype: inputs[0]!.dtype, dims: r.dims, data: BigInt64Array.from(r.data as Float64Array, (v) => BigInt(Math.trunc(v))) }];
  },
};

/** Mod: fmod=0 takes the divisor's sign (Python %), fmod=1 the dividend's (C fmod). */
const mod: OnnxOpDef = {
  infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: broadcastShapes([ctx.inputs[0]?.shape, ctx.inputs[1]?.shape]) }],
  fold(inputs, { node }) {
    const fmod = node.getInt("fmod", 0) === 1;
    const op: Binary = fmod
      ? { num: (a, b) => a % b, big: (a, b) => a % b }
      : { num: (a, b) => a - Math.floor(a / b) * b, big: (a, b) => ((a % b) + b) % b };
    return [binaryFold(inputs as NdArray[], op, undefined)];
  },
};

function variadic(op: Binary): OnnxOpDef {
  return {
    infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: broadcastShapes(ctx.inputs.map((i) => i?.shape)) }],
    fold(inputs) {
      let acc = inputs[0]!;
      for (const x of inputs.slice(1)) acc = binaryFold([acc, x!], op, undefined);
      return [acc];
    },
  };
}

export const erf = (x: number): number => {
  // Abramowitz–Stegun 7.1.26 is too coarse for folding; use the series/continued fraction split.
  const t = Math.abs(x);
  if (t < 2.5) {
    let sum = x;
    let term = x;
    for (let n = 1; n < 60; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction for large |x|.
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (t + f);
  const erfc = Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f);
  return x > 0 ? 1 - erfc : erfc - 1;
};

/** Round half to even (numpy, ONNX Round, onnxruntime's nearbyint). */
export const roundHalfEven = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
};

const sameShapeAs =
  (dtype: DTypeName) =>
  (ctx: InferContext): OutputType[] => [{ dtype, shape: ctx.inputs[0]?.shape }];

function castOptions(node: Node): CastOptions {
  return { saturate: node.getInt("saturate", 1) !== 0, roundMode: node.getString("round_mode", "up") as CastOptions["roundMode"] };
}

export const ELEMENTWISE_OPS: Record<string, OnnxOpDef> = {
  Abs: unary(Math.abs, (x) => (x < 0n ? -x : x)),
  Neg: unary(
    (x) => -x,
    (x) => -x,
  ),
  Relu: unary(
    (x) => (x > 0 ? x : 0),
    (x) => (x > 0n ? x : 0n),
  ),
  Sigmoid: unary((x) => 1 / (1 + Math.exp(-x))),
  Tanh: unary(Math.tanh),
  Exp: unary(Math.exp),
  Log: unary(Math.log),
  Sqrt: unary(Math.sqrt),
  Reciprocal: unary((x) => 1 / x),
  Floor: unary(Math.floor),
  Ceil: unary(Math.ceil),
  Round: unary(roundHalfEven),
  Sign: unary(Math.sign, (x) => (x > 0n ? 1n : x < 0n ? -1n : 0n)),
  Sin: unary(Math.sin),
  Cos: unary(Math.cos),
  Erf: unary(erf),
  Softsign: unary((x) => x / (1 + Math.abs(x))),
  Softplus: unary((x) => Math.log1p(Math.exp(x))),
  Not: {
    infer: sameAsInput0,
    fold: ([a]) => [{ dtype: "bool", dims: a!.dims, data: Float64Array.from(a!.data as Float64Array, (v) => (v ? 0 : 1)) }],
  },
  HardSigmoid: unaryWith((get) => {
    const alpha = get("alpha", 0.2);
    const beta = get("beta", 0.5);
    return (x) => Math.max(0, Math.min(1, alpha * x + beta));
  }),
  HardSwish: unary((x) => x * Math.max(0, Math.min(1, x / 6 + 0.5))),
  LeakyRelu: unaryWith((get) => {
    const alpha = get("alpha", 0.01);
    return (x) => (x >= 0 ? x : alpha * x);
  }),
  Elu: unaryWith((get) => {
    const alpha = get("alpha", 1);
    return (x) => (x >= 0 ? x : alpha * (Math.exp(x) - 1));
  }),
  Selu: unaryWith((get) => {
    const alpha = get("alpha", 1.6732631921768188);
    const gamma = get("gamma", 1.0507010221481323);
    return (x) => gamma * (x > 0 ? x : alpha * (Math.exp(x) - 1));
  }),
  Add: binary({ num: (a, b) => a + b, big: (a, b) => BigInt.asIntN(64, a + b) }),
  Sub: binary({ num: (a, b) => a - b, big: (a, b) => BigInt.asIntN(64, a - b) }),
  Mul: binary({ num: (a, b) => a * b, big: (a, b) => BigInt.asIntN(64, a * b) }),
  Div: div,
  Pow: pow,
  Mod: mod,
  PRelu: binary({ num: (x, slope) => (x < 0 ? slope * x : x) }),
  Equal: binary({ num: (a, b) => (a === b ? 1 : 0), big: (a, b) => a === b }, "bool"),
  Less: binary({ num: (a, b) => (a < b ? 1 : 0), big: (a, b) => a < b }, "bool"),
  LessOrEqual: binary({ num: (a, b) => (a <= b ? 1 : 0), big: (a, b) => a <= b }, "bool"),
  Greater: binary({ num: (a, b) => (a > b ? 1 : 0), big: (a, b) => a > b }, "bool"),
  GreaterOrEqual: binary({ num: (a, b) => (a >= b ? 1 : 0), big: (a, b) => a >= b }, "bool"),
  And: binary({ num: (a, b) => (a && b ? 1 : 0) }, "bool"),
  Or: binary({ num: (a, b) => (a || b ? 1 : 0) }, "bool"),
  Xor: binary({ num: (a, b) => (a ? 1 : 0) ^ (b ? 1 : 0) }, "bool"),
  Max: variadic({ num: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)), big: (a, b) => (a > b ? a : b) }),
  Min: variadic({ num: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)), big: (a, b) => (a < b ? a : b) }),
  Sum: variadic({ num: (a, b) => a + b, big: (a, b) => a + b }),
  Where: {
    infer: (ctx) => [{ dtype: ctx.inputs[1]?.dtype, shape: broadcastShapes(ctx.inputs.map((i) => i?.shape)) }],
    fold([c, x, y]) {
      const dims = broadcastDims(broadcastDims(c!.dims, x!.dims) ?? [], y!.dims)!;
      const ic = broadcastIndex(c!.dims, dims);
      const ix = broadcastIndex(x!.dims, dims);
      const iy = broadcastIndex(y!.dims, dims);
      const out = ndAlloc(x!.dtype, ic.length);
      for (let i = 0; i < ic.length; i++) (out as Float64Array)[i] = (c!.data[ic[i]!] ? x!.data[ix[i]!] : y!.data[iy[i]!]) as number;
      return [{ dtype: x!.dtype, dims, data: out }];
    },
  },
  Clip: {
    infer: sameAsInput0,
    fold([x, lo, hi], { node, opset }) {
      // Before opset 11 the bounds are attributes; from 11 on, optional inputs.
      const min = opset < 11 ? node.getFloat("min", -Infinity) : lo ? Number(lo.data[0]) : -Infinity;
      const max = opset < 11 ? node.getFloat("max", Infinity) : hi ? Number(hi.data[0]) : Infinity;
      const out = ndAlloc(x!.dtype, x!.data.length);
      for (let i = 0; i < out.length; i++) {
        const v = Number(x!.data[i]);
        // min(max(x, lo), hi): when lo > hi every element becomes hi, as ONNX specifies.
        const c = Math.min(Math.max(v, min), max);
        (out as Float64Array)[i] = (isBigDtype(x!.dtype) ? BigInt(c) : c) as number;
      }
      return [{ dtype: x!.dtype, dims: x!.dims, data: out }];
    },
  },
  Cast: {
    infer: (ctx) => [{ dtype: dtypeAttr(ctx.node, "to"), shape: ctx.inputs[0]?.shape }],
    fold: ([x], { node }) => [ndCast(x!, dtypeAttr(node, "to")!, castOptions(node))],
  },
  CastLike: {
    infer: (ctx) => [{ dtype: ctx.inputs[1]?.dtype, shape: ctx.inputs[0]?.shape }],
    fold: ([x, like], { node }) => [ndCast(x!, like!.dtype, castOptions(node))],
  },
  BitCast: {
    // Same bytes, other type: equal widths keep the shape; a narrower type adds a last axis of the
    // width ratio, a wider one consumes it.
    infer(ctx) {
      const to = dtypeAttr(ctx.node, "to");
      const from = ctx.inputs[0]?.dtype;
      const s = ctx.inputs[0]?.shape;
      if (!to || !from || !s) return [{ dtype: to }];
      const wi = dtypeInfo(from).bits;
      const wo = dtypeInfo(to).bits;
      return [{ dtype: to, shape: wi === wo ? s : wi > wo ? [...s, wi / wo] : s.slice(0, -1) }];
    },
  },
  // Inference only: same shape and type as the input.
  Acos: sameAsInputOp,
  Acosh: sameAsInputOp,
  Asin: sameAsInputOp,
  Asinh: sameAsInputOp,
  Atan: sameAsInputOp,
  Atanh: sameAsInputOp,
  Tan: sameAsInputOp,
  Cosh: sameAsInputOp,
  Sinh: sameAsInputOp,
  Shrink: sameAsInputOp,
  ThresholdedRelu: sameAsInputOp,
  Celu: sameAsInputOp,
  Swish: sameAsInputOp,
  Gelu: sameAsInputOp,
  Mish: sameAsInputOp,
  BitwiseNot: sameAsInputOp,
  // Same shape, other type.
  IsInf: { infer: sameShapeAs("bool") },
  IsNaN: { infer: sameShapeAs("bool") },
  // Broadcasting.
  BitwiseAnd: broadcastOp,
  BitwiseOr: broadcastOp,
  BitwiseXor: broadcastOp,
  BitShift: broadcastOp,
  Mean: broadcastOp,
  SwiGLU: { infer: (ctx) => [{ dtype: ctx.inputs[0]?.dtype, shape: broadcastShapes([ctx.inputs[0]?.shape, ctx.inputs[1]?.shape]) }] },
};
