/**
 * The fused sequence ops onto ONNX LSTM / RNN (which lower to LSTMSequence-5 / RNNSequence-5,
 * the recurrent layers MYRIAD runs). TFLite gives each gate's weights as its own tensor, in
 * the order i, f, c (the cell input), o; ONNX stacks them as i, o, f, c, with two biases (the
 * recurrent one is zero here). ONNX's sequence ops are written time-major (layout 0: onnxruntime
 * runs no other), so a batch-major TFLite sequence (time_major = false) is transposed in and
 * out. The fused activation is the cell's (ONNX's g and h); the gates are sigmoids in both.
 *
 * TFLite keeps the states (variable tensors) from one invocation to the next; an IR starts
 * every inference from the initial state (zero, or the tensor's data), which is what a
 * freshly created TFLite interpreter computes.
 *
 * A unidirectional LSTM with peepholes, CIFG (coupled input and forget gates), projection,
 * layer-normalized gates or cell_clip/proj_clip (TFLite clips the cell state, ONNX and OpenVINO
 * clip the gate inputs) runs as an unrolled cell (lstm-cell.ts). Refused, with the reason: those
 * variants in a bidirectional LSTM, auxiliary inputs, full-integer quantized sequences, and
 * activations other than tanh and relu.
 */
import { attr } from "../../../ir/attribute.js";
import { Tensor } from "../../../ir/tensor.js";
import type { Value } from "../../../ir/value.js";
import type { OpContext, OpTranslator } from "../context.js";
import { ACTIVATIONS } from "../options.js";
import { isQuantized } from "../tensors.js";
import { needsUnrolledLstm, unrolledLstm } from "./lstm-cell.js";

/** TFLite fused activation → ONNX recurrent activation name. */
const RECURRENT_ACTIVATION: Readonly<Partial<Record<string, string>>> = { TANH: "Tanh", RELU: "Relu" };

/** One direction's LSTM tensors: inputs by gate (TFLite order i, f, c, o). */
interface LstmDirection {
  input: readonly number[];
  recurrent: readonly number[];
  peephole: readonly number[];
  bias: readonly number[];
  projection: readonly number[];
}

const UNIDIRECTIONAL_LSTM: LstmDirection = {
  input: [1, 2, 3, 4],
  recurrent: [5, 6, 7, 8],
  peephole: [9, 10, 11],
  bias: [12, 13, 14, 15],
  projection: [16, 17],
};
/** BIDIRECTIONAL_SEQUENCE_LSTM: the forward cell's tensors, then the backward cell's 17 later. */
const BIDIRECTIONAL_LSTM: readonly [LstmDirection, LstmDirection] = [
  UNIDIRECTIONAL_LSTM,
  { input: [18, 19, 20, 21], recurrent: [22, 23, 24, 25], peephole: [26, 27, 28], bias: [29, 30, 31, 32], projection: [33, 34] },
];
/** TFLite gate order i, f, c, o → ONNX i, o, f, c. */
const TO_ONNX_GATES = [0, 3, 1, 2];

function activation(c: OpContext, allowed: Readonly<Partial<Record<string, string>>>): string {
  const name = ACTIVATIONS[Number(c.opts.fused_activation_function)] ?? "?";
  return allowed[name] ?? c.fail(`the fused activation ${name} has no ONNX/OpenVINO recurrent equivalent (tanh or relu)`);
}

/** The float data of a constant weight input (dequantized when int8). */
function weights(c: OpContext, i: number, what: string): Float32Array {
  const t = c.constant(i) ?? c.fail(`the ${what} (input ${i}) must be a constant`);
  return t.toFloat32();
}

/** Blocks stacked along a new leading axis of 1: [1, Σrows, cols]. */
function stacked(c: OpContext, blocks: readonly Float32Array[], rows: number, cols: number, dirs = 1): Value {
  const out = new Float32Array(blocks.length * rows * cols);
  blocks.forEach((b, k) => {
    if (b.length !== rows * cols) c.fail(`a weight block has ${b.length} values, ${rows}×${cols} expected`);
    out.set(b, k * rows * cols);
  });
  return c.constantValue(Tensor.fromArray("float32", [dirs, (blocks.length / dirs) * rows, cols], out));
}

/** Refuses int8 sequences; says once that the IR does not carry the state over between inferences. */
function checkSequence(c: OpContext): void {
  if (isQuantized(c.tensor(0)) || isQuantized(c.outTensor(0)))
    c.fail("full-integer quantized sequence ops (int8 activations) are not supported; a float or dynamic-range model is");
  c.scope.warn(
    `${c.op.opcode.name}: TFLite carries its state over from one invocation to the next; the IR starts every inference from the initial state`,
  );
}

