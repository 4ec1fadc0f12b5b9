/**
 * OpenVINO elementwise ops. Their semantics (numpy broadcasting) match ONNX's, so the
 * kernels are the ONNX ones, mapped by name; the activation ops with parameters are here.
 */

import { attr } from "../../ir/attribute.js";
import type { NdArray } from "../ndarray.js";
import { broadcastDims } from "../ndarray.js";
import { ELEMENTWISE_OPS, erf } from "../onnx/elementwise.js";
import type { OnnxOpDef } from "../onnx/op-def.js";
import { floatAttr, type OvOpDef, runOnnxKernel, strAttr } from "./op-def.js";

function via(onnx: OnnxOpDef): OvOpDef {
  return { run: (inputs, ctx) => onnx.fold!(inputs, { node: ctx.node, opset: 17 }) };
}

function map(f: (x: number) => number): OvOpDef {
  return {
    run([x]) {
      const out = new Float64Array(x!.data.length);
      for (let i = 0; i < out.length; i++) out[i] = f(Number(x!.data[i]));
      return [{ dtype: x!.dtype, dims: x!.dims, data: out }];
    },
  };
}

const E = ELEMENTWISE_OPS;

/** A float predicate as a boolean tensor (IsNaN, IsInf). */
function test(f: (x: number) => boolean): OvOpDef {
  return {
    run([x]) {
      const out = new Float64Array(x!.data.length);
      for (let i = 0; i < out.length; i++) out[i] = f(Number(x!.data[i])) ? 1 : 0;
      return [{ dtype: "bool", dims: x!.dims, data: out }];
    },
  };
}

const roundHalfAwayFromZero = (x: number) => Math.sign(x) * Math.round(Math.abs(x));
const gelu = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));
const geluTanh = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

