/**
 * MatMul(A, B) + C → Gemm(A, B, C) when A is 2-D, B is a constant [K, N] and C a constant
 * broadcastable to [M, N] ([N] or [1, N]): one op instead of two, which both the OpenVINO
 * lowering and MYRIAD (FullyConnected) handle better. Leaves MatMuls with other readers alone.
 */
import type { Graph } from "../../../ir/graph.js";
import type { Model } from "../../../ir/model.js";
import type { Pass, PassResult } from "../../pass.js";
import { constantOf, isOnnxDomain } from "../op-context.js";

function rewrite(graph: Graph): boolean {
  let changed = false;
  for (const add of [...graph.nodes]) {
    if (!add.graph) continue;
    for (const sg of add.subgraphs()) changed = rewrite(sg) || changed;
    if (add.opType !== "Add" || !isOnnxDomain(add)) continue;
    for (const k of [0, 1]) {
      const mm = add.inputs[k]?.producer;
      const bias = add.inputs[1 - k];
      const mid = add.inputs[k];
      if (!mm || !bias || !mid || mm.opType !== "MatMul" || !isOnnxDomain(mm) || mm.graph !== graph) continue;
      if (mid.uses.length !== 1 || mid.isGraphOutput()) continue;
      const a = mm.inputs[0];
      const b = constantOf(mm.inputs[1]);
      const c = constantOf(bias);
      if (!a || a.shape?.length !== 2 || !b || b.rank !== 2 || !c || c.dtype !== b.dtype) continue;
      const n = b.dims[1]!;
      const cOk =
        (c.rank === 1 && (c.dims[0] === n || c.dims[0] === 1)) ||
        (c.rank === 2 && c.dims[0] === 1 && (c.dims[1] === n || c.dims[1] === 1)) ||
        c.rank === 0;
      if (!cOk || a.dtype !== b.dtype) continue;
      // Reuse the MatMul node as the Gemm and take over the Add's output.
      mm.opType = "Gemm";
      mm.appendInput(bias);
      graph.replaceValue(add.outputs[0]!, mid);
      graph.removeNode(add, { force: true });
      changed = true;
      break;
    }
  }
  return changed;
}

export const matmulAddToGemmPass: Pass = {
  name: "matmul-add-to-gemm",
  dialect: "onnx",
  description: "fuse 2-D MatMul with a constant weight and a bias Add into Gemm",
  run(model: Model): PassResult {
    return { changed: rewrite(model.graph) };
  },
};
