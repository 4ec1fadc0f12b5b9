/**
 * ONNX LSTM → LSTMSequence-5 (which the MYRIAD plugin runs). ONNX orders the gates i, o, f, c
 * and OpenVINO f, i, c, o, so W, R and B are regrouped (constants ahead of time, computed
 * weights with VariadicSplit + Concat); ONNX's two biases (Wb, Rb) are summed; ONNX's
 * [seq, dirs, batch, …] layout (layout=0) is transposed to OpenVINO's batch-first one and back.
 */
import type { Value } from "../ir/value.js";
import type { LowerContext } from "./context.js";
import { combine, type LoweringRule } from "./rule-helpers.js";

/** ONNX gate blocks i, o, f, c → OpenVINO's f, i, c, o. */
const ONNX_TO_OV_GATES = [2, 0, 3, 1];

function regroupGates(c: LowerContext, v: Value, hidden: number): Value {
  const parts = c.op("VariadicSplit", 1, [v, c.i64("axis", [1], []), c.i64("lengths", [hidden, hidden, hidden, hidden])], {}, 4);
  return c.one("Concat", 1, ONNX_TO_OV_GATES.map((k) => parts[k]!), { axis: 1 });
}

const ACTIVATION_NAMES: Record<string, string> = { Sigmoid: "sigmoid", Tanh: "tanh", Relu: "relu" };

const lstm: LoweringRule = (c) => {
  const hidden = c.node.getInt("hidden_size") ?? c.fail("hidden_size is missing");
  const direction = c.node.getString("direction", "forward");
  const dirs = direction === "bidirectional" ? 2 : 1;
  const layout = c.node.getInt("layout", 0);
  if (c.node.inputs[7]) c.fail("peephole weights (input P) have no LSTMSequence-5 equivalent");
  if (c.node.getInt("input_forget", 0) === 1) c.fail("input_forget=1 has no LSTMSequence-5 equivalent");
  const acts = (c.node.getStrings("activations") ?? ["Sigmoid", "Tanh", "Tanh"]).map((a) => ACTIVATION_NAMES[a] ?? c.fail(`activation ${a} is not supported`));
  if (acts.length > 3 && acts.slice(3).join() !== acts.slice(0, 3).join()) c.fail("different activations per direction are not supported");
  const xDims = c.shape(0);
  const [seq, batch] = layout === 0 ? [xDims[0]!, xDims[1]!] : [xDims[1]!, xDims[0]!];
  const dtype = c.dtype(0);
  const batchFirst = (v: Value) => c.one("Transpose", 1, [v, c.i64("perm", [1, 0, 2])]);
  const x = layout === 0 ? batchFirst(c.input(0)) : c.input(0);
  // Initial states: ONNX [dirs, batch, hidden] (layout 0) or [batch, dirs, hidden]; zeros when absent.
  const state = (i: number) => (c.node.inputs[i] ? (layout === 0 ? batchFirst(c.input(i)) : c.input(i)) : c.floats("zeros", new Array<number>(batch * dirs * hidden).fill(0), dtype, [batch, dirs, hidden]));
  const lengths = c.node.inputs[4] ? c.input(4) : c.i64("lengths", new Array<number>(batch).fill(seq));
  let bias: Value;
  if (c.node.inputs[3]) {
    const halves = c.op("VariadicSplit", 1, [c.input(3), c.i64("axis", [1], []), c.i64("halves", [4 * hidden, 4 * hidden])], {}, 2);
    bias = regroupGates(c, combine(c, "Add", halves[0]!, halves[1]!), hidden);
  } else bias = c.floats("bias", new Array<number>(dirs * 4 * hidden).fill(0), dtype, [dirs, 4 * hidden]);
  const attrs = { hidden_size: hidden, direction, activations: acts.slice(0, 3).join(","), activations_alpha: [], activations_beta: [], clip: c.node.getFloat("clip", 0) };
  const [y, ho, co] = c.op("LSTMSequence", 5, [x, state(5), state(6), lengths, regroupGates(c, c.input(1), hidden), regroupGates(c, c.input(2), hidden), bias], attrs, 3);
  // Y: OpenVINO [batch, dirs, seq, hidden] → ONNX [seq, dirs, batch, hidden] or [batch, seq, dirs, hidden].
  const yOut = c.one("Transpose", 1, [y, c.i64("perm", layout === 0 ? [2, 1, 0, 3] : [0, 2, 1, 3])]);
  const back = (v: Value) => (layout === 0 ? batchFirst(v) : v);
  return [yOut, back(ho!), back(co!)];
};

export const RECURRENT_LOWERING: Readonly<Record<string, LoweringRule>> = { LSTM: lstm };
