/**
 * FULLY_CONNECTED (weights [out, in], optional bias, keep_num_dims) and BATCH_MATMUL
 * (adj_x / adj_y transpose the last two axes).
 */
import { attr } from "../../../ir/attribute.js";
import type { Value } from "../../../ir/value.js";
import type { OpContext, OpTranslator } from "../context.js";
import { permutedWeights } from "./conv-pool.js";
import { fusedActivation } from "./fused-activation.js";
import { isHybrid, quantizeAtRunTime } from "./hybrid.js";

const fullyConnected: OpTranslator = (c) => {
  const [, inFeatures] = c.shape(1);
  let x = c.input(0);
  const shape = c.shape(0);
  const rank = shape.length;
  // Without keep_num_dims every leading axis folds into one batch axis.
  if ((!c.opts.keep_num_dims || isHybrid(c, 1)) && rank !== 2) x = c.one("Reshape", [x, c.ints([-1, inFeatures!])]);
  if (isHybrid(c, 1)) {
    // The hybrid kernel quantizes each row of the [rows, in] input on its own.
    x = quantizeAtRunTime(c, x, [1], c.opts.asymmetric_quantize_inputs ? "asymmetric" : "symmetric");
    if (c.opts.keep_num_dims && rank !== 2)
      x = c.one("Reshape", [x, shape.every((d) => d >= 0) ? c.ints(shape) : c.one("Shape", [c.input(0)])]);
  }
  let y = c.main("MatMul", [x, permutedWeights(c, 1, [1, 0])])[0]!;
  if (c.has(2)) y = c.one("Add", [y, c.input(2)]);
  return [fusedActivation(c, y)];
};

function swapLast(c: OpContext, v: Value, rank: number): Value {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  return c.one("Transpose", [v], { perm: attr.ints(perm) });
}

const batchMatmul: OpTranslator = (c) => {
  let a = c.input(0);
  let b = c.input(1);
  if (c.opts.adj_x) a = swapLast(c, a, c.shape(0).length);
  if (c.opts.adj_y) b = swapLast(c, b, c.shape(1).length);
  return c.main("MatMul", [a, b]);
};

export const MATMUL_OPS: Readonly<Record<string, OpTranslator>> = {
  FULLY_CONNECTED: fullyConnected,
  BATCH_MATMUL: batchMatmul,
};
