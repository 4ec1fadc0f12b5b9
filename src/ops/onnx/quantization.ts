/**
 * Quantization ONNX ops: Quantize/DequantizeLinear, DynamicQuantizeLinear, and the integer
 * and quantized forms of Conv and MatMul (whose shapes are Conv's and MatMul's). Inference only.
 */
import { CONV_POOL_OPS } from "./conv-pool.js";
import { MATMUL_OPS } from "./matmul.js";
import { dtypeAttr, type InferContext, type OnnxOpDef, type OutputType } from "./op-def.js";

/** Conv/MatMul shape with another output type (integer and quantised forms). */
function reshaped(base: OnnxOpDef, inputs: number[], dtype: (ctx: InferContext) => OutputType["dtype"]): OnnxOpDef {
  return {
    infer(ctx) {
      const view: InferContext = { node: ctx.node, opset: ctx.opset, inputs: inputs.map((i) => ctx.inputs[i]) };
      return [{ dtype: dtype(ctx), shape: base.infer!(view)[0]?.shape }];
    },
  };
}

export const QUANTIZATION_OPS: Record<string, OnnxOpDef> = {
  QuantizeLinear: {
    infer: (ctx) => [
      { dtype: ctx.inputs[2]?.dtype ?? dtypeAttr(ctx.node, "output_dtype", "uint8") ?? "uint8", shape: ctx.inputs[0]?.shape },
    ],
  },
  DequantizeLinear: { infer: (ctx) => [{ dtype: ctx.inputs[1]?.dtype ?? "float32", shape: ctx.inputs[0]?.shape }] },
  DynamicQuantizeLinear: {
    infer: (ctx) => [
      { dtype: "uint8", shape: ctx.inputs[0]?.shape },
      { dtype: "float32", shape: [] },
      { dtype: "uint8", shape: [] },
    ],
  },
  ConvInteger: reshaped(CONV_POOL_OPS.Conv!, [0, 1], () => "int32"),
  QLinearConv: reshaped(CONV_POOL_OPS.Conv!, [0, 3], (ctx) => ctx.inputs[7]?.dtype),
  MatMulInteger: reshaped(MATMUL_OPS.MatMul!, [0, 1], () => "int32"),
  QLinearMatMul: reshaped(MATMUL_OPS.MatMul!, [0, 3], (ctx) => ctx.inputs[7]?.dtype),
};
