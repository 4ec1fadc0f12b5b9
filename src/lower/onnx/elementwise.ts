/**
 * Lowering of the ONNX elementwise ops: the renamed ones from the op-name map
 * (op-names.ts), parametrised activations, Clip, Where, PRelu, Mod, Mean, the float tests
 * and Cast/CastLike. Where OpenVINO has no op of opset1–opset10 (Reciprocal, Softsign,
 * ThresholdedRelu, Celu, Shrink) the rule composes one from ops with identical semantics.
 */
import { dtypeFromOnnx } from "../../ir/dtype.js";
import { Tensor } from "../../ir/tensor.js";
import type { Value } from "../../ir/value.js";
import type { LowerContext } from "../context.js";
import { combine, type LoweringRule } from "../rule-helpers.js";
import { ONNX_TO_OPENVINO, type OpenvinoEquivalent } from "./op-names.js";

const scalar = (c: LowerContext, name: string, v: number): Value => c.floats(name, [v], c.dtype(0), []);

/** Folds the inputs pairwise with a numpy-broadcasting op. */
const nary =
  (type: string): LoweringRule =>
  (c) => {
    let acc = c.input(0);
    for (let i = 1; i < c.node.inputs.length; i++) acc = combine(c, type, acc, c.input(i));
    return [acc];
  };

/** The rule of an op that OpenVINO has under another name. */
function renamed(ov: OpenvinoEquivalent): LoweringRule {
  return ov.inputs === "unary" ? (c) => [c.one(ov.type, ov.version, [c.input(0)])] : nary(ov.type);
}

const RENAMED_LOWERING: Readonly<Record<string, LoweringRule>> = Object.fromEntries(
  Object.entries(ONNX_TO_OPENVINO).map(([op, ov]) => [op, renamed(ov)]),
);

/** Clip: Clamp for constant bounds; Maximum/Minimum for computed ones. */
const clip: LoweringRule = (c) => {
  const F32_MAX = 3.4028234663852886e38;
  if (c.opset < 11)
    return [c.one("Clamp", 1, [c.input(0)], { min: c.node.getFloat("min", -F32_MAX), max: c.node.getFloat("max", F32_MAX) })];
  const bound = (i: number) => (c.node.inputs[i] ? c.constant(i)?.toFloat32()[0] : undefined);
  const computed = [1, 2].some((i) => c.node.inputs[i] && !c.constant(i));
  if (!computed) return [c.one("Clamp", 1, [c.input(0)], { min: bound(1) ?? -F32_MAX, max: bound(2) ?? F32_MAX })];
  let y = c.input(0);
  if (c.node.inputs[1]) y = combine(c, "Maximum", y, c.input(1));
  if (c.node.inputs[2]) y = combine(c, "Minimum", y, c.input(2));
  return [y];
};

const hardSigmoid: LoweringRule = (c) => {
  const dtype = c.dtype(0);
  return [
    c.one("HardSigmoid", 1, [
      c.input(0),
      c.floats("alpha", [c.node.getFloat("alpha", 0.2)], dtype, []),
      c.floats("beta", [c.node.getFloat("beta", 0.5)], dtype, []),
    ]),
  ];
};

