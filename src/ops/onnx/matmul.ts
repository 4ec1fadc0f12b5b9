/** MatMul, Gemm and Einsum, for shape and type inference. Inference only. */
import type { Dim } from "../../ir/shape.js";
import type { OnnxOpDef } from "./op-def.js";

const gemm: OnnxOpDef = {
  infer(ctx) {
    const a = ctx.inputs[0]?.shape;
    const b = ctx.inputs[1]?.shape;
    if (!a || !b) return [{ dtype: ctx.inputs[0]?.dtype }];
    const m = ctx.node.getInt("transA", 0) ? a[1] : a[0];
    const n = ctx.node.getInt("transB", 0) ? b[0] : b[1];
    return [{ dtype: ctx.inputs[0]?.dtype, shape: [m ?? null, n ?? null] }];
  },
};

const matmul: OnnxOpDef = {
  infer(ctx) {
    const a = ctx.inputs[0]?.shape;
    const b = ctx.inputs[1]?.shape;
    if (!a || !b) return [{ dtype: ctx.inputs[0]?.dtype }];
    const a2 = a.length === 1 ? [1, a[0]!] : a;
    const b2 = b.length === 1 ? [b[0]!, 1] : b;
    const batchA = a2.slice(0, -2);
    const batchB = b2.slice(0, -2);
    const rank = Math.max(batchA.length, batchB.length);
    const batch: Dim[] = [];
    for (let i = 0; i < rank; i++) {
      const ka = batchA.length - rank + i;
      const kb = batchB.length - rank + i;
      const x: Dim = ka < 0 ? 1 : batchA[ka]!;
      const y: Dim = kb < 0 ? 1 : batchB[kb]!;
      batch.push(x === 1 ? y : y === 1 ? x : x === y ? x : typeof x === "number" ? x : null);
    }
    const out: Dim[] = [...batch];
    if (a.length > 1) out.push(a2[a2.length - 2] ?? null);
    if (b.length > 1) out.push(b2[b2.length - 1] ?? null);
    return [{ dtype: ctx.inputs[0]?.dtype, shape: out }];
  },
};

/** Einsum with explicit or implicit output; equations with "..." are left unknown. */
const einsum: OnnxOpDef = {
  infer(ctx) {
    const eq = ctx.node.getString("equation", "").replace(/\s/g, "");
    const dtype = ctx.inputs[0]?.dtype;
    if (eq.includes(".")) return [{ dtype }];
    const [lhs, rhs] = eq.split("->") as [string, string | undefined];
    const terms = lhs.split(",");
    const sizes = new Map<string, Dim>();
    const counts = new Map<string, number>();
    terms.forEach((t, i) => {
      const s = ctx.inputs[i]?.shape;
      [...t].forEach((c, k) => {
        counts.set(c, (counts.get(c) ?? 0) + 1);
        const d = s?.[k] ?? null;
        if (typeof d === "number" && d !== 1) sizes.set(c, d);
        else if (!sizes.has(c) || sizes.get(c) === 1) sizes.set(c, d);
      });
    });
    const out =
      rhs ??
      [...counts]
        .filter(([, n]) => n === 1)
        .map(([c]) => c)
        .sort()
        .join("");
    return [{ dtype, shape: [...out].map((c) => sizes.get(c) ?? null) }];
  },
};

export const MATMUL_OPS: Record<string, OnnxOpDef> = {
  Gemm: gemm,
  MatMul: matmul,
  Einsum: einsum,
};
