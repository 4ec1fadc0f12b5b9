/** Lowering of ONNX MatMul and Gemm (MatMul with transposes, then α and β·C). */
import type { LoweringRule } from "../rule-helpers.js";

const gemm: LoweringRule = (c) => {
  const alpha = c.node.getFloat("alpha", 1);
  const beta = c.node.getFloat("beta", 1);
  let y = c.one("MatMul", 1, [c.input(0), c.input(1)], {
    transpose_a: c.node.getInt("transA", 0) === 1,
    transpose_b: c.node.getInt("transB", 0) === 1,
  });
  const dtype = c.dtype(0);
  if (alpha !== 1) y = c.one("Multiply", 1, [y, c.floats("alpha", [alpha], dtype, [])], { auto_broadcast: "numpy" });
  if (c.node.inputs[2]) {
    let bias = c.input(2);
    if (beta !== 1) bias = c.one("Multiply", 1, [bias, c.floats("beta", [beta], dtype, [])], { auto_broadcast: "numpy" });
    y = c.one("Add", 1, [y, bias], { auto_broadcast: "numpy" });
  }
  return [y];
};

export const MATMUL_LOWERING: Readonly<Record<string, LoweringRule>> = {
  MatMul: (c) => [c.one("MatMul", 1, [c.input(0), c.input(1)], { transpose_a: false, transpose_b: false })],
  Gemm: gemm,
};
