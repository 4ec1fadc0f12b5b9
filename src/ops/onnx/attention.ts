/** The attention ops of op sets 23–26 (Attention, LinearAttention, RotaryEmbedding), for shape and type inference. Inference only. */
import type { Dim } from "../../ir/shape.js";
import { type OnnxOpDef, sameAsInputOp } from "./op-def.js";

export const ATTENTION_OPS: Record<string, OnnxOpDef> = {
  Attention: {
    // Y only: 4-D Q [B, Hq, Sq, d] gives [B, Hq, Sq, dv]; 3-D Q [B, Sq, Hq·d] gives [B, Sq, Hq·dv].
    infer(ctx) {
      const q = ctx.inputs[0]?.shape;
      const v = ctx.inputs[2]?.shape;
      const dtype = ctx.inputs[0]?.dtype;
      const rest = ctx.node.outputs.slice(1).map(() => undefined);
      if (!q || !v) return [{ dtype }, ...rest];
      if (q.length === 4 && v.length === 4) return [{ dtype, shape: [q[0]!, q[1]!, q[2]!, v[3]!] }, ...rest];
      const qHeads = ctx.node.getInt("q_num_heads");
      const kvHeads = ctx.node.getInt("kv_num_heads");
      const vHidden = v[2];
      if (q.length === 3 && v.length === 3 && qHeads && kvHeads && typeof vHidden === "number") {
        return [{ dtype, shape: [q[0]!, q[1]!, qHeads * (vHidden / kvHeads)] }, ...rest];
      }
      return [{ dtype }, ...rest];
    },
  },
  LinearAttention: {
    // Y like Q; the state is [B, kv_heads, d_k, d_v].
    infer(ctx) {
      const q = ctx.inputs[0]?.shape;
      const k = ctx.inputs[1]?.shape;
      const v = ctx.inputs[2]?.shape;
      const heads = ctx.node.getInt("kv_num_heads");
      const dtype = ctx.inputs[0]?.dtype;
      const per = (d: Dim | undefined) => (typeof d === "number" && heads ? d / heads : null);
      return [
        { dtype, shape: q },
        { dtype, shape: q && k && v && heads ? [q[0] ?? null, heads, per(k[2]), per(v[2])] : undefined },
      ];
    },
  },
  RotaryEmbedding: sameAsInputOp,
};
