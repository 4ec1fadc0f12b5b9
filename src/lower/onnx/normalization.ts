/**
 * Lowering of ONNX normalization layers. BatchNormalization folds into a per-channel
 * multiply-add; the others become MVN-6 (which MYRIAD runs natively) followed by the affine
 * Multiply/Add, or NormalizeL2 and LRN.
 */
import type { DTypeName } from "../../ir/dtype.js";
import type { Value } from "../../ir/value.js";
import { normalizeAxis } from "../../ops/onnx/op-def.js";
import type { LowerContext } from "../context.js";
import { combine, type LoweringRule, reshaped } from "../rule-helpers.js";

function mvn(c: LowerContext, axes: number[], eps: number, inside: boolean): Value {
  return c.one("MVN", 6, [c.input(0), c.i64("axes", axes)], {
    normalize_variance: true,
    eps,
    eps_mode: inside ? "inside_sqrt" : "outside_sqrt",
  });
}

const batchNorm: LoweringRule = (c) => {
  // Inference BatchNormalization as y = x·s + o, s = scale/sqrt(var + ε), o = bias − mean·s,
  // folded into per-channel constants when the parameters are constants.
  if (c.node.getInt("training_mode", 0) === 1) c.fail("training-mode BatchNormalization (batch statistics) is not supported");
  const eps = c.node.getFloat("epsilon", 1e-5);
  const rank = c.shape(0).length;
  const channels = c.shape(0)[1]!;
  const dims = [1, channels, ...new Array<number>(rank - 2).fill(1)];
  const dtype: DTypeName = c.dtype(0);
  const params = [1, 2, 3, 4].map((i) => c.constant(i)?.toFloat32());
  if (params.every((p) => p)) {
    const [scale, bias, mean, variance] = params as Float32Array[];
    const s = Array.from(scale!, (g, i) => g / Math.sqrt(variance![i]! + eps));
    const o = Array.from(bias!, (b, i) => b - mean![i]! * s[i]!);
    const y = combine(c, "Multiply", c.input(0), c.floats("scale", s, dtype, dims));
    return [combine(c, "Add", y, c.floats("shift", o, dtype, dims))];
  }
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => reshaped(c, i, dims, ["scale", "bias", "mean", "variance"][i - 1]!));
  const std = c.one("Sqrt", 1, [combine(c, "Add", variance!, c.floats("epsilon", [eps], dtype, []))]);
  const normalized = combine(c, "Divide", combine(c, "Subtract", c.input(0), mean!), std);
  return [combine(c, "Add", combine(c, "Multiply", normalized, scale!), bias!)];
};

/**
 * GroupNormalization: MVN over each group of channels (x viewed as [N, G, −1]); the affine
 * is per group before op set 21 and per channel from 21 on.
 */
const groupNorm: LoweringRule = (c) => {
  const x = c.shape(0);
  const groups = c.node.getInt("num_groups") ?? c.fail("num_groups is missing");
  const grouped = c.one("Reshape", 1, [c.input(0), c.i64("groups", [x[0]!, groups, -1])], { special_zero: false });
  let y = c.one("MVN", 6, [grouped, c.i64("axes", [2])], {
    normalize_variance: true,
    eps: c.node.getFloat("epsilon", 1e-5),
    eps_mode: "inside_sqrt",
  });
  const perGroup = c.opset < 21;
  if (perGroup)
    y = combine(c, "Add", combine(c, "Multiply", y, reshaped(c, 1, [1, groups, 1], "scale")), reshaped(c, 2, [1, groups, 1], "bias"));
  y = c.one("Reshape", 1, [y, c.i64("shape", x)], { special_zero: false });
  if (perGroup) return [y];
  const perChannel = [1, x[1]!, ...x.slice(2).map(() => 1)];
  return [combine(c, "Add", combine(c, "Multiply", y, reshaped(c, 1, perChannel, "scale")), reshaped(c, 2, perChannel, "bias"))];
};