/** The LSTM weights of the given directions as ONNX W, R, B; refuses the variants LSTMSequence-5 lacks. */
function lstmWeights(c: OpContext, directions: readonly LstmDirection[]) {
  for (const d of directions) {
    if (!c.has(d.input[0]!)) c.fail("CIFG (coupled input and forget gates, no input gate weights) has no LSTMSequence-5 equivalent");
    if (d.peephole.some((i) => c.has(i))) c.fail("peephole weights (cell_to_* inputs) have no LSTMSequence-5 equivalent");
    if (d.projection.some((i) => c.has(i))) c.fail("a projection layer (projection_weights) has no LSTMSequence-5 equivalent");
  }
  if (Number(c.opts.cell_clip) > 0)
    c.fail(`cell_clip ${c.opts.cell_clip} clips TFLite's cell state; ONNX and OpenVINO LSTMs clip gate inputs instead`);
  if (Number(c.opts.proj_clip) > 0) c.fail("proj_clip needs a projection layer, which has no LSTMSequence-5 equivalent");
  const [hidden, inputs] = c.shape(directions[0]!.input[1]!);
  const W: Float32Array[] = [];
  const R: Float32Array[] = [];
  const B: Float32Array[] = [];
  for (const d of directions) {
    if (c.shape(d.input[1]!)[0] !== hidden) c.fail("forward and backward cells of different sizes are not supported");
    for (const g of TO_ONNX_GATES) {
      W.push(weights(c, d.input[g]!, "input weights"));
      R.push(weights(c, d.recurrent[g]!, "recurrent weights"));
    }
    B.push(...TO_ONNX_GATES.map((g) => weights(c, d.bias[g]!, "gate bias")), new Float32Array(4 * hidden!));
  }
  const dirs = directions.length;
  return {
    hidden: hidden!,
    W: stacked(c, W, hidden!, inputs!, dirs),
    R: stacked(c, R, hidden!, hidden!, dirs),
    B: c.constantValue(Tensor.fromArray("float32", [dirs, 8 * hidden!], Float32Array.from(B.flatMap((b) => Array.from(b))))),
  };
}

/**
 * Initial states from variable tensors: their data when they hold non-zero values, else
 * nothing (ONNX's default is zeros). Stacked per direction as ONNX wants them.
 */
function initialState(c: OpContext, indices: readonly number[]): Value | undefined {
  const data = indices.map((i) => (c.has(i) ? c.constant(i)?.toFloat32() : undefined));
  if (!data.some((d) => d?.some((v) => v !== 0))) return undefined;
  const [batch, width] = c.shape(indices[0]!);
  const parts = data.map((d) => c.constantValue(Tensor.fromArray("float32", [1, batch!, width!], d ?? new Float32Array(batch! * width!))));
  const s = parts.length === 1 ? parts[0]! : c.one("Concat", parts, { axis: attr.int(0) });
  return s;
}

/** [B, T, …] ↔ [T, B, …]. */
const swapBatchTime = (c: OpContext, v: Value, rank = 3) =>
  c.one("Transpose", [v], { perm: attr.ints([1, 0, ...Array.from({ length: rank - 2 }, (_, k) => k + 2)]) });

/** The sequence input, time-major. */
const timeMajorInput = (c: OpContext) => (c.opts.time_major ? c.input(0) : swapBatchTime(c, c.input(0)));

/** A time-major [T, B, W] result in the op's own layout. */
const inOpLayout = (c: OpContext, v: Value) => (c.opts.time_major ? v : swapBatchTime(c, v));

/** Y [T, 1, B, H] of a one-direction ONNX sequence op as TFLite's output. */
const oneDirection = (c: OpContext, y: Value) => inOpLayout(c, c.one("Squeeze", [y, c.ints([1])]));

/** Y [T, 2, B, H] of a bidirectional ONNX op as TFLite gives it: merged ([…, 2H], forward first) or apart. */
function bidirectionalOutputs(c: OpContext, y: Value, hidden: number): Value[] {
  if (c.op.outputs.filter((o) => o >= 0).length === 1) {
    const merged = c.one("Transpose", [y], { perm: attr.ints(c.opts.time_major ? [0, 2, 1, 3] : [2, 0, 1, 3]) });
    return [c.one("Reshape", [merged, c.ints([0, 0, 2 * hidden])])];
  }
  return c.emit("Split", [y, c.ints([1, 1])], { axis: attr.int(1) }, 2).map((part) => inOpLayout(c, c.one("Squeeze", [part, c.ints([1])])));
}

