/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM variants LSTMSequence-5 lacks — peepholes, CIFG (no input gate:
 * i = 1 − f), projection, layer-normalized gates, cell_clip and proj_clip — unrolled over the
 * (static) time steps in plain ops MYRIAD runs (MatMul, Add, Mul, Sigmoid, Tanh, Clip), step by
 * step as tensorflow/lite/kernels/lstm_eval.cc computes them:
 *   z = W·x + R·h (one MatMul for all steps' inputs, one per step for the state);
 *   per gate: + peephole ⊙ c (i, f: the old cell; o: the new one); with layer norm,
 *   (z − mean)/√(var + 1e-8) · ln_weights + bias, else + bias;
 *   i = σ, f = σ, g = act, c = f ⊙ c + i ⊙ g (clipped to ±cell_clip), o = σ, h = o ⊙ act(c);
 *   projection h = P·h + bias (clipped to ±proj_clip).
 */
import { attr } from "../../../ir/attribute.js";
import { Tensor } from "../../../ir/tensor.js";
import type { Value } from "../../../ir/value.js";
import type { OpContext } from "../context.js";
import { ACTIVATIONS } from "../options.js";

/** Inputs of UNIDIRECTIONAL_SEQUENCE_LSTM by gate (TFLite order i, f, c, o). */
const INPUT_WEIGHTS = [1, 2, 3, 4];
const RECURRENT_WEIGHTS = [5, 6, 7, 8];
/** Peepholes of the i, f and o gates. */
const PEEPHOLES = [9, 10, -1, 11];
const BIASES = [12, 13, 14, 15];
const PROJECTION = [16, 17];
const STATES = [18, 19];
const LAYER_NORM = [20, 21, 22, 23];
/** TFLite's MeanStddevNormalization constant. */
const LAYER_NORM_EPSILON = 1e-8;

/** Whether the op needs the unrolled cell (a variant LSTMSequence-5 lacks). */
export function needsUnrolledLstm(c: OpContext): boolean {
  return (
    !c.has(INPUT_WEIGHTS[0]!) ||
    [9, 10, 11, ...PROJECTION, ...LAYER_NORM].some((i) => c.has(i)) ||
    Number(c.opts.cell_clip) > 0 ||
    Number(c.opts.proj_clip) > 0
  );
}

/** W [rows, cols] of each present gate, transposed and side by side: [cols, gates·rows]. */
function sideBySide(c: OpContext, inputs: readonly number[], rows: number, cols: number): Value {
  const present = inputs.filter((i) => i >= 0 && c.has(i));
  const out = new Float32Array(cols * present.length * rows);
  present.forEach((i, g) => {
    const w = (c.constant(i) ?? c.fail(`the weights (input ${i}) must be constants`)).toFloat32();
    if (w.length !== rows * cols) c.fail(`input ${i} has ${w.length} values, ${rows}×${cols} expected`);
    for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) out[k * present.length * rows + g * rows + r] = w[r * cols + k]!;
  });
  return c.constantValue(Tensor.fromArray("float32", [cols, present.length * rows], out));
}

function cellActivation(c: OpContext): (v: Value) => Value {
  const name = ACTIVATIONS[Number(c.opts.fused_activation_function)];
  switch (name) {
    case "NONE":
      return (v) => v;
    case "RELU":
      return (v) => c.one("Relu", [v]);
    case "RELU6":
      return (v) => c.one("Clip", [v, c.scalar(0), c.scalar(6)]);
    case "TANH":
      return (v) => c.one("Tanh", [v]);
    default:
      return c.fail(`the cell activation ${name ?? "?"} is not supported`);
  }
}

const clip = (c: OpContext, v: Value, bound: number) => (bound > 0 ? c.one("Clip", [v, c.scalar(-bound), c.scalar(bound)]) : v);

