/**
 * Folds an inference BatchNormalization into the Conv, ConvTranspose or Gemm before it:
 * y = (conv(x) − mean)·s + bias with s = scale/√(var + ε) becomes a conv with weights scaled
 * per output channel and bias (b − mean)·s + bias. Applies when every parameter is a float32
 * constant, the producer's output is read only by the BatchNormalization, and the BN is in
 * inference form (no training_mode, running statistics unused).
 */
import type { Node } from "../../../ir/node.js";
import { Tensor } from "../../../ir/tensor.js";
import type { Value } from "../../../ir/value.js";
import { rewritePass } from "../../rewrite/pass.js";
import { defineRule } from "../../rewrite/rule.js";
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

const PRODUCERS = ["Conv", "ConvTranspose", "Gemm"];

/** Why the BN's parameters or the producer's weights cannot be folded, checked before anything is computed. */
function whyNotFoldable(producer: Node, bn: Node): string | undefined {
  const params = [1, 2, 3, 4].map((i) => f32(bn.inputs[i]));
  if (params.some((p) => !p)) return "its scale, bias, mean and variance are not all float32 constants";
  const channels = params[0]!.length;
  const w = constantOf(producer.inputs[1]);
  if (!w || w.dtype !== "float32") return `the ${producer.opType}'s weight is not a float32 constant`;
  // Gemm: alpha·A·B + beta·C; fold only the plain form.
  // (Its output is always 2-D, so the BN's channel axis 1 is Gemm's N.)
  if (
    producer.opType === "Gemm" &&
    (producer.getFloat("alpha", 1) !== 1 || producer.getFloat("beta", 1) !== 1 || producer.getInt("transA", 0) !== 0)
  )
    return "the Gemm scales its terms (alpha, beta) or transposes A";
  const channelOfW = channelOf(producer, w.dims);
  for (let i = 0; i < w.size; i++) if (channelOfW(i) >= channels) return `the weight has more output channels than the BN's ${channels}`;
  const bias = producer.inputs[2];
  const oldBias = bias ? f32(bias) : new Float32Array(channels);
  if (!oldBias) return `the ${producer.opType}'s bias is not a float32 constant`;
  if (oldBias.length !== channels && oldBias.length !== 1) return `the bias has ${oldBias.length} values for ${channels} channels`;
  return undefined;
}

const foldBatchNorm = defineRule({
  name: "fold-batchnorm",
  opTypes: ["BatchNormalization"],
  match(bn) {
    if (!isOnnxDomain(bn) || !isInferenceBN(bn)) return undefined;
    const x = bn.inputs[0];
    const p = x?.producer;
    if (!x || !p || p.graph !== bn.graph || !isOnnxDomain(p) || !PRODUCERS.includes(p.opType)) return undefined;
    if (x.uses.length !== 1 || x.isGraphOutput()) return undefined;
    return { producer: p };
  },
  check(bn, { producer }) {
    return whyNotFoldable(producer, bn);
  },
  rewrite(bn, { producer }, ctx) {
    const affine = bnAffine(bn)!;
    const channels = affine.s.length;
    const w = constantOf(producer.inputs[1])!;
    const wv = w.toFloat32();
    const channelOfW = channelOf(producer, w.dims);
    const scaled = new Float32Array(wv.length);
    for (let i = 0; i < wv.length; i++) scaled[i] = wv[i]! * affine.s[channelOfW(i)]!;
    const oldBias = producer.inputs[2] ? f32(producer.inputs[2])! : new Float32Array(channels);
    const bias = new Float32Array(channels);
    for (let c = 0; c < channels; c++) bias[c] = oldBias[oldBias.length === 1 ? 0 : c]! * affine.s[c]! + affine.o[c]!;
    const base = producer.name || producer.opType;
    producer.setInput(1, ctx.constant(`${base}_bn_weight`, Tensor.fromArray("float32", w.dims, scaled)));
    while (producer.inputs.length < 2) producer.appendInput(undefined);
    producer.setInput(2, ctx.constant(`${base}_bn_bias`, Tensor.fromArray("float32", [channels], bias)));
    ctx.touch(producer);
    // The producer now computes the BN's output: its users (and name) move over.
    return { replaceWith: [producer.outputs[0]] };
  },
});

export const foldBatchNormPass = rewritePass({ name: "fold-batchnorm", rules: [foldBatchNorm] });
