/**
 * Elementwise math on NdArrays, shared by the op tables: broadcasting binary ops, unary maps,
 * Select. Semantics are the ONNX kernels' (numpy broadcasting; integers truncate on division;
 * Max/Min propagate NaN; comparisons and logic give bool as 0/1); 64-bit integers compute in
 * bigint, exactly. Float data is computed in double and left for the caller to round once.
 *
 * The number loops run per broadcast run with the operation chosen once per run (a switch),
 * not through a function call per element.
 */
import type { DTypeName } from "../../ir/dtype.js";
import { broadcastDims, broadcastIndex, forEachBroadcastRun, isBigDtype, type NdArray, ndAlloc } from "../ndarray.js";
import { newFloat64 } from "./buffers.js";

export type BinaryOp =
  | "add"
  | "subtract"
  | "multiply"
  | "divide"
  | "power"
  | "maximum"
  | "minimum"
  | "squaredDifference"
  /** Remainder with the divisor's sign (Python %, ONNX Mod fmod=0, OpenVINO FloorMod). */
  | "floorMod"
  /** Remainder with the dividend's sign (C fmod, ONNX Mod fmod=1, OpenVINO Mod). */
  | "truncMod"
  | "equal"
  | "notEqual"
  | "less"
  | "lessEqual"
  | "greater"
  | "greaterEqual"
  | "and"
  | "or"
  | "xor"
  /** x < 0 ? slope·x : x, slope broadcast numpy-style (ONNX PRelu). */
  | "prelu";

const BOOLEAN_RESULT: ReadonlySet<BinaryOp> = new Set([
  "equal",
  "notEqual",
  "less",
  "lessEqual",
  "greater",
  "greaterEqual",
  "and",
  "or",
  "xor",
]);

/** The dtype a binary op produces from inputs of `dtype`. */
export function binaryResultType(op: BinaryOp, dtype: DTypeName): DTypeName {
  return BOOLEAN_RESULT.has(op) ? "bool" : dtype;
}

const isIntDtype = (d: DTypeName) => /^u?int/.test(d);

/** The bigint forms (int64/uint64 data); ops without one refuse such inputs. */
const BIG: Partial<Record<BinaryOp, (a: bigint, b: bigint) => bigint | boolean>> = {
  add: (a, b) => BigInt.asIntN(64, a + b),
  subtract: (a, b) => BigInt.asIntN(64, a - b),
  multiply: (a, b) => BigInt.asIntN(64, a * b),
  divide: (a, b) => a / b,
  maximum: (a, b) => (a > b ? a : b),
  minimum: (a, b) => (a < b ? a : b),
  squaredDifference: (a, b) => BigInt.asIntN(64, (a - b) * (a - b)),
  floorMod: (a, b) => ((a % b) + b) % b,
  truncMod: (a, b) => a % b,
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  less: (a, b) => a < b,
  lessEqual: (a, b) => a <= b,
  greater: (a, b) => a > b,
  greaterEqual: (a, b) => a >= b,
};

function bigBinary(op: BinaryOp, a: NdArray, b: NdArray, dims: number[], dtype: DTypeName): NdArray {
  const f = BIG[op];
  if (!f) throw new Error(`${op} has no 64-bit integer kernel`);
  const ia = broadcastIndex(a.dims, dims);
  const ib = broadcastIndex(b.dims, dims);
  const out = ndAlloc(dtype, ia.length);
  const big = isBigDtype(dtype);
  for (let i = 0; i < ia.length; i++) {
    const r = f(a.data[ia[i]!] as bigint, b.data[ib[i]!] as bigint);
    (out as Float64Array)[i] = (typeof r === "boolean" ? (r ? 1 : 0) : big ? r : Number(r)) as number;
  }
  return { dtype, dims, data: out };
}