export const NORMALIZATION_LOWERING: Readonly<Record<string, LoweringRule>> = {
  BatchNormalization: batchNorm,
  LRN: (c) => {
    const attrs = {
      alpha: c.node.getFloat("alpha", 1e-4),
      beta: c.node.getFloat("beta", 0.75),
      bias: c.node.getFloat("bias", 1),
      size: c.node.getInt("size") ?? c.fail("size is missing"),
    };
    return [c.one("LRN", 1, [c.input(0), c.i64("axes", [1])], attrs)];
  },
  // ONNX's function: (X − E[X]) / (sqrt(Var[X]) + 1e-9).
  MeanVarianceNormalization: (c) => [
    mvn(
      c,
      (c.node.getInts("axes") ?? [0, 2, 3]).map((a) => normalizeAxis(a, c.shape(0).length)),
      1e-9,
      false,
    ),
  ],
  InstanceNormalization: (c) => {
    const x = c.shape(0);
    const axes = x.slice(2).map((_, i) => i + 2);
    const perChannel = [1, x[1]!, ...axes.map(() => 1)];
    const y = mvn(c, axes, c.node.getFloat("epsilon", 1e-5), true);
    return [combine(c, "Add", combine(c, "Multiply", y, reshaped(c, 1, perChannel, "scale")), reshaped(c, 2, perChannel, "bias"))];
  },
  LayerNormalization: (c) => {
    const rank = c.shape(0).length;
    const axis = normalizeAxis(c.node.getInt("axis", -1), rank);
    const axes = Array.from({ length: rank - axis }, (_, i) => axis + i);
    const eps = c.node.getFloat("epsilon", 1e-5);
    let y = combine(c, "Multiply", mvn(c, axes, eps, true), c.input(1));
    if (c.node.inputs[2]) y = combine(c, "Add", y, c.input(2));
    const used = (i: number) => Boolean(c.node.outputs[i]?.uses.length || c.node.outputs[i]?.isGraphOutput());
    if (!used(1) && !used(2)) return [y];
    // The training outputs: the mean and 1/sqrt(variance + ε) over the normalised axes.
    const mean = c.one("ReduceMean", 1, [c.input(0), c.i64("axes", axes)], { keep_dims: true });
    const d = combine(c, "Subtract", c.input(0), mean);
    const variance = c.one("ReduceMean", 1, [combine(c, "Multiply", d, d), c.i64("axes", axes)], { keep_dims: true });
    const std = c.one("Sqrt", 1, [combine(c, "Add", variance, c.floats("epsilon", [eps], c.dtype(0), []))]);
    return [y, mean, combine(c, "Divide", c.floats("one", [1], c.dtype(0), []), std)];
  },
  // y = x / sqrt(mean(x²) + ε) · scale over the axes from `axis` on.
  RMSNormalization: (c) => {
    const rank = c.shape(0).length;
    const axis = normalizeAxis(c.node.getInt("axis", -1), rank);
    const axes = Array.from({ length: rank - axis }, (_, i) => axis + i);
    const x = c.input(0);
    const meanSquare = c.one("ReduceMean", 1, [combine(c, "Multiply", x, x), c.i64("axes", axes)], { keep_dims: true });
    const rms = c.one("Sqrt", 1, [combine(c, "Add", meanSquare, c.floats("epsilon", [c.node.getFloat("epsilon", 1e-5)], c.dtype(0), []))]);
    return [combine(c, "Multiply", combine(c, "Divide", x, rms), c.input(1))];
  },
  LpNormalization: (c) => {
    const axis = normalizeAxis(c.node.getInt("axis", -1), c.shape(0).length);
    const p = c.node.getInt("p", 2);
    // A zero vector stays zero in ONNX: max(Σx², FLT_MIN) avoids 0/0 and changes nothing else.
    if (p === 2) return [c.one("NormalizeL2", 1, [c.input(0), c.i64("axes", [axis])], { eps: 1.1754943508222875e-38, eps_mode: "max" })];
    if (p !== 1) c.fail(`p=${p} is not supported`);
    return [combine(c, "Divide", c.input(0), c.one("ReduceL1", 4, [c.input(0), c.i64("axes", [axis])], { keep_dims: true }))];
  },
  GroupNormalization: groupNorm,
};