/** The unrolled LSTM; x is time-major [T, B, I]; returns [T, B, out]. */
export function unrolledLstm(c: OpContext, x: Value): Value {
  const shape = c.shape(0);
  const [steps, , inputs] = c.opts.time_major ? shape : [shape[1]!, shape[0]!, shape[2]!];
  if (!(steps! > 0)) c.fail("the unrolled LSTM (a variant LSTMSequence-5 lacks) needs a static number of time steps");
  const [hidden] = c.shape(INPUT_WEIGHTS[1]!);
  const out = c.has(PROJECTION[0]!) ? c.shape(PROJECTION[0]!)[0]! : hidden!;
  const cifg = !c.has(INPUT_WEIGHTS[0]!);
  const layerNorm = c.has(LAYER_NORM[1]!);
  const gates = cifg ? [1, 2, 3] : [0, 1, 2, 3];
  const act = cellActivation(c);
  const vector = (i: number) => c.input(i);
  const W = sideBySide(
    c,
    gates.map((g) => INPUT_WEIGHTS[g]!),
    hidden!,
    inputs!,
  );
  const R = sideBySide(
    c,
    gates.map((g) => RECURRENT_WEIGHTS[g]!),
    hidden!,
    out,
  );
  let xw = c.one("MatMul", [x, W]);
  // Without layer norm the biases add to W·x once, for every step at a time.
  if (!layerNorm)
    xw = c.one("Add", [
      xw,
      c.one(
        "Concat",
        gates.map((g) => vector(BIASES[g]!)),
        { axis: attr.int(0) },
      ),
    ]);
  const state = (i: number, width: number) =>
    c.has(i)
      ? c.input(i)
      : c.floats(new Array<number>(shape[c.opts.time_major ? 1 : 0]! * width).fill(0), [shape[c.opts.time_major ? 1 : 0]!, width]);
  let h = state(STATES[0]!, out);
  let cell = state(STATES[1]!, hidden!);
  const projection = c.has(PROJECTION[0]!) ? sideBySide(c, [PROJECTION[0]!], out, hidden!) : undefined;
  const results: Value[] = [];
  for (let t = 0; t < steps!; t++) {
    const xt = c.one("Squeeze", [c.one("Slice", [xw, c.ints([t]), c.ints([t + 1]), c.ints([0])]), c.ints([0])]);
    const z = c.one("Add", [xt, c.one("MatMul", [h, R])]);
    const parts = c.emit("Split", [z, c.ints(gates.map(() => hidden!))], { axis: attr.int(1) }, gates.length);
    const gate = (g: number, peepholeCell: Value | undefined) => {
      let v = parts[gates.indexOf(g)]!;
      if (peepholeCell && c.has(PEEPHOLES[g]!)) v = c.one("Add", [v, c.one("Mul", [peepholeCell, vector(PEEPHOLES[g]!)])]);
      if (layerNorm) {
        const mean = c.one("ReduceMean", [v], { axes: attr.ints([1]), keepdims: attr.int(1) });
        const centered = c.one("Sub", [v, mean]);
        const variance = c.one("ReduceMean", [c.one("Mul", [centered, centered])], { axes: attr.ints([1]), keepdims: attr.int(1) });
        const normalized = c.one("Div", [centered, c.one("Sqrt", [c.one("Add", [variance, c.scalar(LAYER_NORM_EPSILON)])])]);
        v = c.one("Add", [c.one("Mul", [normalized, vector(LAYER_NORM[g]!)]), vector(BIASES[g]!)]);
      }
      return v;
    };
    const f = c.one("Sigmoid", [gate(1, cell)]);
    const i = cifg ? c.one("Sub", [c.scalar(1), f]) : c.one("Sigmoid", [gate(0, cell)]);
    const g = act(gate(2, undefined));
    cell = clip(c, c.one("Add", [c.one("Mul", [f, cell]), c.one("Mul", [i, g])]), Number(c.opts.cell_clip));
    const o = c.one("Sigmoid", [gate(3, cell)]);
    h = c.one("Mul", [o, act(cell)]);
    if (projection) {
      h = c.one("MatMul", [h, projection]);
      if (c.has(PROJECTION[1]!)) h = c.one("Add", [h, vector(PROJECTION[1]!)]);
      h = clip(c, h, Number(c.opts.proj_clip));
    }
    results.push(c.one("Unsqueeze", [h, c.ints([0])]));
  }
  return c.one("Concat", results, { axis: attr.int(0) });
}
