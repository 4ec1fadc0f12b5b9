/**
 * LSTMSequence-5, written from the OpenVINO op specification: X [batch, seq, input],
 * initial H and C [batch, dirs, hidden], sequence lengths [batch], W [dirs, 4·hidden, input],
 * R [dirs, 4·hidden, hidden], B [dirs, 4·hidden], gates in the order f, i, c, o. Per step:
 * gates = x·Wᵀ + h·Rᵀ + B (clipped to ±clip when clip > 0), C = f⊙C + i⊙g(c), H = o⊙h(C).
 * Steps past a batch entry's length leave Y at 0 and H/C unchanged; the reverse direction
 * walks each entry's own length backwards. Outputs Y [batch, dirs, seq, hidden], Ho, Co.
 */
import type { NdArray } from "../ndarray.js";
import { floatAttr, intAttr, ints, strAttr, type OvOpDef } from "./op-def.js";

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

const lstmSequence: OvOpDef = {
  run([x, h0, c0, lengths, w, r, b], { node }) {
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
    for (let d = 0; d < dirs; d++) {
      const reverse = direction === "reverse" || d === 1;
      for (let n = 0; n < batch; n++) {
        const len = Math.min(seq, lens[n] ?? seq);
        const state = (n * dirs + d) * hidden;
        for (let s = 0; s < len; s++) {
          const t = reverse ? len - 1 - s : s;
          for (let k = 0; k < 4 * hidden; k++) {
            let acc = bd[d * 4 * hidden + k]!;
            const wRow = (d * 4 * hidden + k) * input;
            for (let i = 0; i < input; i++) acc += xd[(n * seq + t) * input + i]! * wd[wRow + i]!;
            const rRow = (d * 4 * hidden + k) * hidden;
            for (let j = 0; j < hidden; j++) acc += ho[state + j]! * rd[rRow + j]!;
            gates[k] = clip > 0 ? Math.min(clip, Math.max(-clip, acc)) : acc;
          }
          for (let j = 0; j < hidden; j++) {
            const fg = f(gates[j]!);
            const ig = f(gates[hidden + j]!);
            const cg = g(gates[2 * hidden + j]!);
            const og = f(gates[3 * hidden + j]!);
            const c = fg * co[state + j]! + ig * cg;
            co[state + j] = c;
            ho[state + j] = og * hAct(c);
            y[((n * dirs + d) * seq + t) * hidden + j] = ho[state + j]!;
          }
        }
      }
    }
    const out = (data: Float64Array, dims: number[]): NdArray => ({ dtype: x!.dtype, dims, data });
    return [out(y, [batch, dirs, seq, hidden]), out(ho, [batch, dirs, hidden]), out(co, [batch, dirs, hidden])];
  },
  outputTypes([x, , , , w], { node }) {
    const [batch, seq] = x!.dims as [number, number];
    const hidden = intAttr(node, "hidden_size", 0);
    const dirs = w!.dims[0]!;
    return [
      { dtype: x!.dtype, dims: [batch, dirs, seq, hidden] },
      { dtype: x!.dtype, dims: [batch, dirs, hidden] },
      { dtype: x!.dtype, dims: [batch, dirs, hidden] },
    ];
  },
};

export const OV_RECURRENT: Record<string, OvOpDef> = { LSTMSequence: lstmSequence };