export const ELEMENTWISE_LOWERING: Readonly<Record<string, LoweringRule>> = {
  ...RENAMED_LOWERING,
  HardSigmoid: hardSigmoid,
  Where: (c) => [c.one("Select", 1, [c.input(0), c.input(1), c.input(2)], { auto_broadcast: "numpy" })],
  PRelu: (c) => {
    // ONNX broadcasts the slope numpy-style; OpenVINO's PRelu reads a 1-D slope per channel,
    // so a constant slope is reshaped to the input's rank to keep numpy semantics.
    const rank = c.shape(0).length;
    const slope = c.constant(1);
    if (!slope) return [c.one("PRelu", 1, [c.input(0), c.input(1)])];
    const dims = [...new Array<number>(Math.max(0, rank - slope.rank)).fill(1), ...slope.dims];
    return [c.one("PRelu", 1, [c.input(0), c.constTensor("slope", Tensor.fromBytes(slope.dtype, dims, slope.bytes()))])];
  },
  LeakyRelu: (c) => [c.one("PRelu", 1, [c.input(0), c.floats("slope", [c.node.getFloat("alpha", 0.01)], c.dtype(0), [1])])],
  Clip: clip,
  Elu: (c) => [c.one("Elu", 1, [c.input(0)], { alpha: c.node.getFloat("alpha", 1) })],
  Selu: (c) => [
    c.one("Selu", 1, [
      c.input(0),
      scalar(c, "alpha", c.node.getFloat("alpha", 1.6732631921768188)),
      scalar(c, "lambda", c.node.getFloat("gamma", 1.0507010221481323)),
    ]),
  ],
  // Celu(x) = α·Elu(x/α) with Elu's α = 1.
  Celu: (c) => {
    const alpha = c.node.getFloat("alpha", 1);
    const elu = c.one("Elu", 1, [combine(c, "Divide", c.input(0), scalar(c, "alpha", alpha))], { alpha: 1 });
    return [combine(c, "Multiply", elu, scalar(c, "alpha", alpha))];
  },
  ThresholdedRelu: (c) => {
    const above = combine(c, "Greater", c.input(0), scalar(c, "alpha", c.node.getFloat("alpha", 1)));
    return [c.one("Select", 1, [above, c.input(0), scalar(c, "zero", 0)], { auto_broadcast: "numpy" })];
  },
  Reciprocal: (c) => [combine(c, "Divide", scalar(c, "one", 1), c.input(0))],
  Softsign: (c) => [combine(c, "Divide", c.input(0), combine(c, "Add", c.one("Abs", 1, [c.input(0)]), scalar(c, "one", 1)))],
  Swish: (c) => [c.one("Swish", 4, [c.input(0), scalar(c, "beta", c.node.getFloat("alpha", 1))])],
  Gelu: (c) => [
    c.one("Gelu", 7, [c.input(0)], { approximation_mode: c.node.getString("approximate", "none") === "tanh" ? "tanh" : "erf" }),
  ],
  Shrink: (c) => {
    const lambd = c.node.getFloat("lambd", 0.5);
    const bias = c.node.getFloat("bias", 0);
    const x = c.input(0);
    const high = c.one(
      "Select",
      1,
      [combine(c, "Greater", x, scalar(c, "lambd", lambd)), combine(c, "Subtract", x, scalar(c, "bias", bias)), scalar(c, "zero", 0)],
      { auto_broadcast: "numpy" },
    );
    return [
      c.one("Select", 1, [combine(c, "Less", x, scalar(c, "minus_lambd", -lambd)), combine(c, "Add", x, scalar(c, "bias", bias)), high], {
        auto_broadcast: "numpy",
      }),
    ];
  },
  Round: (c) => [c.one("Round", 5, [c.input(0)], { mode: "half_to_even" })],
  // fmod=1 is C's fmod (sign of the dividend) = Mod; fmod=0 Python's % = FloorMod.
  Mod: (c) => [combine(c, c.node.getInt("fmod", 0) === 1 ? "Mod" : "FloorMod", c.input(0), c.input(1))],
  IsNaN: (c) => [c.one("IsNaN", 10, [c.input(0)])],
  IsInf: (c) => [
    c.one("IsInf", 10, [c.input(0)], {
      detect_negative: c.node.getInt("detect_negative", 1) === 1,
      detect_positive: c.node.getInt("detect_positive", 1) === 1,
    }),
  ],
  Mean: (c) => {
    const [sum] = nary("Add")(c);
    return [combine(c, "Divide", sum!, scalar(c, "count", c.node.inputs.length))];
  },
  Cast: (c) => [c.convert(c.input(0), dtypeFromOnnx(c.node.getInt("to", 1)) ?? c.fail("unknown target type"))],
  CastLike: (c) => [c.convert(c.input(0), c.dtype(1))],
};
