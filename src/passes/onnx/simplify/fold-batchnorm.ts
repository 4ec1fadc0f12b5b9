/**
 * Folds an inference BatchNormalization into the Conv, ConvTranspose or Gemm before it:
 * y = (conv(x) − mean)·s + bias with s = scale/√(var + ε) becomes a conv with weights scaled
 * per output channel and bias (b − mean)·s + bias. Applies when every parameter is a float32
 * constant, the producer's output is read only by the BatchNormalization, and the BN is in
 * inference form (no training_mode, running statistics unused).
 */
import type { Graph } from "../../../ir/graph.js";
import type { Model } from "../../../ir/model.js";
import type { Node } from "../../../ir/node.js";
import { Tensor } from "../../../ir/tensor.js";
import { tensorType } from "../../../ir/types.js";
import { Value } from "../../../ir/value.js";
import type { Pass, PassResult } from "../../pass.js";
import { constantOf, isOnnxDomain } from "../op-context.js";

function f32(v: Value | undefined): Float32Array | undefined {
  const t = constantOf(v);
  return t && t.dtype === "float32" ? t.toFloat32() : undefined;
}

/** Per-output-channel multiplier s and offset o, so that bn(y) = y·s + o. */
function bnAffine(bn: Node): { s: Float64Array; o: Float64Array } | undefined {
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => f32(bn.inputs[i]));
  if (!scale || !bias || !mean || !variance) return undefined;
  const eps = bn.getFloat("epsilon", 1e-5);
  const n = scale.length;
  const s = new Float64Array(n);
  const o = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    s[c] = scale[c]! / Math.sqrt(variance[c]! + Math.fround(eps));
    o[c] = bias[c]! - mean[c]! * s[c]!;
  }
  return { s, o };
}

function isInferenceBN(bn: Node): boolean {
  if (bn.getInt("training_mode", 0) !== 0) return false;
  if (bn.version !== undefined && bn.version < 7 && bn.getInt("is_test", 1) !== 1) return false;
  return bn.outputs.slice(1).every((v) => !v || (v.uses.length === 0 && !v.isGraphOutput()));
}

function newConstant(graph: Graph, base: string, t: Tensor): Value {
  const v = new Value(graph.uniqueName(base), tensorType(t.dtype, t.dims));
  t.name = v.name;
  return graph.addInitializer(v, t);
}

/**
 * Output channel of each weight element: Conv weights are [M, C/g, k…] (channel = axis 0);
 * ConvTranspose [C, M/g, k…] (channel = group·(M/g) + axis 1); Gemm B is [K, N] or, with
 * transB, [N, K].
 */
function channelOf(producer: Node, dims: readonly number[]): (i: number) => number {
  const inner = dims.slice(2).reduce((a, b) => a * b, 1);
  switch (producer.opType) {
    case "Conv":
      return (i) => Math.floor(i / (dims[1]! * inner));
    case "ConvTranspose": {
      const group = producer.getInt("group", 1);
      const perGroupIn = dims[0]! / group;
      return (i) => {
        const ci = Math.floor(i / (dims[1]! * inner));
        const j = Math.floor(i / inner) % dims[1]!;
        return Math.floor(ci / perGroupIn) * dims[1]! + j;
      };
    }
    default:
      return producer.getInt("transB", 0) === 1 ? (i) => Math.floor(i / dims[1]!) : (i) => i % dims[1]!;
  }
}

function foldInto(graph: Graph, producer: Node, bn: Node): boolean {
  const affine = bnAffine(bn);
  if (!affine) return false;
  const wIndex = 1;
  const w = constantOf(producer.inputs[wIndex]);
  if (!w || w.dtype !== "float32") return false;
  if (producer.opType === "Gemm") {
    // Gemm: alpha·A·B + beta·C; fold only the plain form.
    // (Its output is always 2-D, so the BN's channel axis 1 is Gemm's N.)
    if (producer.getFloat("alpha", 1) !== 1 || producer.getFloat("beta", 1) !== 1 || producer.getInt("transA", 0) !== 0) return false;
  }
  const channels = affine.s.length;
  const wv = w.toFloat32();
  const channelOfW = channelOf(producer, w.dims);
  const scaled = new Float32Array(wv.length);
  for (let i = 0; i < wv.length; i++) {
    const c = channelOfW(i);
    if (c >= channels) return false;
    scaled[i] = wv[i]! * affine.s[c]!;
  }
  const biasIndex = 2;
  const oldBias = producer.inputs[biasIndex] ? f32(producer.inputs[biasIndex]) : new Float32Array(channels);
  if (!oldBias || (oldBias.length !== channels && oldBias.length !== 1)) return false;
  const bias = new Float32Array(channels);
  for (let c = 0; c < channels; c++) bias[c] = oldBias[oldBias.length === 1 ? 0 : c]! * affine.s[c]! + affine.o[c]!;
  const base = producer.name || producer.opType;
  producer.setInput(wIndex, newConstant(graph, `${base}_bn_weight`, Tensor.fromArray("float32", w.dims, scaled)));
  while (producer.inputs.length < biasIndex) producer.appendInput(undefined);
  producer.setInput(biasIndex, newConstant(graph, `${base}_bn_bias`, Tensor.fromArray("float32", [channels], bias)));
  // The producer now computes the BN's output: move the BN's users (and name) over.
  graph.replaceValue(bn.outputs[0]!, producer.outputs[0]!);
  graph.removeNode(bn, { force: true });
  return true;
}

function fold(graph: Graph): boolean {
  let changed = false;
  for (const bn of [...graph.nodes]) {
    if (!bn.graph) continue;
    for (const sg of bn.subgraphs()) changed = fold(sg) || changed;
    if (bn.opType !== "BatchNormalization" || !isOnnxDomain(bn) || !isInferenceBN(bn)) continue;
    const x = bn.inputs[0];
    const p = x?.producer;
    if (!x || !p || p.graph !== graph || !isOnnxDomain(p) || !["Conv", "ConvTranspose", "Gemm"].includes(p.opType)) continue;
    if (x.uses.length !== 1 || x.isGraphOutput()) continue;
    changed = foldInto(graph, p, bn) || changed;
  }
  return changed;
}

export const foldBatchNormPass: Pass = {
  name: "fold-batchnorm",
  dialect: "onnx",
  description: "fold inference BatchNormalization into the preceding Conv, ConvTranspose or Gemm",
  run(model: Model): PassResult {
    return { changed: fold(model.graph) };
  },
};
