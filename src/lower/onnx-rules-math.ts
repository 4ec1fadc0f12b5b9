/**
 * Lowering of ONNX elementwise math beyond the basics: parametrised activations, rounding,
 * trigonometry, logical xor, modulo, float tests and the n-ary Sum/Mean/Max/Min. Where
 * OpenVINO has no op of opset1–opset10 (Reciprocal, Softsign, ThresholdedRelu, Celu) the
 * rule composes one from ops with identical semantics.
 */
import type { Value } from "../ir/value.js";
import type { LowerContext } from "./context.js";
import { binary, combine, type LoweringRule, same } from "./rule-helpers.js";

const scalar = (c: LowerContext, name: string, v: number): Value => c.floats(name, [v], c.dtype(0), []);

/** Folds the inputs pairwise with a numpy-broadcasting op. */
const nary =
  (type: string): LoweringRule =>
  (c) => {
    let acc = c.input(0);
    for (let i = 1; i < c.node.inputs.length; i++) acc = combine(c, type, acc, c.input(i));
    return [acc];
  };

export const MATH_LOWERING: Readonly<Record<string, LoweringRule>> = {
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
  Sign: same("Sign"),
  Round: (c) => [c.one("Round", 5, [c.input(0)], { mode: "half_to_even" })],
  Tan: same("Tan"),
  Asin: same("Asin"),
  Acos: same("Acos"),
  Atan: same("Atan"),
  Sinh: same("Sinh"),
  Cosh: same("Cosh"),
  // Asinh-3, Acosh-3 and Atanh-3 first appear in opset4.
  Asinh: same("Asinh", 4),
  Acosh: same("Acosh", 4),
  Atanh: same("Atanh", 4),
  Xor: binary("LogicalXor"),
  // fmod=1 is C's fmod (sign of the dividend) = Mod; fmod=0 Python's % = FloorMod.
  Mod: (c) => binary(c.node.getInt("fmod", 0) === 1 ? "Mod" : "FloorMod")(c),
  IsNaN: (c) => [c.one("IsNaN", 10, [c.input(0)])],
  IsInf: (c) => [
    c.one("IsInf", 10, [c.input(0)], {
      detect_negative: c.node.getInt("detect_negative", 1) === 1,
      detect_positive: c.node.getInt("detect_positive", 1) === 1,
    }),
  ],
  Sum: nary("Add"),
  Max: nary("Maximum"),
  Min: nary("Minimum"),
  Mean: (c) => {
    const [sum] = nary("Add")(c);
    return [combine(c, "Divide", sum!, scalar(c, "count", c.node.inputs.length))];
  },
};
