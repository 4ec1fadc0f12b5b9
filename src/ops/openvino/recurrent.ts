/**
 * LSTMSequence-5, GRUSequence-5 and RNNSequence-5, written from the OpenVINO op specification.
 * LSTMSequence-5: X [batch, seq, input],
 * initial H and C [batch, dirs, hidden], sequence lengths [batch], W [dirs, 4·hidden, input],
 * R [dirs, 4·hidden, hidden], B [dirs, 4·hidden], gates in the order f, i, c, o. Per step:
 * gates = x·Wᵀ + h·Rᵀ + B (clipped to ±clip when clip > 0), C = f⊙C + i⊙g(c), H = o⊙h(C).
 * Steps past a batch entry's length leave Y at 0 and H/C unchanged; the reverse direction
 * walks each entry's own length backwards. Outputs Y [batch, dirs, seq, hidden], Ho, Co.
 *
 * In an FP16 run, LSTMSequence rounds where MYRIAD's LSTM stage stores float16: the gate sums
 * after x·Wᵀ, after + h·Rᵀ and after + B, each activation, and the state C and H of every
 * step (C from float16 operands, H from the unrounded C), as the plugin's reference cell does
 * (openvinotoolkit/openvino @ cb626f3a, inference-engine/tests_deprecated/functional/vpu/
 * common/layers/myriad_layers_lstm_cell.hpp, lstm_cell). Small per-step increments of a cell
 * state near 1 are then lost, as on the device.
 */
import { f16round } from "../../ir/numeric/float-bits.js";
import type { NdArray } from "../ndarray.js";
import { formatDims } from "./dims.js";
import { floatAttr, intAttr, ints, type OvOpDef, required, ShapeError, strAttr } from "./op-def.js";

const ACTIVATIONS: Record<string, (x: number) => number> = {
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  relu: (x) => Math.max(0, x),
};

function activation(name: string): (x: number) => number {
  const f = ACTIVATIONS[name.trim().toLowerCase()];
  if (!f) throw new Error(`LSTMSequence activation ${name} is not supported by the interpreter`);
  return f;
}

/**
 * Visits the time steps in the order they are computed: per direction and batch entry, its
 * own length forwards, or backwards for the reverse direction (the second of bidirectional).
 * `state` is the offset of that entry's [hidden] state in [batch, dirs, hidden].
 */
function forEachStep(
  batch: number,
  dirs: number,
  seq: number,
  hidden: number,
  direction: string,
  lens: readonly number[],
  visit: (d: number, n: number, t: number, state: number) => void,
): void {
  for (let d = 0; d < dirs; d++) {
    const reverse = direction === "reverse" || d === 1;
    for (let n = 0; n < batch; n++) {
      const len = Math.min(seq, lens[n] ?? seq);
      for (let s = 0; s < len; s++) visit(d, n, reverse ? len - 1 - s : s, (n * dirs + d) * hidden);
    }
  }
}

const lstmSequence: OvOpDef = {
  run([x, h0, c0, lengths, w, r, b], { node, fp16 }) {
    const q = fp16 ? f16round : (v: number) => v;
    const [batch, seq, input] = x!.dims as [number, number, number];
    const hidden = intAttr(node, "hidden_size", 0);
    const direction = strAttr(node, "direction", "forward");
    const dirs = direction === "bidirectional" ? 2 : 1;
    const clip = floatAttr(node, "clip", 0);
    const names = strAttr(node, "activations", "sigmoid,tanh,tanh").split(",");
    const [f, g, hAct] = [activation(names[0] ?? "sigmoid"), activation(names[1] ?? "tanh"), activation(names[2] ?? "tanh")];
    const lens = ints(lengths!);
    const xd = x!.data as Float64Array;
    const wd = w!.data as Float64Array;
    const rd = r!.data as Float64Array;
    const bd = b!.data as Float64Array;
    const y = new Float64Array(batch * dirs * seq * hidden);
    const ho = Float64Array.from(h0!.data as Float64Array);
    const co = Float64Array.from(c0!.data as Float64Array);
    const gates = new Float64Array(4 * hidden);
    forEachStep(batch, dirs, seq, hidden, direction, lens, (d, n, t, state) => {
      for (let k = 0; k < 4 * hidden; k++) {
        let xw = 0;
        const wRow = (d * 4 * hidden + k) * input;
        for (let i = 0; i < input; i++) xw += xd[(n * seq + t) * input + i]! * wd[wRow + i]!;
        let acc = q(xw);
        const rRow = (d * 4 * hidden + k) * hidden;
        for (let j = 0; j < hidden; j++) acc += ho[state + j]! * rd[rRow + j]!;
        acc = q(q(acc) + bd[d * 4 * hidden + k]!);
        gates[k] = clip > 0 ? Math.min(clip, Math.max(-clip, acc)) : acc;
      }
      for (let j = 0; j < hidden; j++) {
        const fg = q(f(gates[j]!));
        const ig = q(f(gates[hidden + j]!));
        const cg = q(g(gates[2 * hidden + j]!));
        const og = q(f(gates[3 * hidden + j]!));
        const c = fg * co[state + j]! + ig * cg;
        co[state + j] = q(c);
        ho[state + j] = q(og * hAct(c));
        y[((n * dirs + d) * seq + t) * hidden + j] = ho[state + j]!;
      }
    });
    const out = (data: Float64Array, dims: number[]): NdArray => ({ dtype: x!.dtype, dims, data });
    return [out(y, [batch, dirs, seq, hidden]), out(ho, [batch, dirs, hidden]), out(co, [batch, dirs, hidden])];
  },
  infer: (inputs, ctx) => sequenceTypes(2, 4)(inputs, ctx),
};

