/**
 * How a Transpose on an op's input moves past the op, as data. A rule says which inputs carry
 * the data (they must all be the same Transpose, or constants that can be permuted to match),
 * and how the op's axis attributes and axis inputs are renumbered; the op's outputs are then
 * transposed the same way (reductions without keepdims drop the reduced axes).
 *
 * With y = Transpose(x, P): axis k of y is axis P[k] of x.
 */
export type SinkRule =
  /** Elementwise with numpy broadcasting: every listed input is data; others must be scalars. */
  | { kind: "elementwise"; data?: readonly number[] }
  /** One data input (0) and an `axis` attribute (Concat: every input is data). */
  | { kind: "axis"; allInputsData?: boolean; splitOutputs?: boolean }
  /** Reductions: axes as an attribute (or input 1 when `axesInput`), keepdims. */
  | { kind: "reduce"; axesInput?: boolean; single?: boolean }
  /** Pad: input 1 holds [begins…, ends…]. */
  | { kind: "pad" }
  /** Slice: input 3 holds the axes (absent: 0…n−1). */
  | { kind: "slice" };

const elementwise: SinkRule = { kind: "elementwise" };
const unary: SinkRule = { kind: "elementwise", data: [0] };

export const SINK_RULES: Readonly<Record<string, SinkRule>> = {
  Add: elementwise,
  Sub: elementwise,
  Mul: elementwise,
  Div: elementwise,
  Pow: elementwise,
  Max: elementwise,
  Min: elementwise,
  Sum: elementwise,
  Mean: elementwise,
  Mod: elementwise,
  PRelu: elementwise,
  Equal: elementwise,
  Less: elementwise,
  LessOrEqual: elementwise,
  Greater: elementwise,
  GreaterOrEqual: elementwise,
  And: elementwise,
  Or: elementwise,
  Xor: elementwise,
  Where: elementwise,
  Relu: unary,
  Sigmoid: unary,
  Tanh: unary,
  Abs: unary,
  Neg: unary,
  Exp: unary,
  Log: unary,
  Sqrt: unary,
  Reciprocal: unary,
  Floor: unary,
  Ceil: unary,
  Round: unary,
  Sign: unary,
  Erf: unary,
  Sin: unary,
  Cos: unary,
  Not: unary,
  Cast: unary,
  Clip: unary,
  LeakyRelu: unary,
  Elu: unary,
  Selu: unary,
  HardSwish: unary,
  HardSigmoid: unary,
  Softplus: unary,
  Softsign: unary,
  Identity: unary,
  // Per-tensor (scalar) scale and zero point only: per-axis ones would need their axis renumbered.
  QuantizeLinear: unary,
  DequantizeLinear: unary,
  Concat: { kind: "axis", allInputsData: true },
  Split: { kind: "axis", splitOutputs: true },
  Softmax: { kind: "axis" },
  LogSoftmax: { kind: "axis" },
  ReduceMean: { kind: "reduce" },
  ReduceMax: { kind: "reduce" },
  ReduceMin: { kind: "reduce" },
  ReduceProd: { kind: "reduce" },
  ReduceSumSquare: { kind: "reduce" },
  ReduceL2: { kind: "reduce" },
  ReduceSum: { kind: "reduce", axesInput: true },
  ArgMax: { kind: "reduce", single: true },
  ArgMin: { kind: "reduce", single: true },
  Pad: { kind: "pad" },
  Slice: { kind: "slice" },
};
