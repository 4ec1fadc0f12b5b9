/**
 * OpenVINO elementwise ops: arithmetic, comparisons and logic with numpy broadcasting,
 * unary math, activations (their parameters from attributes or inputs), Select, Convert and
 * the IsNaN/IsInf/IsFinite tests. The math is the shared kernels'; the output keeps the
 * broadcast dims of the data inputs.
 */
import { type DTypeName, isIntegerDType } from "../../ir/dtype.js";
import type { Node } from "../../ir/node.js";
import { type BinaryOp, binary, binaryResultType, clamp, erf, relu, roundHalfEven, select, unaryMap } from "../kernels/elementwise.js";
import { type NdArray, ndCast } from "../ndarray.js";
import { broadcastShapes, formatDims } from "./dims.js";
import { dtypeFromElementType } from "./element-types.js";
import { floatAttr, type OvOpDef, type OvPortInfo, type OvRunContext, required, ShapeError, strAttr } from "./op-def.js";

/** Broadcast of the data inputs (auto_broadcast "none" requires equal shapes). */
function broadcastOf(inputs: readonly (OvPortInfo | undefined)[], count: number, node: Node): number[] {
  const shapes = Array.from({ length: count }, (_, i) => required(inputs, i).dims);
  if (strAttr(node, "auto_broadcast", "numpy").toLowerCase() === "none" && shapes.some((s) => formatDims(s) !== formatDims(shapes[0]!)))
    throw new ShapeError(`auto_broadcast is none but the input shapes ${shapes.map(formatDims).join(" and ")} differ`);
  return broadcastShapes(shapes);
}

/** `exact` for ops whose result is one of their operands (maximum, minimum). */
function binaryOp(op: BinaryOp, exact = false): OvOpDef {
  return {
    exact,
    infer: (inputs, { node }) => [{ dtype: binaryResultType(op, required(inputs, 0).dtype), dims: broadcastOf(inputs, 2, node) }],
    run: ([a, b]) => [binary(op, a!, b!)],
  };
}

/** Same dims as input 0; dtype input 0's or a fixed one. */
function sameShape(dtype?: DTypeName): OvOpDef["infer"] {
  return (inputs) => {
    const x = required(inputs, 0);
    return [{ dtype: dtype ?? x.dtype, dims: x.dims }];
  };
}

function map(f: (x: number) => number, big?: (x: bigint) => bigint): OvOpDef {
  return { infer: sameShape(), run: ([x]) => [unaryMap(x!, f, big)] };
}

/** A float predicate as a boolean tensor (IsNaN, IsInf, IsFinite). */
function predicate(f: (x: number) => boolean): (x: NdArray) => NdArray {
  return (x) => unaryMap(x, (v) => (f(v) ? 1 : 0), undefined, "bool");
}

/** A unary map whose function depends on the node (attributes). */
function mapWith(make: (ctx: OvRunContext) => (x: number) => number): OvOpDef {
  return { infer: sameShape(), run: ([x], ctx) => [unaryMap(x!, make(ctx))] };
}

/** First value of a scalar parameter input. */
const scalarOf = (a: NdArray | undefined, fallback: number) => (a && a.data.length ? Number(a.data[0]) : fallback);

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const roundHalfAwayFromZero = (x: number) => Math.sign(x) * Math.round(Math.abs(x));
const gelu = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));
const geluTanh = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

/** PRelu: a 1-D slope as long as the channel axis applies per channel, otherwise it broadcasts (the OpenVINO PRelu specification). */
function prelu(x: NdArray, s: NdArray): NdArray {
  const dims = x.dims;
  if (s.dims.length === 1 && dims.length > 1 && s.dims[0] === dims[1] && s.dims[0] !== 1) {
    const c = dims[1]!;
    const inner = dims.slice(2).reduce((p, q) => p * q, 1);
    const xd = x.data as Float64Array;
    const out = new Float64Array(xd.length);
    for (let i = 0; i < out.length; i++) {
      const v = xd[i]!;
      out[i] = v < 0 ? v * Number(s.data[Math.floor(i / inner) % c]) : v;
    }
    return { dtype: x.dtype, dims, data: out };
  }
  return binary("prelu", x, s);
}

