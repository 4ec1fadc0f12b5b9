/**
 * TFLite's fused activations (ActivationFunctionType), applied to an op's real-valued
 * result before it is stored: NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT.
 */
import type { Value } from "../../../ir/value.js";
import type { OpContext } from "../context.js";
import { ACTIVATIONS } from "../options.js";

export function fusedActivation(c: OpContext, v: Value, code = Number(c.opts.fused_activation_function ?? 0)): Value {
  const name = ACTIVATIONS[code];
  switch (name) {
    case "NONE":
      return v;
    case "RELU":
      return c.one("Relu", [v]);
    case "RELU_N1_TO_1":
      return c.one("Clip", [v, c.scalar(-1), c.scalar(1)]);
    case "RELU6":
      return c.one("Clip", [v, c.scalar(0), c.scalar(6)]);
    case "TANH":
      return c.one("Tanh", [v]);
    case "SIGN_BIT":
      // std::signbit: 1 for negative values, 0 otherwise.
      return c.cast(c.one("Less", [v, c.scalar(0)]), "float32");
    default:
      return c.fail(`unknown fused activation ${code}`);
  }
}