const unidirectionalLstm: OpTranslator = (c) => {
  checkSequence(c);
  // The variants LSTMSequence-5 lacks run as an unrolled cell (lstm-cell.ts).
  if (needsUnrolledLstm(c)) return [inOpLayout(c, unrolledLstm(c, timeMajorInput(c)))];
  const act = activation(c, RECURRENT_ACTIVATION);
  const { hidden, W, R, B } = lstmWeights(c, [UNIDIRECTIONAL_LSTM]);
  const [y] = c.main(
    "LSTM",
    [timeMajorInput(c), W, R, B, undefined, initialState(c, [18]), initialState(c, [19])],
    { hidden_size: attr.int(hidden), activations: attr.strings(["Sigmoid", act, act]) },
    3,
  );
  return [oneDirection(c, y!)];
};

const bidirectionalLstm: OpTranslator = (c) => {
  checkSequence(c);
  if (c.op.inputs.slice(39).some((i) => i >= 0)) c.fail("auxiliary inputs (stacked bidirectional cells) are not supported");
  const act = activation(c, RECURRENT_ACTIVATION);
  const { hidden, W, R, B } = lstmWeights(c, BIDIRECTIONAL_LSTM);
  const [y] = c.main(
    "LSTM",
    [timeMajorInput(c), W, R, B, undefined, initialState(c, [35, 37]), initialState(c, [36, 38])],
    {
      hidden_size: attr.int(hidden),
      direction: attr.string("bidirectional"),
      activations: attr.strings(["Sigmoid", act, act, "Sigmoid", act, act]),
    },
    3,
  );
  return bidirectionalOutputs(c, y!, hidden);
};

/** RNN cells: [weights, recurrent weights, bias, hidden state] inputs of each direction. */
function rnnWeights(c: OpContext, cells: readonly (readonly number[])[]) {
  const [hidden, inputs] = c.shape(cells[0]![0]!);
  for (const [w] of cells) if (c.shape(w!)[0] !== hidden) c.fail("forward and backward cells of different sizes are not supported");
  const W = cells.map(([w]) => weights(c, w!, "input weights"));
  const R = cells.map(([, r]) => weights(c, r!, "recurrent weights"));
  const B = cells.flatMap(([, , b]) => [...weights(c, b!, "bias"), ...new Float32Array(hidden!)]);
  const dirs = cells.length;
  return {
    hidden: hidden!,
    W: stacked(c, W, hidden!, inputs!, dirs),
    R: stacked(c, R, hidden!, hidden!, dirs),
    B: c.constantValue(Tensor.fromArray("float32", [dirs, 2 * hidden!], Float32Array.from(B))),
  };
}

const RNN_ACTIVATION: Readonly<Partial<Record<string, string>>> = { ...RECURRENT_ACTIVATION };

const unidirectionalRnn: OpTranslator = (c) => {
  checkSequence(c);
  const act = activation(c, RNN_ACTIVATION);
  const { hidden, W, R, B } = rnnWeights(c, [[1, 2, 3, 4]]);
  const [y] = c.main(
    "RNN",
    [timeMajorInput(c), W, R, B, undefined, initialState(c, [4])],
    { hidden_size: attr.int(hidden), activations: attr.strings([act]) },
    2,
  );
  return [oneDirection(c, y!)];
};

const bidirectionalRnn: OpTranslator = (c) => {
  checkSequence(c);
  if (c.op.inputs.slice(9).some((i) => i >= 0)) c.fail("auxiliary inputs (stacked bidirectional cells) are not supported");
  const act = activation(c, RNN_ACTIVATION);
  const { hidden, W, R, B } = rnnWeights(c, [
    [1, 2, 3, 4],
    [5, 6, 7, 8],
  ]);
  const [y] = c.main(
    "RNN",
    [timeMajorInput(c), W, R, B, undefined, initialState(c, [4, 8])],
    { hidden_size: attr.int(hidden), direction: attr.string("bidirectional"), activations: attr.strings([act, act]) },
    2,
  );
  return bidirectionalOutputs(c, y!, hidden);
};

export const RECURRENT_OPS: Readonly<Record<string, OpTranslator>> = {
  UNIDIRECTIONAL_SEQUENCE_LSTM: unidirectionalLstm,
  BIDIRECTIONAL_SEQUENCE_LSTM: bidirectionalLstm,
  UNIDIRECTIONAL_SEQUENCE_RNN: unidirectionalRnn,
  BIDIRECTIONAL_SEQUENCE_RNN: bidirectionalRnn,
};