const KERNELS: Record<string, OvOpDef> = {
  Add: via(E.Add!),
  Subtract: via(E.Sub!),
  Multiply: via(E.Mul!),
  Divide: via(E.Div!),
  Power: via(E.Pow!),
  Maximum: via(E.Max!),
  Minimum: via(E.Min!),
  Equal: via(E.Equal!),
  Less: via(E.Less!),
  LessEqual: via(E.LessOrEqual!),
  Greater: via(E.Greater!),
  GreaterEqual: via(E.GreaterOrEqual!),
  LogicalAnd: via(E.And!),
  LogicalOr: via(E.Or!),
  LogicalNot: via(E.Not!),
  Select: via(E.Where!),
  Abs: via(E.Abs!),
  Negative: via(E.Neg!),
  ReLU: via(E.Relu!),
  Sigmoid: via(E.Sigmoid!),
  Tanh: via(E.Tanh!),
  Exp: via(E.Exp!),
  Log: via(E.Log!),
  Sqrt: via(E.Sqrt!),
  Floor: via(E.Floor!),
  Ceiling: via(E.Ceil!),
  Erf: via(E.Erf!),
  Sin: via(E.Sin!),
  Cos: via(E.Cos!),
  SoftPlus: via(E.Softplus!),
  Tan: map(Math.tan),
  Asin: map(Math.asin),
  Acos: map(Math.acos),
  Atan: map(Math.atan),
  Sinh: map(Math.sinh),
  Cosh: map(Math.cosh),
  Asinh: map(Math.asinh),
  Acosh: map(Math.acosh),
  Atanh: map(Math.atanh),
  Sign: via(E.Sign!),
  SoftSign: map((x) => x / (1 + Math.abs(x))),
  LogicalXor: via(E.Xor!),
  // FloorMod takes the divisor's sign (Python %), Mod the dividend's (C fmod).
  FloorMod: { run: (inputs) => runOnnxKernel(E.Mod!, "Mod", 13, inputs, { fmod: attr.int(0) }) },
  Mod: { run: (inputs) => runOnnxKernel(E.Mod!, "Mod", 13, inputs, { fmod: attr.int(1) }) },
  IsNaN: test(Number.isNaN),
  IsInf: {
    run(inputs, { node }) {
      const neg = strAttr(node, "detect_negative", "true") === "true";
      const pos = strAttr(node, "detect_positive", "true") === "true";
      return test((x) => (x === Infinity && pos) || (x === -Infinity && neg)).run(inputs, { node, version: 10 });
    },
  },
  IsFinite: test(Number.isFinite),
  Round: {
    run(inputs, { node }) {
      if (strAttr(node, "mode", "half_to_even") === "half_away_from_zero")
        return map(roundHalfAwayFromZero).run(inputs, { node, version: 5 });
      return via(E.Round!).run(inputs, { node, version: 5 });
    },
  },
  Elu: {
    run(inputs, { node }) {
      const alpha = floatAttr(node, "alpha", 1);
      return map((x) => (x > 0 ? x : alpha * Math.expm1(x))).run(inputs, { node, version: 1 });
    },
  },
  Selu: {
    run([x, alpha, lambda], { node }) {
      const a = Number(alpha!.data[0]);
      const l = Number(lambda!.data[0]);
      return map((v) => l * (v > 0 ? v : a * Math.expm1(v))).run([x!], { node, version: 1 });
    },
  },
  Gelu: {
    run(inputs, { node, version }) {
      const tanh = version >= 7 && strAttr(node, "approximation_mode", "erf").toLowerCase() === "tanh";
      return map(tanh ? geluTanh : gelu).run(inputs, { node, version });
    },
  },
  HSwish: map((x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6),
  HSigmoid: map((x) => Math.min(Math.max(x + 3, 0), 6) / 6),
  Mish: map((x) => x * Math.tanh(Math.log1p(Math.exp(x)))),
  Clamp: {
    run([x], { node }) {
      const lo = floatAttr(node, "min", -Infinity);
      const hi = floatAttr(node, "max", Infinity);
      const out = new Float64Array(x!.data.length);
      for (let i = 0; i < out.length; i++) out[i] = Math.min(Math.max(Number(x!.data[i]), lo), hi);
      return [{ dtype: x!.dtype, dims: x!.dims, data: out }];
    },
  },
  // HardSigmoid-1 and Swish-4 take their parameters as inputs.
  HardSigmoid: {
    run([x, alpha, beta]) {
      const a = Number(alpha!.data[0]);
      const b = Number(beta!.data[0]);
      const out = new Float64Array(x!.data.length);
      for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(1, a * Number(x!.data[i]) + b));
      return [{ dtype: x!.dtype, dims: x!.dims, data: out }];
    },
  },
  Swish: {
    run([x, beta]) {
      const b = beta ? Number(beta.data[0]) : 1;
      const out = new Float64Array(x!.data.length);
      for (let i = 0; i < out.length; i++) {
        const v = Number(x!.data[i]);
        out[i] = v / (1 + Math.exp(-b * v));
      }
      return [{ dtype: x!.dtype, dims: x!.dims, data: out }];
    },
  },
  PRelu: {
    run([x, slope], ctx) {
      // A 1-D slope as long as the channel axis applies per channel; otherwise the slope
      // broadcasts numpy-style (the OpenVINO PRelu specification).
      const s = slope!;
      const dims = x!.dims;
      if (s.dims.length === 1 && dims.length > 1 && s.dims[0] === dims[1] && s.dims[0] !== 1) {
        const c = dims[1]!;
        const inner = dims.slice(2).reduce((p, q) => p * q, 1);
        const out = new Float64Array(x!.data.length);
        for (let i = 0; i < out.length; i++) {
          const v = Number(x!.data[i]);
          out[i] = v < 0 ? v * Number(s.data[Math.floor(i / inner) % c]) : v;
        }
        return [{ dtype: x!.dtype, dims, data: out }];
      }
      return E.PRelu!.fold!([x, s], { node: ctx.node, opset: 17 });
    },
  },
};

/** Ops whose result is boolean whatever their input type. */
const BOOLEAN_RESULT = new Set([
  "Equal",
  "NotEqual",
  "Less",
  "LessEqual",
  "Greater",
  "GreaterEqual",
  "LogicalAnd",
  "LogicalOr",
  "LogicalNot",
  "LogicalXor",
  "IsNaN",
  "IsInf",
  "IsFinite",
]);

/** Elementwise results have the inputs' broadcast dims; the dtype is boolean, Select's branches', or input 0's. */
function elementwiseTypes(type: string): OvOpDef["outputTypes"] {
  return (inputs) => {
    const data = inputs.filter((a, i) => a && !(["Swish", "HardSigmoid", "Selu"].includes(type) && i > 0));
    const dims = data.reduce<number[] | undefined>((acc, a) => (acc ? broadcastDims(acc, a.dims) : undefined), []) ?? [...inputs[0]!.dims];
    const dtype = BOOLEAN_RESULT.has(type) ? "bool" : type === "Select" ? inputs[1]!.dtype : inputs[0]!.dtype;
    return [{ dtype, dims }];
  };
}

export const OV_ELEMENTWISE: Record<string, OvOpDef> = Object.fromEntries(
  Object.entries(KERNELS).map(([type, def]) => [type, { ...def, outputTypes: elementwiseTypes(type) }]),
);

export type { NdArray };
