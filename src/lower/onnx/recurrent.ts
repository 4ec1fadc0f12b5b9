/**
 * ONNX LSTM, GRU and RNN → LSTMSequence-5 (which the MYRIAD plugin runs), GRUSequence-5 and
 * RNNSequence-5. ONNX orders the LSTM gates i, o, f, c and OpenVINO f, i, c, o, so W, R and B
 * are regrouped with VariadicSplit + Concat (GRU's z, r, h order is the same in both); ONNX's
 * two biases (Wb, Rb) are summed, except GRU's recurrent h bias under linear_before_reset,
 * which OpenVINO keeps as a fourth block; ONNX's [seq, dirs, batch, …] layout (layout=0) is
 * transposed to OpenVINO's batch-first one and back.
 */
import type { Value } from "../../ir/value.js";
import type { LowerContext } from "../context.js";
import { combine, type LoweringRule } from "../rule-helpers.js";

/** ONNX gate blocks i, o, f, c → OpenVINO's f, i, c, o. */
const ONNX_TO_OV_GATES = [2, 0, 3, 1];

function regroupGates(c: LowerContext, v: Value, hidden: number): Value {
  const parts = c.op("VariadicSplit", 1, [v, c.i64("axis", [1], []), c.i64("lengths", [hidden, hidden, hidden, hidden])], {}, 4);
  return c.one(
    "Concat",
    1,
    ONNX_TO_OV_GATES.map((k) => parts[k]!),
    { axis: 1 },
  );
}

const ACTIVATION_NAMES: Record<string, string> = { Sigmoid: "sigmoid", Tanh: "tanh", Relu: "relu" };

/** What the three sequence ops share: direction, layout, X, initial states, lengths, outputs. */
function sequence(c: LowerContext, states: number) {
  const hidden = c.node.getInt("hidden_size") ?? c.fail("hidden_size is missing");
  const direction = c.node.getString("direction", "forward");
  const dirs = direction === "bidirectional" ? 2 : 1;
  const layout = c.node.getInt("layout", 0);
  const xDims = c.shape(0);
  const [seq, batch] = layout === 0 ? [xDims[0]!, xDims[1]!] : [xDims[1]!, xDims[0]!];
  const dtype = c.dtype(0);
  const batchFirst = (v: Value) => c.one("Transpose", 1, [v, c.i64("perm", [1, 0, 2])]);
  // Initial states: ONNX [dirs, batch, hidden] (layout 0) or [batch, dirs, hidden]; zeros when absent.
  const state = (i: number) =>
    c.node.inputs[i]
      ? layout === 0
        ? batchFirst(c.input(i))
        : c.input(i)
      : c.floats("zeros", new Array<number>(batch * dirs * hidden).fill(0), dtype, [batch, dirs, hidden]);
  const activations = (defaults: string[]) => {
    const acts = (c.node.getStrings("activations") ?? defaults).map(
      (a) => ACTIVATION_NAMES[a] ?? c.fail(`activation ${a} is not supported`),
    );
    const per = defaults.length;
    if (acts.length > per && acts.slice(per).join() !== acts.slice(0, per).join())
      c.fail("different activations per direction are not supported");
    return acts.slice(0, per).join(",");
  };
  return {
    hidden,
    dirs,
    dtype,
    x: layout === 0 ? batchFirst(c.input(0)) : c.input(0),
    initial: Array.from({ length: states }, (_, k) => state(5 + k)),
    lengths: c.node.inputs[4] ? c.input(4) : c.i64("lengths", new Array<number>(batch).fill(seq)),
    attrs: (defaults: string[]) => ({
      hidden_size: hidden,
      direction,
      activations: activations(defaults),
      activations_alpha: [],
      activations_beta: [],
      clip: c.node.getFloat("clip", 0),
    }),
    /** Y: OpenVINO [batch, dirs, seq, hidden] → ONNX [seq, dirs, batch, hidden] or [batch, seq, dirs, hidden]; states likewise. */
    outputs: (y: Value, finals: Value[]) => [
      c.one("Transpose", 1, [y, c.i64("perm", layout === 0 ? [2, 1, 0, 3] : [0, 2, 1, 3])]),
      ...finals.map((v) => (layout === 0 ? batchFirst(v) : v)),
    ],
  };
}

