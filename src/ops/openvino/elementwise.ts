/**
 * OpenVINO elementwise ops. Their semantics (numpy broadcasting) match ONNX's, so the
 * kernels are the ONNX ones, mapped by name; the activation ops with parameters are here.
 */
import { ELEMENTWISE_OPS } from "../onnx/elementwise.js";
import type { NdArray } from "../ndarray.js";
import type { OnnxOpDef } from "../onnx/op-def.js";
import { floatAttr, type OvOpDef } from "./op-def.js";

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

export const OV_ELEMENTWISE: Record<string, OvOpDef> = {
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
  HSwish: map((x) => x * Math.min(Math.max(x + 3, 0), 6) / 6),
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

export type { NdArray };
