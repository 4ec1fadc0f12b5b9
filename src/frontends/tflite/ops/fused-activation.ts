/**
 * TFLite's fused activations (ActivationFunctionType) as its float kernels apply them: the op
 * clamps its result to the activation's range (CalculateActivationRange in
 * tensorflow/lite/kernels/kernel_util.cc): RELU [0, ∞), RELU_N1_TO_1 [−1, 1], RELU6 [0, 6].
 * TANH and SIGN_BIT have no range there, so ADD, MUL, CONV_2D, pooling … leave their result as
 * it is (checked on TensorFlow Lite's interpreter); only the recurrent ops use TANH, as their
 * cell activation (recurrent.ts). A warning says so when a model asks for one.
 */
import type { Value } from "../../../ir/value.js";
import type { OpContext } from "../context.js";
import { ACTIVATIONS } from "../options.js";

/** Activation → clamp bounds. */
const RANGES: Readonly<Partial<Record<string, readonly [number | undefined, number | undefined]>>> = {
  RELU: [0, undefined],
  RELU_N1_TO_1: [-1, 1],
  RELU6: [0, 6],
};

export function fusedActivation(c: OpContext, v: Value, code = Number(c.opts.fused_activation_function ?? 0)): Value {
  const name = ACTIVATIONS[code] ?? (code === 6 ? "SIGMOID" : undefined);
  if (name === undefined) return c.fail(`unknown fused activation ${code}`);
  if (name === "NONE") return v;
  const range = RANGES[name];
  if (!range) {
    c.scope.warn(
      `${c.op.opcode.name === "CUSTOM" ? c.op.opcode.customCode : c.op.opcode.name} with fused ${name}: TFLite's kernels only clamp ` +
        "to an activation's range and this one has none, so it is not applied (as in TFLite)",
    );
    return v;
  }
  if (range[1] === undefined) return c.one("Relu", [v]);
  return c.one("Clip", [v, c.scalar(range[0]!), c.scalar(range[1])]);
}
