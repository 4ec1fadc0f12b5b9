/**
 * Convert insertion for MYRIAD's input-type rules: a layer that computes in FP16 only
 * (Subtract, Greater, Floor, Convolution … — stages/eltwise.cpp) but reads I32 data gets its
 * integer inputs converted to float (constants are re-typed directly), and, if it produced
 * integers, its result converted back. S32→FP16 and FP16→S32 are both legal Convert pairs.
 * Exact while the integers stay within ±2048 (FP16's exact-integer range).
 */
import type { DTypeName } from "../../../ir/dtype.js";
import type { Node } from "../../../ir/node.js";
import { tensorType } from "../../../ir/types.js";
import type { Value } from "../../../ir/value.js";
import type { OvBuilder } from "../../../lower/builder.js";
import { ndCast, ndFromTensor, ndToTensor } from "../../../ops/ndarray.js";
import { elementTypeOf } from "../../../ops/openvino/element-types.js";
import type { ValueFacts } from "../../../passes/rewrite/facts.js";
import { type RewritePass, rewritePass } from "../../../passes/rewrite/pass.js";
import { defineRule } from "../../../passes/rewrite/rule.js";
import { capabilityOf } from "../capabilities.js";
import { type MyriadType, myriadTypeOf } from "../types.js";

const deviceType = (facts: ValueFacts, v: Value | undefined): MyriadType | undefined => myriadTypeOf(v ? facts.type(v)?.dtype : undefined);

/** Ports whose device type the layer refuses. */
function refusedPorts(node: Node, facts: ValueFacts): { port: number; actual: MyriadType; allowed: readonly MyriadType[] }[] {
  const cap = capabilityOf(node.opType);
  if (!cap?.supported || !cap.inputTypes) return [];
  return Object.entries(cap.inputTypes).flatMap(([p, allowed]) => {
    const actual = deviceType(facts, node.inputs[Number(p)]);
    return actual && !allowed.includes(actual) ? [{ port: Number(p), actual, allowed }] : [];
  });
}

/** The float type the node's other inputs use (so the IR stays type-consistent), float32 by default. */
function floatTypeNear(node: Node): DTypeName {
  const f = node.inputs.find((v) => myriadTypeOf(v?.dtype) === "FP16");
  return f?.dtype ?? "float32";
}

function toFloat(b: OvBuilder, v: Value, dtype: DTypeName): Value {
  if (v.isInitializer) return b.constTensor("as_float", ndToTensor(ndCast(ndFromTensor(v.initializer!), dtype)));
  return b.one("Convert", 1, [v], { destination_type: elementTypeOf(dtype)! });
}

const computeInFloat = defineRule({
  name: "compute-in-float",
  match: (node, facts) => {
    const refused = refusedPorts(node, facts);
    return refused.length ? refused : undefined;
  },
  check(node, refused, facts) {
    const other = refused.find((r) => r.actual !== "I32" || !r.allowed.includes("FP16"));
    if (other)
      return `input ${other.port} is ${other.actual === "I32" ? "S32" : other.actual}; only S32 data is converted, to FP16, and only where FP16 is accepted`;
    const bool = refused.find((r) => facts.type(node.inputs[r.port]!)?.dtype === "bool");
    return bool ? `input ${bool.port} is a boolean, which is not converted to float` : undefined;
  },
  rewrite(node, _m, ctx) {
    const g = ctx.graph;
    const b = ctx.ov();
    const dtype = floatTypeNear(node);
    // Every integer data input goes to float: eltwise inputs must agree in type.
    node.inputs.forEach((v, i) => {
      if (v && myriadTypeOf(v.dtype) === "I32" && v.dtype !== "bool") node.setInput(i, toFloat(b, v, dtype));
    });
    for (const out of node.outputs) {
      const intType = out?.dtype;
      if (!out || !intType || myriadTypeOf(intType) !== "I32" || intType === "bool") continue;
      // The node now yields float; consumers keep receiving the integer type they had.
      const floatOut = g.newValue(`${out.name}/float`, tensorType(dtype, out.shape));
      node.setOutput(node.outputs.indexOf(out), floatOut);
      const back = b.one("Convert", 1, [floatOut], { destination_type: elementTypeOf(intType)! });
      g.replaceValue(out, back);
      back.type = out.type;
    }
    return { inPlace: true };
  },
});

export const insertConvertsPass: RewritePass = rewritePass({
  name: "insert-converts",
  rules: [computeInFloat],
  noteSkips: true,
  unmatched: (node) => `every input of ${node.opType} has a type its MYRIAD stage accepts`,
});
