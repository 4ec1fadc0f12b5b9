/**
 * WHILE with a trip count known at conversion time is unrolled: the condition subgraph is
 * translated with the current loop values, which folds to a constant when the counters are
 * constants (the Keras LSTM pattern: an iteration counter and a time index), and the body is
 * inlined once per iteration. IF with a constant condition becomes its branch.
 */
import type { Value } from "../../../ir/value.js";
import type { OpContext, OpTranslator } from "../context.js";

const MAX_ITERATIONS = 1000;

function constantBool(c: OpContext, v: Value, what: string): boolean {
  const t = v.initializer;
  if (!t || t.size !== 1) c.fail(`${what} is computed at run time, so the loop cannot be unrolled (MYRIAD runs no loops)`);
  return t.toFloat32()[0] !== 0;
}

const whileLoop: OpTranslator = (c) => {
  if (c.op.outputs.some((_, k) => c.quantizedOutput(k))) c.fail("quantized loop values are not supported");
  const cond = Number(c.opts.cond_subgraph_index);
  const body = Number(c.opts.body_subgraph_index);
  let vars = c.op.inputs.map((_, i) => c.stored(i));
  for (let it = 0; ; it++) {
    const [go] = c.scope.inline(cond, vars, `${c.name}/cond${it}/`);
    if (!go || !constantBool(c, go, "the loop condition")) return vars;
    if (it >= MAX_ITERATIONS) c.fail(`the loop runs more than ${MAX_ITERATIONS} times`);
    vars = c.scope.inline(body, vars, `${c.name}/it${it}/`);
  }
};

const ifOp: OpTranslator = (c) => {
  const taken = constantBool(c, c.stored(0), "the IF condition") ? Number(c.opts.then_subgraph_index) : Number(c.opts.else_subgraph_index);
  if (c.op.outputs.some((_, k) => c.quantizedOutput(k))) c.fail("quantized branch values are not supported");
  return c.scope.inline(
    taken,
    c.op.inputs.slice(1).map((_, i) => c.stored(i + 1)),
    `${c.name}/branch/`,
  );
};

export const CONTROL_FLOW_OPS: Readonly<Record<string, OpTranslator>> = {
  WHILE: whileLoop,
  IF: ifOp,
};
