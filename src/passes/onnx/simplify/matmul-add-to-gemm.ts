/**
 * MatMul(A, B) + C → Gemm(A, B, C) when A is 2-D, B is a constant [K, N] and C a constant
 * broadcastable to [M, N] ([N] or [1, N]): one op instead of two, which both the OpenVINO
 * lowering and MYRIAD (FullyConnected) handle better. Leaves MatMuls with other readers alone.
 */
import type { Node } from "../../../ir/node.js";
import { rewritePass } from "../../rewrite/pass.js";
import { defineRule } from "../../rewrite/rule.js";
import { constantOf, isOnnxDomain } from "../op-context.js";

/** The Add input (0 or 1) that a MatMul read by this Add only produces, the other input being a constant. */
function matmulSide(add: Node): { k: 0 | 1; mm: Node } | undefined {
  for (const k of [0, 1] as const) {
    const mid = add.inputs[k];
    const mm = mid?.producer;
    if (!mid || !mm || mm.opType !== "MatMul" || !isOnnxDomain(mm) || mm.graph !== add.graph) continue;
    if (mid.uses.length !== 1 || mid.isGraphOutput() || !constantOf(add.inputs[1 - k])) continue;
    return { k, mm };
  }
  return undefined;
}

const matmulAddToGemm = defineRule({
  name: "matmul-add-to-gemm",
  opTypes: ["Add"],
  match(add) {
    return isOnnxDomain(add) ? matmulSide(add) : undefined;
  },
  check(add, { k, mm }) {
    const a = mm.inputs[0];
    const b = constantOf(mm.inputs[1]);
    const c = constantOf(add.inputs[1 - k])!;
    if (!a || a.shape?.length !== 2) return "the MatMul's first input is not known to be 2-D";
    if (!b || b.rank !== 2) return "the MatMul's weight is not a 2-D constant";
    if (c.dtype !== b.dtype || a.dtype !== b.dtype) return "the inputs do not share one dtype";
    const n = b.dims[1]!;
    const cOk =
      (c.rank === 1 && (c.dims[0] === n || c.dims[0] === 1)) ||
      (c.rank === 2 && c.dims[0] === 1 && (c.dims[1] === n || c.dims[1] === 1)) ||
      c.rank === 0;
    return cOk ? undefined : `the bias of shape [${c.dims.join(",")}] does not broadcast along the rows of [M, ${n}]`;
  },
  rewrite(add, { k, mm }, ctx) {
    // Reuse the MatMul node as the Gemm and take over the Add's output.
    mm.opType = "Gemm";
    mm.appendInput(add.inputs[1 - k]);
    ctx.touch(mm);
    return { replaceWith: [add.inputs[k]] };
  },
});

export const matmulAddToGemmPass = rewritePass({ name: "matmul-add-to-gemm", rules: [matmulAddToGemm] });
