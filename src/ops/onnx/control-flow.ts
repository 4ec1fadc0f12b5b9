/**
 * Control flow (If, Loop, Scan), for type inference from the subgraphs: If's outputs take
 * the branches' types where both agree; loop-carried values keep their types and scan
 * outputs gain a leading iteration axis. Inference only.
 */
import type { TensorType } from "../../ir/types.js";
import { type OnnxOpDef, valueTypeAsOutput } from "./op-def.js";

/** If: each output has the branches' type when both agree (shapes merged dim by dim). */
const ifOp: OnnxOpDef = {
  infer(ctx) {
    const then = ctx.node.getGraph("then_branch");
    const other = ctx.node.getGraph("else_branch");
    return ctx.node.outputs.map((_, i) => {
      const a = then?.outputs[i]?.type as TensorType | undefined;
      const b = other?.outputs[i]?.type as TensorType | undefined;
      if (a?.kind !== "tensor" || b?.kind !== "tensor") return undefined;
      const dtype = a.dtype === b.dtype ? a.dtype : undefined;
      const shape =
        a.shape && b.shape && a.shape.length === b.shape.length ? a.shape.map((d, k) => (d === b.shape![k] ? d : null)) : undefined;
      return { dtype, shape };
    });
  },
};

export const CONTROL_FLOW_OPS: Record<string, OnnxOpDef> = {
  If: ifOp,
  Loop: {
    // Outputs: the final loop-carried values (typed like inputs 2…), then scan outputs
    // (the body's extra outputs, stacked along a new leading axis of unknown length).
    infer(ctx) {
      const b = ctx.node.getGraph("body");
      const carried = ctx.node.inputs.length - 2;
      return ctx.node.outputs.map((_, i) => {
        if (i < carried) return valueTypeAsOutput(ctx.inputs[i + 2]?.type);
        const t = b?.outputs[i + 1]?.type;
        return t?.kind === "tensor" ? { dtype: t.dtype, shape: t.shape ? [null, ...t.shape] : undefined } : undefined;
      });
    },
  },
  Scan: {
    infer(ctx) {
      const b = ctx.node.getGraph("body");
      const states = ctx.node.inputs.length - (ctx.node.getInt("num_scan_inputs") ?? 0) - (ctx.opset < 9 ? 1 : 0);
      return ctx.node.outputs.map((_, i) => {
        if (i < states) return valueTypeAsOutput(ctx.inputs[i + (ctx.opset < 9 ? 1 : 0)]?.type);
        const t = b?.outputs[i]?.type;
        return t?.kind === "tensor" ? { dtype: t.dtype, shape: t.shape ? [null, ...t.shape] : undefined } : undefined;
      });
    },
  },
};
