/**
 * Elementwise TFLite ops: arithmetic with fused activations, unary math, activations,
 * comparisons, logic, CAST and SELECT. TFLite broadcasts like numpy, as ONNX does.
 */
import { attr } from "../../../ir/attribute.js";
import type { Value } from "../../../ir/value.js";
import type { OpContext, OpTranslator } from "../context.js";
import { dtypeOfTflite } from "../tensors.js";
import { fusedActivation } from "./fused-activation.js";

const isFloat = (c: OpContext, i: number) =>
  ["FLOAT32", "FLOAT16", "FLOAT64"].includes(c.tensor(i).type) || c.tensor(i).quantization !== undefined;

/** A binary ONNX op, then the fused activation. */
const binary =
  (opType: string): OpTranslator =>
  (c) => [fusedActivation(c, c.main(opType, [c.input(0), c.input(1)])[0]!)];

const unary =
  (opType: string, attributes: Parameters<OpContext["one"]>[2] = {}): OpTranslator =>
  (c) =>
    c.main(opType, [c.input(0)], attributes);

const clip =
  (lo: number, hi: number): OpTranslator =>
  (c) =>
    c.main("Clip", [c.input(0), c.scalar(lo), c.scalar(hi)]);

/** TF FloorDiv: floor(a / b); for integers (a − mod(a, b)) / b with the divisor-signed mod, exact. */
const floorDiv: OpTranslator = (c) => {
  const [a, b] = [c.input(0), c.input(1)];
  if (isFloat(c, 0)) return [c.one("Floor", [c.main("Div", [a, b])[0]!])];
  return c.main("Div", [c.one("Sub", [a, c.one("Mod", [a, b], { fmod: attr.int(0) })]), b]);
};

/** TF FloorMod: the remainder with the sign of the divisor (fmod, shifted by b where the signs differ). */
const floorMod: OpTranslator = (c) => {
  const [a, b] = [c.input(0), c.input(1)];
  if (!isFloat(c, 0)) return c.main("Mod", [a, b], { fmod: attr.int(0) });
  const m = c.main("Mod", [a, b], { fmod: attr.int(1) })[0]!;
  const zero = c.scalar(0);
  const nonZero = c.one("Not", [c.one("Equal", [m, zero])]);
  const signsDiffer = c.one("Xor", [c.one("Less", [b, zero]), c.one("Less", [m, zero])]);
  return [c.one("Where", [c.one("And", [nonZero, signsDiffer]), c.one("Add", [m, b]), m])];
};

const squaredDifference: OpTranslator = (c) => {
  const d = c.main("Sub", [c.input(0), c.input(1)])[0]!;
  return [c.one("Mul", [d, d])];
};

/** GELU: 0.5·x·(1 + erf(x/√2)), or the tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
const gelu: OpTranslator = (c) => {
  const x = c.input(0);
  let inner: Value;
  if (c.opts.approximate) {
    const cube = c.one("Mul", [c.one("Mul", [x, x]), x]);
    const arg = c.one("Mul", [c.one("Add", [x, c.one("Mul", [cube, c.scalar(0.044715)])]), c.scalar(Math.sqrt(2 / Math.PI))]);
    inner = c.one("Tanh", [arg]);
  } else inner = c.one("Erf", [c.one("Div", [x, c.scalar(Math.SQRT2)])]);
  return [c.one("Mul", [c.one("Mul", [x, c.scalar(0.5)]), c.one("Add", [inner, c.scalar(1)])])];
};

const cast: OpTranslator = (c) => {
  const to = dtypeOfTflite(c.outTensor(0).type) ?? c.fail(`cannot cast to ${c.outTensor(0).type}`);
  return [c.cast(c.input(0), to)];
};

/**
 * SELECT (v1) with a rank-1 condition on higher-rank data picks whole rows along the first
 * axis; SELECT_V2 broadcasts like numpy.
 */
const select: OpTranslator = (c) => {
  let cond = c.input(0);
  const rank = c.shape(1).length;
  if (c.op.opcode.name === "SELECT" && c.shape(0).length === 1 && rank > 1)
    cond = c.one("Unsqueeze", [cond, c.ints(Array.from({ length: rank - 1 }, (_, i) => i + 1))]);
  return c.main("Where", [cond, c.input(1), c.input(2)]);
};

const notEqual: OpTranslator = (c) => [c.one("Not", c.main("Equal", [c.input(0), c.input(1)]))];

export const ELEMENTWISE_OPS: Readonly<Record<string, OpTranslator>> = {
  ADD: binary("Add"),
  SUB: binary("Sub"),
  MUL: binary("Mul"),
  DIV: binary("Div"),
  MAXIMUM: (c) => c.main("Max", [c.input(0), c.input(1)]),
  MINIMUM: (c) => c.main("Min", [c.input(0), c.input(1)]),
  POW: (c) => c.main("Pow", [c.input(0), c.input(1)]),
  SQUARED_DIFFERENCE: squaredDifference,
  FLOOR_DIV: floorDiv,
  FLOOR_MOD: floorMod,
  ADD_N: (c) =>
    c.main(
      "Sum",
      c.op.inputs.map((_, i) => c.input(i)),
    ),
  ABS: unary("Abs"),
  CEIL: unary("Ceil"),
  FLOOR: unary("Floor"),
  ROUND: unary("Round"),
  COS: unary("Cos"),
  SIN: unary("Sin"),
  EXP: unary("Exp"),
  LOG: unary("Log"),
  NEG: unary("Neg"),
  SQRT: unary("Sqrt"),
  RSQRT: (c) => [c.one("Reciprocal", c.main("Sqrt", [c.input(0)]))],
  SQUARE: (c) => c.main("Mul", [c.input(0), c.input(0)]),
  SIGN: unary("Sign"),
  TANH: unary("Tanh"),
  LOGISTIC: unary("Sigmoid"),
  RELU: unary("Relu"),
  RELU6: clip(0, 6),
  RELU_N1_TO_1: clip(-1, 1),
  RELU_0_TO_1: clip(0, 1),
  ELU: unary("Elu", { alpha: attr.float(1) }),
  LEAKY_RELU: (c) => c.main("LeakyRelu", [c.input(0)], { alpha: attr.float(Number(c.opts.alpha)) }),
  PRELU: (c) => c.main("PRelu", [c.input(0), c.input(1)]),
  HARD_SWISH: unary("HardSwish"),
  GELU: gelu,
  LESS: (c) => c.main("Less", [c.input(0), c.input(1)]),
  LESS_EQUAL: (c) => c.main("LessOrEqual", [c.input(0), c.input(1)]),
  GREATER: (c) => c.main("Greater", [c.input(0), c.input(1)]),
  GREATER_EQUAL: (c) => c.main("GreaterOrEqual", [c.input(0), c.input(1)]),
  EQUAL: (c) => c.main("Equal", [c.input(0), c.input(1)]),
  NOT_EQUAL: notEqual,
  LOGICAL_AND: (c) => c.main("And", [c.input(0), c.input(1)]),
  LOGICAL_OR: (c) => c.main("Or", [c.input(0), c.input(1)]),
  LOGICAL_NOT: unary("Not"),
  CAST: cast,
  SELECT: select,
  SELECT_V2: (c) => c.main("Where", [c.input(0), c.input(1), c.input(2)]),
  ZEROS_LIKE: (c) => {
    const dtype = dtypeOfTflite(c.outTensor(0).type) ?? c.fail(`${c.outTensor(0).type} output`);
    return c.main("Expand", [c.scalar(0, dtype), c.one("Shape", [c.input(0)])]);
  },
};