/** One broadcast run of a number op: out[o + i] = op(a[ia + i·sa], b[ib + i·sb]). */
function numberRun(
  op: BinaryOp,
  intDivide: boolean,
  out: Float64Array,
  o: number,
  a: Float64Array,
  ia: number,
  sa: number,
  b: Float64Array,
  ib: number,
  sb: number,
  n: number,
): void {
  switch (op) {
    case "add":
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa]! + b[ib + i * sb]!;
      return;
    case "subtract":
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa]! - b[ib + i * sb]!;
      return;
    case "multiply":
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa]! * b[ib + i * sb]!;
      return;
    case "divide":
      if (intDivide) for (let i = 0; i < n; i++) out[o + i] = Math.trunc(a[ia + i * sa]! / b[ib + i * sb]!);
      else for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa]! / b[ib + i * sb]!;
      return;
    case "power":
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa]! ** b[ib + i * sb]!;
      return;
    case "maximum":
      for (let i = 0; i < n; i++) {
        const x = a[ia + i * sa]!;
        const y = b[ib + i * sb]!;
        out[o + i] = Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : Math.max(x, y);
      }
      return;
    case "minimum":
      for (let i = 0; i < n; i++) {
        const x = a[ia + i * sa]!;
        const y = b[ib + i * sb]!;
        out[o + i] = Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : Math.min(x, y);
      }
      return;
    case "squaredDifference":
      for (let i = 0; i < n; i++) {
        const d = a[ia + i * sa]! - b[ib + i * sb]!;
        out[o + i] = d * d;
      }
      return;
    case "floorMod":
      for (let i = 0; i < n; i++) {
        const x = a[ia + i * sa]!;
        const y = b[ib + i * sb]!;
        out[o + i] = x - Math.floor(x / y) * y;
      }
      return;
    case "truncMod":
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa]! % b[ib + i * sb]!;
      return;
    case "equal":
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa] === b[ib + i * sb] ? 1 : 0;
      return;
    case "notEqual":
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa] !== b[ib + i * sb] ? 1 : 0;
      return;
    case "less":
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa]! < b[ib + i * sb]! ? 1 : 0;
      return;
    case "lessEqual":
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa]! <= b[ib + i * sb]! ? 1 : 0;
      return;
    case "greater":
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa]! > b[ib + i * sb]! ? 1 : 0;
      return;
    case "greaterEqual":
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa]! >= b[ib + i * sb]! ? 1 : 0;
      return;
    case "and":
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa] && b[ib + i * sb] ? 1 : 0;
      return;
    case "or":
      for (let i = 0; i < n; i++) out[o + i] = a[ia + i * sa] || b[ib + i * sb] ? 1 : 0;
      return;
    case "xor":
      for (let i = 0; i < n; i++) out[o + i] = (a[ia + i * sa] ? 1 : 0) ^ (b[ib + i * sb] ? 1 : 0);
      return;
    case "prelu":
      for (let i = 0; i < n; i++) {
        const x = a[ia + i * sa]!;
        out[o + i] = x < 0 ? b[ib + i * sb]! * x : x;
      }
      return;
  }
}

/**
 * A binary op with numpy broadcasting. The result has input 0's dtype (bool for comparisons
 * and logic); 64-bit integer inputs compute exactly in bigint.
 */
export function binary(op: BinaryOp, a: NdArray, b: NdArray): NdArray {
  const dims = broadcastDims(a.dims, b.dims);
  if (!dims) throw new Error(`shapes [${a.dims}] and [${b.dims}] do not broadcast`);
  const dtype = binaryResultType(op, a.dtype);
  if (op === "power") return power(a, b, dims);
  if (isBigDtype(a.dtype)) return bigBinary(op, a, b, dims, dtype);
  const out = newFloat64(dims.reduce((p, d) => p * d, 1));
  const ad = a.data as Float64Array;
  const bd = b.data as Float64Array;
  const intDivide = isIntDtype(a.dtype);
  forEachBroadcastRun(a.dims, b.dims, dims, (o, ia, ib, n, sa, sb) => numberRun(op, intDivide, out, o, ad, ia, sa, bd, ib, sb, n));
  return { dtype, dims, data: out };
}

/** Power computes in double even for 64-bit integers, whose result is then truncated. */
function power(a: NdArray, b: NdArray, dims: number[]): NdArray {
  const asNumbers = (x: NdArray): Float64Array =>
    x.data instanceof Float64Array ? x.data : Float64Array.from(x.data as BigInt64Array, Number);
  const ad = asNumbers(a);
  const bd = asNumbers(b);
  const out = new Float64Array(dims.reduce((p, d) => p * d, 1));
  forEachBroadcastRun(a.dims, b.dims, dims, (o, ia, ib, n, sa, sb) => numberRun("power", false, out, o, ad, ia, sa, bd, ib, sb, n));
  if (!isBigDtype(a.dtype)) return { dtype: a.dtype, dims, data: out };
  return { dtype: a.dtype, dims, data: BigInt64Array.from(out, (v) => BigInt(Math.trunc(v))) };
}

