/**
 * myriad/quantized (warning): the model is quantized (onnxruntime's quantize_dynamic or
 * quantize_static, QDQ or QOperator, or a TFLite int8 model). MYRIAD has no integer
 * arithmetic, so convert computes the quantized ops with float/I32 layers; the finding says
 * which format it is and what each way of converting costs, in layers of the result.
 */
import type { Graph } from "../../ir/graph.js";
import type { Model } from "../../ir/model.js";
import type { Finding } from "../finding.js";
import { type RuleMeta, report } from "../rule.js";

export const QUANTIZED: RuleMeta = {
  id: "myriad/quantized",
  severity: "warning",
  description: "a quantized model (QDQ, QOperator or quantize_dynamic): which format, and what convert and convert --dequantize cost",
  docs:
    "MYRIAD computes in FP16 and I32 only; it has no integer convolution or matrix product, and its FakeQuantize does not exist " +
    "on the device. convert lowers quantized ops exactly with float/I32 layers (Round, Clamp, ReduceMin/ReduceMax for " +
    "DynamicQuantizeLinear), pre-scaling integer accumulations so FP16 does not overflow: onnxruntime's outputs to within one " +
    "quantization step. --dequantize drops the activation quantization instead (the saturation ranges, i.e. fused ReLUs, stay) " +
    "and dequantizes the weights: fewer layers, outputs as far from the quantized model's as its quantization error.",
  fixedBy: [],
};

/** Ops that only quantized models have, by the format they belong to. */
const FORMAT_OF: Readonly<Record<string, "dynamic" | "QOperator" | "QDQ">> = {
  DynamicQuantizeLinear: "dynamic",
  ConvInteger: "dynamic",
  MatMulInteger: "dynamic",
  QLinearConv: "QOperator",
  QLinearMatMul: "QOperator",
  QLinearAdd: "QOperator",
  QLinearMul: "QOperator",
  QLinearGlobalAveragePool: "QOperator",
  QLinearAveragePool: "QOperator",
  QLinearConcat: "QOperator",
  QLinearSigmoid: "QOperator",
  QLinearLeakyRelu: "QOperator",
  QuantizeLinear: "QDQ",
  DequantizeLinear: "QDQ",
};

/** The quantized ops of a graph and its subgraphs, by qualified type ("com.microsoft::QLinearAdd"), with counts. */
export function quantizedOps(g: Graph, out = new Map<string, number>()): Map<string, number> {
  for (const n of g.nodes) {
    if (FORMAT_OF[n.opType]) out.set(n.qualifiedType, (out.get(n.qualifiedType) ?? 0) + 1);
    for (const sg of n.subgraphs()) quantizedOps(sg, out);
  }
  return out;
}

/**
 * The finding for a quantized ONNX model, or none. `layers(dequantize)` converts the model
 * in memory and counts the layers of the result (undefined when it does not convert).
 */
export function quantizedModelFinding(model: Model, layers: (dequantize: boolean) => number | undefined): Finding[] {
  const ops = quantizedOps(model.graph);
  if (!ops.size) return [];
  const formats = new Set([...ops.keys()].map((op) => FORMAT_OF[op.replace(/^.*::/, "")]));
  // Q/DQ pairs next to QLinear ops are QOperator's input and output conversions.
  const format = formats.has("dynamic") ? "dynamic (quantize_dynamic)" : formats.has("QOperator") ? "QOperator" : "QDQ";
  const list = [...ops].map(([op, n]) => (n > 1 ? `${op} ×${n}` : op)).join(", ");
  const exact = layers(false);
  const dequantized = layers(true);
  const cost = (n: number | undefined) => (n === undefined ? "does not convert" : `${n.toLocaleString("en-US")} layers`);
  return [
    report(
      QUANTIZED,
      { name: "", opType: "" },
      `the model is quantized, ${format} format (${list}); MYRIAD has no integer arithmetic, so convert computes these ops ` +
        `with float/I32 layers: exactly, ${cost(exact)} (onnxruntime's outputs to within one quantization step), ` +
        `or with --dequantize, ${cost(dequantized)} (activation quantization dropped, weights dequantized; outputs may differ slightly)`,
      { suggestion: "convert --dequantize when the float model's accuracy is what matters; the float model itself converts best" },
    ),
  ];
}