export const OV_ELEMENTWISE: Record<string, OvOpDef> = {
  Add: binaryOp("add"),
  Subtract: binaryOp("subtract"),
  Multiply: binaryOp("multiply"),
  Divide: binaryOp("divide"),
  Power: binaryOp("power"),
  Maximum: binaryOp("maximum", true),
  Minimum: binaryOp("minimum", true),
  SquaredDifference: binaryOp("squaredDifference"),
  // FloorMod takes the divisor's sign (Python %), Mod the dividend's (C fmod).
  FloorMod: binaryOp("floorMod"),
  Mod: binaryOp("truncMod"),
  Equal: binaryOp("equal"),
  NotEqual: binaryOp("notEqual"),
  Less: binaryOp("less"),
  LessEqual: binaryOp("lessEqual"),
  Greater: binaryOp("greater"),
  GreaterEqual: binaryOp("greaterEqual"),
  LogicalAnd: binaryOp("and"),
  LogicalOr: binaryOp("or"),
  LogicalXor: binaryOp("xor"),
  LogicalNot: { infer: sameShape("bool"), run: ([x]) => [unaryMap(x!, (v) => (v ? 0 : 1), undefined, "bool")] },
  Select: {
    exact: true,
    infer: (inputs, { node }) => [{ dtype: required(inputs, 1).dtype, dims: broadcastOf(inputs, 3, node) }],
    run: ([c, x, y]) => [select(c!, x!, y!)],
  },
  Abs: { ...map(Math.abs, (x) => (x < 0n ? -x : x)), exact: true },
  Negative: {
    ...map(
      (x) => -x,
      (x) => -x,
    ),
    exact: true,
  },
  ReLU: { exact: true, infer: sameShape(), run: ([x]) => [relu(x!)] },
  Sigmoid: map(sigmoid),
  Tanh: map(Math.tanh),
  Exp: map(Math.exp),
  Log: map(Math.log),
  Sqrt: map(Math.sqrt),
  Floor: map(Math.floor),
  Ceiling: map(Math.ceil),
  Erf: map(erf),
  Sin: map(Math.sin),
  Cos: map(Math.cos),
  Tan: map(Math.tan),
  Asin: map(Math.asin),
  Acos: map(Math.acos),
  Atan: map(Math.atan),
  Sinh: map(Math.sinh),
  Cosh: map(Math.cosh),
  Asinh: map(Math.asinh),
  Acosh: map(Math.acosh),
  Atanh: map(Math.atanh),
  Sign: map(Math.sign, (x) => (x > 0n ? 1n : x < 0n ? -1n : 0n)),
  SoftPlus: map((x) => Math.log1p(Math.exp(x))),
  SoftSign: map((x) => x / (1 + Math.abs(x))),
  HSwish: map((x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6),
  HSigmoid: map((x) => Math.min(Math.max(x + 3, 0), 6) / 6),
  Mish: map((x) => x * Math.tanh(Math.log1p(Math.exp(x)))),
  IsNaN: { infer: sameShape("bool"), run: ([x]) => [predicate(Number.isNaN)(x!)] },
  IsFinite: { infer: sameShape("bool"), run: ([x]) => [predicate(Number.isFinite)(x!)] },
  IsInf: {
    infer: sameShape("bool"),
    run([x], { node }) {
      const neg = strAttr(node, "detect_negative", "true") === "true";
      const pos = strAttr(node, "detect_positive", "true") === "true";
      return [predicate((v) => (v === Infinity && pos) || (v === -Infinity && neg))(x!)];
    },
  },
  Round: mapWith(({ node }) => (strAttr(node, "mode", "half_to_even") === "half_away_from_zero" ? roundHalfAwayFromZero : roundHalfEven)),
  Elu: mapWith(({ node }) => {
    const alpha = floatAttr(node, "alpha", 1);
    return (x) => (x > 0 ? x : alpha * Math.expm1(x));
  }),
  Gelu: mapWith(({ node, version }) =>
    version >= 7 && strAttr(node, "approximation_mode", "erf").toLowerCase() === "tanh" ? geluTanh : gelu,
  ),
  Clamp: {
    infer: sameShape(),
    run([x], { node }) {
      const lo = floatAttr(node, "min", -Infinity);
      const hi = floatAttr(node, "max", Infinity);
      // Integer data clamps to the integers inside [min, max] (the specification's ceil/floor).
      return [isIntegerDType(x!.dtype) ? clamp(x!, Math.ceil(lo), Math.floor(hi)) : clamp(x!, lo, hi)];
    },
  },
  // Selu-1, HardSigmoid-1 and Swish-4 take their parameters as inputs.
  Selu: {
    infer: sameShape(),
    run([x, alpha, lambda]) {
      const a = scalarOf(alpha, 0);
      const l = scalarOf(lambda, 0);
      return [unaryMap(x!, (v) => l * (v > 0 ? v : a * Math.expm1(v)))];
    },
  },
  HardSigmoid: {
    infer: sameShape(),
    run([x, alpha, beta]) {
      const a = scalarOf(alpha, 0);
      const b = scalarOf(beta, 0);
      return [unaryMap(x!, (v) => Math.max(0, Math.min(1, a * v + b)))];
    },
  },
  Swish: {
    infer: sameShape(),
    run([x, beta]) {
      const b = scalarOf(beta, 1);
      return [unaryMap(x!, (v) => v / (1 + Math.exp(-b * v)))];
    },
  },
  PRelu: { infer: sameShape(), run: ([x, slope]) => [prelu(x!, slope!)] },
  Convert: {
    infer(inputs, { node }) {
      return [{ dtype: convertTarget(node), dims: required(inputs, 0).dims }];
    },
    run: ([x], { node }) => [ndCast(x!, convertTarget(node))],
  },
};

function convertTarget(node: Node): DTypeName {
  const to = dtypeFromElementType(strAttr(node, "destination_type", "f32"));
  if (!to) throw new Error(`Convert to ${strAttr(node, "destination_type", "")} is not supported`);
  return to;
}