/**
 * f applied to every element (the result keeps x's dims; its dtype is `dtype`, x's by
 * default). 64-bit integer data needs `big`, the bigint form.
 */
export function unaryMap(x: NdArray, f: (v: number) => number, big?: (v: bigint) => bigint, dtype: DTypeName = x.dtype): NdArray {
  const n = x.data.length;
  if (isBigDtype(x.dtype)) {
    if (!big) throw new Error("no 64-bit integer kernel");
    const out = ndAlloc(dtype, n);
    for (let i = 0; i < n; i++) (out as BigInt64Array)[i] = big(x.data[i] as bigint);
    return { dtype, dims: x.dims, data: out };
  }
  const src = x.data as Float64Array;
  const out = newFloat64(n);
  for (let i = 0; i < n; i++) out[i] = f(src[i]!);
  return { dtype, dims: x.dims, data: out };
}

/** max(x, 0); NaN becomes 0, as `x > 0 ? x : 0` gives (ONNX Relu). */
export function relu(x: NdArray): NdArray {
  if (isBigDtype(x.dtype)) return unaryMap(x, Math.abs, (v) => (v > 0n ? v : 0n));
  const src = x.data as Float64Array;
  const out = newFloat64(src.length);
  for (let from = 0; from < src.length; from += RELU_CHUNK) reluRange(src, out, from, Math.min(src.length, from + RELU_CHUNK));
  return { dtype: x.dtype, dims: x.dims, data: out };
}

/** Elements per call of reluRange: a small function called often is optimized soon, in the first tensor. */
const RELU_CHUNK = 8192;

function reluRange(src: Float64Array, out: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const v = src[i]!;
    out[i] = v > 0 ? v : 0;
  }
}

/** min(max(x, lo), hi) in double: when lo > hi every element becomes hi (ONNX Clip). */
export function clamp(x: NdArray, lo: number, hi: number): NdArray {
  const n = x.data.length;
  if (isBigDtype(x.dtype)) {
    const out = ndAlloc(x.dtype, n) as BigInt64Array;
    for (let i = 0; i < n; i++) out[i] = BigInt(Math.min(Math.max(Number(x.data[i]), lo), hi));
    return { dtype: x.dtype, dims: x.dims, data: out };
  }
  const src = x.data as Float64Array;
  const out = newFloat64(n);
  for (let i = 0; i < n; i++) out[i] = Math.min(Math.max(src[i]!, lo), hi);
  return { dtype: x.dtype, dims: x.dims, data: out };
}

/** cond ? x : y elementwise, all three broadcast (ONNX Where, OpenVINO Select); x's dtype. */
export function select(cond: NdArray, x: NdArray, y: NdArray): NdArray {
  const dims = broadcastDims(broadcastDims(cond.dims, x.dims) ?? [], y.dims);
  if (!dims || !broadcastDims(cond.dims, x.dims)) throw new Error(`shapes [${cond.dims}], [${x.dims}] and [${y.dims}] do not broadcast`);
  const ic = broadcastIndex(cond.dims, dims);
  const ix = broadcastIndex(x.dims, dims);
  const iy = broadcastIndex(y.dims, dims);
  const out = ndAlloc(x.dtype, ic.length);
  for (let i = 0; i < ic.length; i++) (out as Float64Array)[i] = (cond.data[ic[i]!] ? x.data[ix[i]!] : y.data[iy[i]!]) as number;
  return { dtype: x.dtype, dims, data: out };
}

/**
 * erf to double precision: the Maclaurin series below 2.5, the continued fraction of erfc
 * above (a polynomial fit such as Abramowitz–Stegun 7.1.26 is too coarse for folding).
 */
export function erf(x: number): number {
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
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (t + f);
  const erfc = Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f);
  return x > 0 ? 1 - erfc : erfc - 1;
}

/** Round half to even (ONNX Round, OpenVINO Round half_to_even). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}
