/** The recurrent ONNX ops (RNN, GRU, LSTM), for shape and type inference. Inference only. */
import type { Shape } from "../../ir/shape.js";
import type { OnnxOpDef } from "./op-def.js";

/** RNN, GRU, LSTM: Y [seq, dirs, batch, hidden] and Y_h (and LSTM's Y_c) [dirs, batch, hidden]; layout=1 puts batch first. */
const recurrent: OnnxOpDef = {
  infer(ctx) {
    const x = ctx.inputs[0]?.shape;
    const hidden = ctx.node.getInt("hidden_size") ?? null;
    const dirs = ctx.node.getString("direction", "forward") === "bidirectional" ? 2 : 1;
    const dtype = ctx.inputs[0]?.dtype;
    const n = ctx.node.outputs.length;
    if (!x || x.length !== 3) return Array.from({ length: n }, () => ({ dtype }));
    const batchFirst = ctx.node.getInt("layout", 0) === 1;
    const seq = batchFirst ? x[1]! : x[0]!;
    const batch = batchFirst ? x[0]! : x[1]!;
    const y: Shape = batchFirst ? [batch, seq, dirs, hidden] : [seq, dirs, batch, hidden];
    const state: Shape = batchFirst ? [batch, dirs, hidden] : [dirs, batch, hidden];
    return [
      { dtype, shape: y },
      { dtype, shape: state },
      { dtype, shape: state },
    ].slice(0, n);
  },
};

export const RECURRENT_OPS: Record<string, OnnxOpDef> = {
  RNN: recurrent,
  GRU: recurrent,
  LSTM: recurrent,
};