/** Output types shared by the three sequence ops: Y [batch, dirs, seq, hidden] and the final states. */
function sequenceTypes(states: number, wPort: number): OvOpDef["infer"] {
  return (inputs, { node }) => {
    const x = required(inputs, 0);
    if (x.dims.length !== 3) throw new ShapeError(`X ${formatDims(x.dims)} must be [batch, seq_length, input_size]`);
    const [batch, seq] = x.dims as [number, number];
    const hidden = intAttr(node, "hidden_size", 0);
    const dirs = required(inputs, wPort).dims[0]!;
    const state = { dtype: x.dtype, dims: [batch, dirs, hidden] };
    return [{ dtype: x.dtype, dims: [batch, dirs, seq, hidden] }, ...Array.from({ length: states }, () => state)];
  };
}

/**
 * GRUSequence-5 (gates z, r, h; B [dirs, 3·hidden], or [dirs, 4·hidden] with
 * linear_before_reset, whose last block is the recurrent bias of h) and RNNSequence-5
 * (one gate, B [dirs, hidden]): X [batch, seq, input], H0 [batch, dirs, hidden], lengths,
 * W [dirs, G·hidden, input], R [dirs, G·hidden, hidden]. Outputs Y and Ho.
 */
function gruOrRnn(kind: "GRU" | "RNN"): OvOpDef {
  return {
    run([x, h0, lengths, w, r, b], { node }) {
      const [batch, seq, input] = x!.dims as [number, number, number];
      const hidden = intAttr(node, "hidden_size", 0);
      const direction = strAttr(node, "direction", "forward");
      const dirs = direction === "bidirectional" ? 2 : 1;
      const clip = floatAttr(node, "clip", 0);
      const names = strAttr(node, "activations", kind === "GRU" ? "sigmoid,tanh" : "tanh").split(",");
      const f = activation(names[0]!);
      const g = kind === "GRU" ? activation(names[1] ?? "tanh") : f;
      const lbr = kind === "GRU" && strAttr(node, "linear_before_reset", "false") === "true";
      const G = kind === "GRU" ? 3 : 1;
      const lens = ints(lengths!);
      const xd = x!.data as Float64Array;
      const wd = w!.data as Float64Array;
      const rd = r!.data as Float64Array;
      const bd = b!.data as Float64Array;
      const bStride = b!.dims[1]!;
      const y = new Float64Array(batch * dirs * seq * hidden);
      const ho = Float64Array.from(h0!.data as Float64Array);
      const xw = new Float64Array(G * hidden);
      const hr = new Float64Array(G * hidden);
      const cl = (v: number) => (clip > 0 ? Math.min(clip, Math.max(-clip, v)) : v);
      forEachStep(batch, dirs, seq, hidden, direction, lens, (d, n, t, state) => {
        // x·Wᵀ and h·Rᵀ per gate row, kept apart: GRU's h gate mixes them with r.
        for (let k = 0; k < G * hidden; k++) {
          let a = 0;
          for (let i = 0; i < input; i++) a += xd[(n * seq + t) * input + i]! * wd[(d * G * hidden + k) * input + i]!;
          xw[k] = a;
          let c = 0;
          for (let j = 0; j < hidden; j++) c += ho[state + j]! * rd[(d * G * hidden + k) * hidden + j]!;
          hr[k] = c;
        }
        const bias = (k: number) => bd[d * bStride + k]!;
        if (kind === "RNN") {
          for (let j = 0; j < hidden; j++) ho[state + j] = f(cl(xw[j]! + hr[j]! + bias(j)));
        } else {
          for (let j = 0; j < hidden; j++) {
            const z = f(cl(xw[j]! + hr[j]! + bias(j)));
            const rg = f(cl(xw[hidden + j]! + hr[hidden + j]! + bias(hidden + j)));
            let hh: number;
            if (lbr) hh = g(cl(xw[2 * hidden + j]! + bias(2 * hidden + j) + rg * (hr[2 * hidden + j]! + bias(3 * hidden + j))));
            else {
              // (r ⊙ H)·Rhᵀ: recomputed with the reset gate applied to the state.
              let c = 0;
              for (let m = 0; m < hidden; m++) {
                const rm = f(cl(xw[hidden + m]! + hr[hidden + m]! + bias(hidden + m)));
                c += rm * ho[state + m]! * rd[(d * G * hidden + 2 * hidden + j) * hidden + m]!;
              }
              hh = g(cl(xw[2 * hidden + j]! + c + bias(2 * hidden + j)));
            }
            xw[2 * hidden + j] = (1 - z) * hh; // staged: H is updated after all units
            hr[2 * hidden + j] = z;
          }
          for (let j = 0; j < hidden; j++) ho[state + j] = xw[2 * hidden + j]! + hr[2 * hidden + j]! * ho[state + j]!;
        }
        for (let j = 0; j < hidden; j++) y[((n * dirs + d) * seq + t) * hidden + j] = ho[state + j]!;
      });
      const out = (data: Float64Array, dims: number[]): NdArray => ({ dtype: x!.dtype, dims, data });
      return [out(y, [batch, dirs, seq, hidden]), out(ho, [batch, dirs, hidden])];
    },
    infer: sequenceTypes(1, 3),
  };
}

export const OV_RECURRENT: Record<string, OvOpDef> = {
  LSTMSequence: lstmSequence,
  GRUSequence: gruOrRnn("GRU"),
  RNNSequence: gruOrRnn("RNN"),
};
