/**
 * The ONNX ops that are one OpenVINO op under another name (and version): the one
 * ONNX → OpenVINO op-name map. The elementwise lowering builds its rules for these ops from
 * it, and the MYRIAD ONNX-level fixes read it to know which layer an ONNX op becomes.
 */

export interface OpenvinoEquivalent {
  /** The OpenVINO op type. */
  readonly type: string;
  /** Its opset version (the one MYRIAD's plugin reads where there is a choice). */
  readonly version: number;
  /**
   * "unary": one input, no attributes; "broadcast": two or more inputs (ONNX's variadic
   * Sum/Max/Min) combined pairwise with numpy broadcasting.
   */
  readonly inputs: "unary" | "broadcast";
}

const unary = (type: string, version = 1): OpenvinoEquivalent => ({ type, version, inputs: "unary" });
const broadcast = (type: string): OpenvinoEquivalent => ({ type, version: 1, inputs: "broadcast" });

export const ONNX_TO_OPENVINO: Readonly<Record<string, OpenvinoEquivalent>> = {
  Relu: unary("ReLU"),
  Sigmoid: unary("Sigmoid"),
  Tanh: unary("Tanh"),
  Exp: unary("Exp"),
  Log: unary("Log"),
  Sqrt: unary("Sqrt"),
  Abs: unary("Abs"),
  Neg: unary("Negative"),
  Floor: unary("Floor"),
  Ceil: unary("Ceiling"),
  Erf: unary("Erf"),
  Sign: unary("Sign"),
  Sin: unary("Sin"),
  Cos: unary("Cos"),
  Tan: unary("Tan"),
  Asin: unary("Asin"),
  Acos: unary("Acos"),
  Atan: unary("Atan"),
  Sinh: unary("Sinh"),
  Cosh: unary("Cosh"),
  // Asinh-3, Acosh-3 and Atanh-3 first appear in opset4, as do SoftPlus-4, HSwish-4 and Mish-4.
  Asinh: unary("Asinh", 4),
  Acosh: unary("Acosh", 4),
  Atanh: unary("Atanh", 4),
  Softplus: unary("SoftPlus", 4),
  HardSwish: unary("HSwish", 4),
  Mish: unary("Mish", 4),
  Not: unary("LogicalNot"),
  Add: broadcast("Add"),
  Sub: broadcast("Subtract"),
  Mul: broadcast("Multiply"),
  Div: broadcast("Divide"),
  Pow: broadcast("Power"),
  Sum: broadcast("Add"),
  Max: broadcast("Maximum"),
  Min: broadcast("Minimum"),
  Equal: broadcast("Equal"),
  Less: broadcast("Less"),
  Greater: broadcast("Greater"),
  LessOrEqual: broadcast("LessEqual"),
  GreaterOrEqual: broadcast("GreaterEqual"),
  And: broadcast("LogicalAnd"),
  Or: broadcast("LogicalOr"),
  Xor: broadcast("LogicalXor"),
};