/** Input i split into `n` blocks of `size` along axis 1. */
function blocks(c: LowerContext, i: number, n: number, size: number): Value[] {
  return c.op("VariadicSplit", 1, [c.input(i), c.i64("axis", [1], []), c.i64("lengths", new Array<number>(n).fill(size))], {}, n);
}

const lstm: LoweringRule = (c) => {
  if (c.node.inputs[7]) c.fail("peephole weights (input P) have no LSTMSequence-5 equivalent");
  if (c.node.getInt("input_forget", 0) === 1) c.fail("input_forget=1 has no LSTMSequence-5 equivalent");
  const s = sequence(c, 2);
  let bias: Value;
  if (c.node.inputs[3]) {
    const halves = c.op("VariadicSplit", 1, [c.input(3), c.i64("axis", [1], []), c.i64("halves", [4 * s.hidden, 4 * s.hidden])], {}, 2);
    bias = regroupGates(c, combine(c, "Add", halves[0]!, halves[1]!), s.hidden);
  } else bias = c.floats("bias", new Array<number>(s.dirs * 4 * s.hidden).fill(0), s.dtype, [s.dirs, 4 * s.hidden]);
  const [y, ho, co] = c.op(
    "LSTMSequence",
    5,
    [s.x, s.initial[0], s.initial[1], s.lengths, regroupGates(c, c.input(1), s.hidden), regroupGates(c, c.input(2), s.hidden), bias],
    s.attrs(["Sigmoid", "Tanh", "Tanh"]),
    3,
  );
  return s.outputs(y!, [ho!, co!]);
};

const gru: LoweringRule = (c) => {
  const s = sequence(c, 1);
  const lbr = c.node.getInt("linear_before_reset", 0) === 1;
  const h = s.hidden;
  let bias: Value;
  if (c.node.inputs[3]) {
    const [wz, wr, wh, rz, rr, rh] = blocks(c, 3, 6, h);
    const sums = [combine(c, "Add", wz!, rz!), combine(c, "Add", wr!, rr!)];
    bias = c.one("Concat", 1, lbr ? [...sums, wh!, rh!] : [...sums, combine(c, "Add", wh!, rh!)], { axis: 1 });
  } else bias = c.floats("bias", new Array<number>(s.dirs * (lbr ? 4 : 3) * h).fill(0), s.dtype, [s.dirs, (lbr ? 4 : 3) * h]);
  const [y, ho] = c.op(
    "GRUSequence",
    5,
    [s.x, s.initial[0], s.lengths, c.input(1), c.input(2), bias],
    { ...s.attrs(["Sigmoid", "Tanh"]), linear_before_reset: lbr },
    2,
  );
  return s.outputs(y!, [ho!]);
};

const rnn: LoweringRule = (c) => {
  const s = sequence(c, 1);
  let bias: Value;
  if (c.node.inputs[3]) {
    const [wb, rb] = blocks(c, 3, 2, s.hidden);
    bias = combine(c, "Add", wb!, rb!);
  } else bias = c.floats("bias", new Array<number>(s.dirs * s.hidden).fill(0), s.dtype, [s.dirs, s.hidden]);
  const [y, ho] = c.op("RNNSequence", 5, [s.x, s.initial[0], s.lengths, c.input(1), c.input(2), bias], s.attrs(["Tanh"]), 2);
  return s.outputs(y!, [ho!]);
};

export const RECURRENT_LOWERING: Readonly<Record<string, LoweringRule>> = { LSTM: lstm, GRU: gru, RNN: rnn };
